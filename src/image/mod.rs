//! Docker/OCI formats: image config, references, and the simulator's built-in images.
pub mod builtin;
pub mod config;
pub mod reference;

pub use config::ImageConfig;
pub use reference::{Reference, ReferenceError};
