//! The real Linux backend: overlayfs, namespaces, cgroups, a monitor per container.
use crate::backend::Runtime;
use crate::store::{Store, StoreError};

/// Whether the linux backend can run here; the reason when it cannot.
pub fn probe() -> Result<(), String> {
    Err("the linux backend is not wired in yet".to_string())
}

pub fn runtime() -> Box<dyn Runtime> {
    Box::new(crate::backend::sim::SimRuntime::new())
}

pub fn install_base_images(_store: &Store) -> Result<(), StoreError> {
    Ok(())
}

pub fn cgroup_version_label() -> String {
    "1".to_string()
}

pub fn monitor_main(_args: &[String]) -> i32 {
    1
}
