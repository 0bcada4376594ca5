//! The real Linux backend: overlayfs, namespaces, cgroups, a monitor per container.
pub mod cgroup;
pub mod overlay;
#[cfg(test)]
pub(crate) mod testkit;
