//! The simulated backend: processes modelled over the real store.
pub mod programs;
pub mod runtime;
pub mod shell;
pub mod sys;
pub mod system;
pub mod unionfs;

pub use runtime::SimRuntime;
