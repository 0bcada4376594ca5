//! The real Linux backend: overlayfs, namespaces, cgroups, a monitor per container.
