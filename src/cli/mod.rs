//! (module under construction)
pub mod lang;
