//! (module under construction)
pub mod template;
