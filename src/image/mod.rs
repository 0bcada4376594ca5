//! Docker/OCI formats: image config, references, the simulator's built-in images, and
//! `docker diff` over a writable layer.
pub mod archive;
pub mod builtin;
pub mod changes;
pub mod config;
pub mod go_config;
pub mod layer_tar;
pub mod reference;

pub use config::ImageConfig;
pub use reference::{Reference, ReferenceError};
