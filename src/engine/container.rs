//! A container's record, kept in containers/<id>/config.v2.json, and its Docker-shaped
//! `inspect` JSON.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use super::state::{ContainerStatus, Transition};
use crate::backend::NetworkMode;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContainerConfig {
    pub hostname: String,
    pub env: Vec<String>,
    pub cmd: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    /// The image as the user typed it (`busybox`), shown by `ps`.
    pub image: String,
    pub working_dir: String,
    pub user: String,
    pub tty: bool,
    pub open_stdin: bool,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct HostConfig {
    pub memory: u64,
    pub auto_remove: bool,
    pub network_mode: NetworkMode,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ContainerState {
    pub status: ContainerStatus,
    pub oom_killed: bool,
    pub pid: u32,
    pub exit_code: i32,
    pub error: String,
    pub started_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// The last move made or refused, for the lifecycle diagram.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct TransitionRecord {
    pub from: ContainerStatus,
    pub transition: Transition,
    pub to: ContainerStatus,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Refusal {
    pub from: ContainerStatus,
    pub transition: Transition,
    pub reason: String,
}

/// Memory observed around a transition, with how long the transition took (pause vs stop).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MemorySample {
    pub phase: String,
    pub bytes: u64,
    pub latency_ms: Option<f64>,
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Container {
    pub id: String,
    pub name: String,
    pub created: DateTime<Utc>,
    /// sha256:<hex>
    pub image_id: String,
    pub path: String,
    pub args: Vec<String>,
    pub config: ContainerConfig,
    pub host_config: HostConfig,
    pub state: ContainerState,
    pub restart_count: u32,
    pub last: Option<TransitionRecord>,
    pub refused: Option<Refusal>,
    #[serde(default)]
    pub memory_samples: Vec<MemorySample>,
}

pub fn docker_time(t: Option<DateTime<Utc>>) -> String {
    match t {
        Some(t) => t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true),
        None => "0001-01-01T00:00:00Z".to_string(),
    }
}

impl Container {
    pub fn short_id(&self) -> &str {
        &self.id[..12.min(self.id.len())]
    }

    /// The latest instant this record mentions (created, started, finished).
    pub fn latest_time(&self) -> DateTime<Utc> {
        [self.state.started_at, self.state.finished_at]
            .into_iter()
            .flatten()
            .fold(self.created, DateTime::max)
    }

    pub fn status(&self) -> ContainerStatus {
        self.state.status
    }

    /// argv of the main process: entrypoint + cmd, as Docker's Path + Args.
    pub fn argv(&self) -> Vec<String> {
        let mut v = vec![self.path.clone()];
        v.extend(self.args.iter().cloned());
        v
    }

    /// `ps`'s COMMAND: Path and Args, args with spaces in single quotes (moby daemon/list.go).
    pub fn command_line(&self) -> String {
        if self.args.is_empty() {
            return self.path.clone();
        }
        let args: Vec<String> = self
            .args
            .iter()
            .map(|a| {
                if a.contains(' ') {
                    format!("'{a}'")
                } else {
                    a.clone()
                }
            })
            .collect();
        format!("{} {}", self.path, args.join(" "))
    }

    /// Records a successful move for the diagram and clears any earlier refusal.
    pub fn record(&mut self, transition: Transition, to: ContainerStatus, note: Option<String>) {
        self.last = Some(TransitionRecord {
            from: self.state.status,
            transition,
            to,
            note,
        });
        self.refused = None;
        self.state.status = to;
    }

    pub fn refuse(&mut self, transition: Transition, reason: &str) {
        self.refused = Some(Refusal {
            from: self.state.status,
            transition,
            reason: reason.to_string(),
        });
    }

    pub fn push_memory_sample(&mut self, phase: &str, bytes: u64, latency_ms: Option<f64>) {
        self.memory_samples.push(MemorySample {
            phase: phase.to_string(),
            bytes,
            latency_ms,
        });
        let excess = self.memory_samples.len().saturating_sub(8);
        self.memory_samples.drain(..excess);
    }

    /// Docker's `inspect` object (the fields a student meets; same names and shapes).
    pub fn inspect_json(&self, root: &std::path::Path, graph: Value) -> Value {
        let st = &self.state;
        let dir = root.join("containers").join(&self.id);
        let status = st.status.as_str();
        json!({
            "Id": self.id,
            "Created": docker_time(Some(self.created)),
            "Path": self.path,
            "Args": self.args,
            "State": {
                "Status": status,
                "Running": st.status.has_process(),
                "Paused": st.status == ContainerStatus::Paused,
                "Restarting": false,
                "OOMKilled": st.oom_killed,
                "Dead": false,
                "Pid": st.pid,
                "ExitCode": st.exit_code,
                "Error": st.error,
                "StartedAt": docker_time(st.started_at),
                "FinishedAt": docker_time(st.finished_at),
            },
            "Image": self.image_id,
            "ResolvConfPath": dir.join("resolv.conf"),
            "HostnamePath": dir.join("hostname"),
            "HostsPath": dir.join("hosts"),
            "LogPath": dir.join(format!("{}-json.log", self.id)),
            "Name": format!("/{}", self.name),
            "RestartCount": self.restart_count,
            "Driver": "overlay2",
            "Platform": "linux",
            "MountLabel": "",
            "ProcessLabel": "",
            "AppArmorProfile": "",
            "ExecIDs": null,
            "HostConfig": {
                "NetworkMode": match self.host_config.network_mode {
                    NetworkMode::None => "none",
                    NetworkMode::Host => "host",
                },
                "AutoRemove": self.host_config.auto_remove,
                "Memory": self.host_config.memory,
            },
            "GraphDriver": graph,
            "Mounts": [],
            "Config": {
                "Hostname": self.config.hostname,
                "Domainname": "",
                "User": self.config.user,
                "AttachStdin": false,
                "AttachStdout": !self.config.tty,
                "AttachStderr": !self.config.tty,
                "Tty": self.config.tty,
                "OpenStdin": self.config.open_stdin,
                "StdinOnce": false,
                "Env": self.config.env,
                "Cmd": self.config.cmd,
                "Image": self.config.image,
                "Volumes": null,
                "WorkingDir": self.config.working_dir,
                "Entrypoint": self.config.entrypoint,
                "OnBuild": null,
                "Labels": {},
            },
        })
    }
}
