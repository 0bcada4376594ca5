//! The simulated backend: processes modelled over the real store.
pub mod programs;
pub mod sys;
pub mod system;
pub mod unionfs;
