//! The real Linux backend: overlayfs, namespaces, cgroups, a monitor per container.
pub mod attach;
mod backoff;
pub mod base_image;
pub mod cgroup;
pub mod exec;
pub mod exec_io;
mod exit_watch;
pub mod frame;
pub mod host_image;
mod init;
pub mod monitor;
mod monitor_io;
pub mod nsinfo;
pub mod overlay;
pub mod records;
pub mod runtime;
pub mod spawn;
pub mod terminal;
#[cfg(test)]
pub(crate) mod testkit;
pub mod top;

use std::path::Path;

use crate::backend::Runtime;
pub use base_image::install_base_images;
pub use monitor::monitor_main;

/// Whether the linux backend can run here; the one-line reason when it cannot.
pub fn probe() -> Result<(), String> {
    if !cfg!(target_os = "linux") {
        return Err("not Linux".to_string());
    }
    if !nix::unistd::geteuid().is_root() {
        return Err("not running as root (namespaces, mounts and cgroups need it)".to_string());
    }
    let filesystems = std::fs::read_to_string("/proc/filesystems").unwrap_or_default();
    if !filesystems
        .lines()
        .any(|l| l.trim_end().ends_with("overlay"))
    {
        return Err("the kernel has no overlay filesystem".to_string());
    }
    let setup = cgroup::CgroupSetup::detect(Path::new("/sys/fs/cgroup"))
        .map_err(|e| format!("no usable cgroups: {e}"))?;
    let freezer = match setup.mode {
        cgroup::CgroupMode::V2 => setup.root.clone(),
        _ => setup.root.join("freezer"),
    };
    nix::unistd::access(&freezer, nix::unistd::AccessFlags::W_OK)
        .map_err(|e| format!("cgroups are not writable ({}: {e})", freezer.display()))?;
    Ok(())
}

pub fn runtime() -> Result<Box<dyn Runtime>, String> {
    runtime::LinuxRuntime::new()
        .map(|r| Box::new(r) as Box<dyn Runtime>)
        .map_err(|e| e.to_string())
}

/// "1" on a legacy or hybrid host (v1 controllers), "2" on a unified one.
pub fn cgroup_version_label() -> String {
    match cgroup::CgroupSetup::detect(Path::new("/sys/fs/cgroup")).map(|s| s.mode) {
        Ok(cgroup::CgroupMode::V2) => "2".to_string(),
        Ok(_) => "1".to_string(),
        Err(_) => "unknown".to_string(),
    }
}
