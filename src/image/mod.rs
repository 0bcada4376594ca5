//! (module under construction)
pub mod changes;
