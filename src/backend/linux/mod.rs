//! The real Linux backend: overlayfs, namespaces, cgroups, a monitor per container.
pub mod cgroup;
pub mod host_image;
mod init;
pub mod monitor;
pub mod overlay;
pub mod records;
pub mod runtime;
pub mod spawn;
#[cfg(test)]
pub(crate) mod testkit;
