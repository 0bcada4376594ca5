//! The simulated backend: processes modelled over the real store.
pub mod runtime;
pub mod sys;

pub use runtime::SimRuntime;
