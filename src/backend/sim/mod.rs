//! The simulated backend: processes modelled over the real store.
pub mod shell;
pub mod sys;
