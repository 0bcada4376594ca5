//! `info [--format T]`: the daemon's view of itself, with Docker's field names.
use serde_json::{Value, json};

use super::Engine;
use super::state::ContainerStatus;
use crate::backend::BackendKind;
use crate::util::Output;

impl Engine {
    pub fn info_json(&self) -> Value {
        let count =
            |s: ContainerStatus| self.containers.values().filter(|c| c.status() == s).count();
        let running = count(ContainerStatus::Running);
        let paused = count(ContainerStatus::Paused);
        let total = self.containers.len();
        let images = self.store.list_image_ids().map(|v| v.len()).unwrap_or(0);
        let (kernel, os, cgroup_version) = match self.backend() {
            // The simulator invents no kernel evidence.
            BackendKind::Sim => (
                "(simulated)".to_string(),
                "dockerlings simulator".to_string(),
                "(simulated)".to_string(),
            ),
            BackendKind::Linux => (
                std::fs::read_to_string("/proc/sys/kernel/osrelease")
                    .map(|s| s.trim().to_string())
                    .unwrap_or_default(),
                "Linux".to_string(),
                crate::backend::linux::cgroup_version_label(),
            ),
        };
        json!({
            "Containers": total,
            "ContainersRunning": running,
            "ContainersPaused": paused,
            "ContainersStopped": total - running - paused,
            "Images": images,
            "Driver": "overlay2",
            "DockerRootDir": self.root(),
            "ServerVersion": "20.10.24-dockerlings",
            "CgroupDriver": "cgroupfs",
            "CgroupVersion": cgroup_version,
            "KernelVersion": kernel,
            "OperatingSystem": os,
            "OSType": "linux",
            "Architecture": "x86_64",
            "Name": "dockerlings",
            "Backend": self.backend().as_str(),
        })
    }

    pub fn cmd_info(&self, format: Option<&str>, out: &mut Output) -> i32 {
        let v = self.info_json();
        if let Some(f) = format {
            return match crate::cli::table::print_object(f, &v, out) {
                Ok(()) => 0,
                Err(e) => {
                    out.errln(&e);
                    1
                }
            };
        }
        let s = |k: &str| match &v[k] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        };
        out.outln("Client:");
        out.outln(" Context:    default");
        out.outln(" Debug Mode: false");
        out.outln("");
        out.outln("Server:");
        out.outln(&format!(" Containers: {}", s("Containers")));
        out.outln(&format!("  Running: {}", s("ContainersRunning")));
        out.outln(&format!("  Paused: {}", s("ContainersPaused")));
        out.outln(&format!("  Stopped: {}", s("ContainersStopped")));
        out.outln(&format!(" Images: {}", s("Images")));
        out.outln(&format!(" Server Version: {}", s("ServerVersion")));
        out.outln(" Storage Driver: overlay2");
        out.outln(&format!(" Cgroup Driver: {}", s("CgroupDriver")));
        out.outln(&format!(" Cgroup Version: {}", s("CgroupVersion")));
        out.outln(&format!(" Kernel Version: {}", s("KernelVersion")));
        out.outln(&format!(" Operating System: {}", s("OperatingSystem")));
        out.outln(&format!(" OSType: {}", s("OSType")));
        out.outln(&format!(" Architecture: {}", s("Architecture")));
        out.outln(&format!(" Docker Root Dir: {}", s("DockerRootDir")));
        out.outln(&format!(" dockerlings backend: {}", s("Backend")));
        0
    }
}
