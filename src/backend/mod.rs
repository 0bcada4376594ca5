//! The seam between the engine (which decides) and a backend (which carries out).
//! `sim` simulates processes over the real store; `linux` uses overlayfs, namespaces, cgroups.
//! The engine only ever talks to `dyn Runtime`.
pub mod linux;
pub mod sim;

use std::path::PathBuf;

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use crate::util::{Clock, Output};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum BackendKind {
    Sim,
    Linux,
}

impl BackendKind {
    pub fn as_str(self) -> &'static str {
        match self {
            BackendKind::Sim => "sim",
            BackendKind::Linux => "linux",
        }
    }
}

/// One json-file log line, as Docker's json-file driver writes it (both backends write
/// containers/<id>/<id>-json.log in this format; `logs` reads it).
pub fn log_line(stream: &str, text: &str, at: DateTime<Utc>) -> String {
    #[derive(Serialize)]
    struct Line<'a> {
        log: &'a str,
        stream: &'a str,
        time: String,
    }
    let line = Line {
        log: text,
        stream,
        time: at.to_rfc3339_opts(chrono::SecondsFormat::Nanos, true),
    };
    // Serialising a struct of strings cannot fail.
    serde_json::to_string(&line).unwrap_or_default() + "\n"
}

/// The directories that make up a container's root filesystem, as the store laid them out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RootfsPlan {
    /// overlay2/ itself (short `l/` links are relative to it).
    pub overlay_root: PathBuf,
    /// Read-only layers' diff/ dirs, uppermost first: the container's -init layer, then the
    /// image layers from top to base.
    pub lower_dirs: Vec<PathBuf>,
    /// The same lowers as short links ("l/ABCD…"), uppermost first, for the mount options.
    pub lower_links: Vec<String>,
    /// The container's writable layer: overlay2/<id>/diff.
    pub upper: PathBuf,
    /// overlay2/<id>/work.
    pub work: PathBuf,
    /// overlay2/<id>/merged (exists only while mounted, on the kernel).
    pub merged: PathBuf,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum NetworkMode {
    None,
    Host,
}

/// Everything a backend needs to run a container's main process.
#[derive(Debug, Clone)]
pub struct LaunchSpec {
    pub id: String,
    pub argv: Vec<String>,
    /// KEY=VALUE, image env first then `-e`.
    pub env: Vec<String>,
    pub workdir: String,
    pub hostname: String,
    pub tty: bool,
    pub interactive: bool,
    pub memory_limit: Option<u64>,
    pub network: NetworkMode,
    /// `run --rm`: the container is removed when it ends, so nothing of it needs to reach
    /// the disk (the kernel backend mounts its overlay `volatile`).
    pub auto_remove: bool,
    pub rootfs: RootfsPlan,
    /// containers/<id>/
    pub container_dir: PathBuf,
    /// containers/<id>/<id>-json.log (Docker's json-file format).
    pub log_path: PathBuf,
}

/// What the backend observed about a container's main process.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ProcStatus {
    Running {
        pid: Option<u32>,
    },
    Exited {
        code: i32,
        oom_killed: bool,
        at: DateTime<Utc>,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum MemorySource {
    /// The simulator's memory model (labelled as simulated wherever it is shown).
    Simulated,
    CgroupV1,
    CgroupV2,
    ProcRss,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MemoryReading {
    pub usage: u64,
    pub limit: u64,
    pub pids: u32,
    pub source: MemorySource,
}

/// One process as `docker top` shows it (the columns of `ps -ef`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcRow {
    pub uid: String,
    pub pid: u32,
    pub ppid: u32,
    pub c: u32,
    /// None: the backend has no clock of its own for it; the engine shows the container's start.
    pub stime: Option<String>,
    pub tty: String,
    pub time: String,
    pub cmd: String,
}

/// Kernel evidence for `show ns`: namespace links and cgroups of the container's PID 1 and
/// of the host's PID 1.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NsEvidence {
    pub container_pid: u32,
    /// (kind, link target such as "pid:[4026532301]") for pid, mnt, uts, ipc, net, cgroup, user.
    pub container: Vec<(String, String)>,
    pub host: Vec<(String, String)>,
    /// Whose links `host` holds: "the host's PID 1", or this client process when PID 1's are
    /// not readable (e.g. the machine is itself a container).
    pub host_label: String,
    /// The container's cgroup directories and the host PID 1's cgroup (one line of /proc/1/cgroup).
    pub container_cgroups: Vec<String>,
    pub host_cgroup: String,
    /// `uname -r` as seen inside and outside (the same kernel).
    pub kernel_inside: String,
    pub kernel_host: String,
}

/// Options for `exec`.
#[derive(Debug, Clone, Default)]
pub struct ExecOpts {
    pub env: Vec<String>,
    pub workdir: Option<String>,
    pub user: Option<String>,
    pub tty: bool,
    pub interactive: bool,
    /// Connect the process to this client's own stdin/stdout (a live terminal, or `-c`'s
    /// free stdin) instead of capturing its output.
    pub stream: bool,
}

/// How a streamed attach ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AttachEnd {
    /// Ctrl-P Ctrl-Q: the client left, the container runs on.
    Detached,
    /// The main process ended with this code.
    Exited(i32),
    /// The monitor closed the connection without an exit code (ask `status`).
    Lost,
}

/// The result of feeding one line of input to an interactive container shell.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineResult {
    /// `Some(code)` once the shell has exited.
    pub exited: Option<i32>,
}

#[derive(Debug, thiserror::Error)]
pub enum RuntimeError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{0}")]
    Failed(String),
    /// The command cannot be run: 127 = not found, 126 = not executable.
    #[error("{message}")]
    NotRunnable { code: i32, message: String },
}

impl RuntimeError {
    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        RuntimeError::Io {
            path: path.into(),
            source,
        }
    }
}

pub type RtResult<T> = Result<T, RuntimeError>;

/// Side effects a backend carries out when the engine tells it to. No decisions here:
/// legality of a transition is the engine's business.
pub trait Runtime {
    fn kind(&self) -> BackendKind;

    /// The engine took the root's lock for a command (true) or released it (false). While
    /// it is held no other process writes the root, so a backend may use what it kept of
    /// its own state files, until `forget_state`.
    fn hold(&mut self, _held: bool) {}

    /// Another process changed the root since this backend last held it (the engine saw a
    /// new generation): what it kept of its state files may be stale.
    fn forget_state(&mut self) {}

    /// Whether the backend wrote or removed a state file of its own since the lock was
    /// taken: then the engine records a new generation, so that other processes forget
    /// what they kept (a simulated process that only ran on still changes its file).
    fn wrote_state(&self) -> bool {
        false
    }

    /// Prepare the rootfs (mount on the kernel) and start the main process. When `attached`
    /// is given, output produced while starting is also copied there (for attached `run`).
    /// Returns the host pid where there is one.
    fn start(
        &mut self,
        spec: &LaunchSpec,
        clock: &mut Clock,
        attached: Option<&mut Output>,
    ) -> RtResult<Option<u32>>;

    /// The main process's current status, advanced to `clock.now()`.
    fn status(&mut self, spec: &LaunchSpec, clock: &Clock) -> RtResult<ProcStatus>;

    /// Deliver a signal to the main process.
    fn signal(&mut self, spec: &LaunchSpec, signal: i32, clock: &mut Clock) -> RtResult<()>;

    /// Wait for the main process to exit, at most `timeout` (None = until it exits). The
    /// simulator moves the clock instead of sleeping. Output produced meanwhile goes to the
    /// log and, when given, to `attached`.
    fn wait(
        &mut self,
        spec: &LaunchSpec,
        timeout: Option<Duration>,
        clock: &mut Clock,
        attached: Option<&mut Output>,
    ) -> RtResult<ProcStatus>;

    /// Freeze (pause) / thaw (unpause) every process of the container.
    fn freeze(&mut self, spec: &LaunchSpec) -> RtResult<()>;
    fn thaw(&mut self, spec: &LaunchSpec) -> RtResult<()>;

    /// Run a further process in a running container to completion; returns its exit code.
    fn exec(
        &mut self,
        spec: &LaunchSpec,
        argv: &[String],
        opts: &ExecOpts,
        clock: &mut Clock,
        out: &mut Output,
    ) -> RtResult<i32>;

    /// Feed one line typed by the user to the interactive main process (`run -it`).
    fn input_line(
        &mut self,
        spec: &LaunchSpec,
        line: &str,
        clock: &mut Clock,
        out: &mut Output,
    ) -> RtResult<LineResult>;

    /// The prompt the interactive main process shows now (e.g. `/ # `).
    fn prompt(&mut self, spec: &LaunchSpec) -> RtResult<String>;

    /// Whether `attach_stream` exists: this process's own stdin/stdout are connected to the
    /// container (a real terminal for `-t`). Backends without processes route typed lines
    /// through `input_line` instead.
    fn streams(&self) -> bool {
        false
    }

    /// Connects this process's stdin/stdout/stderr to the running container until its process
    /// ends or the user detaches. Called without the store lock held.
    fn attach_stream(&mut self, spec: &LaunchSpec) -> RtResult<AttachEnd> {
        let _ = spec;
        Err(RuntimeError::Failed(format!(
            "the {} backend has no terminal to attach to",
            self.kind().as_str()
        )))
    }

    /// Memory and pids of the container right now.
    fn memory(&mut self, spec: &LaunchSpec, clock: &Clock) -> RtResult<MemoryReading>;

    /// After the process is gone: unmount, remove cgroups, forget process state.
    fn cleanup(&mut self, spec: &LaunchSpec) -> RtResult<()>;

    /// The container's processes, for `docker top`.
    fn processes(&mut self, spec: &LaunchSpec) -> RtResult<Vec<ProcRow>> {
        let _ = spec;
        Err(RuntimeError::Failed(format!(
            "top is not supported on the {} backend",
            self.kind().as_str()
        )))
    }

    /// Kernel namespace evidence for `show ns`; backends without a kernel refuse.
    fn namespaces(&mut self, spec: &LaunchSpec) -> RtResult<NsEvidence> {
        let _ = spec;
        Err(RuntimeError::Failed(format!(
            "the {} backend has no kernel namespaces to show; use --backend linux",
            self.kind().as_str()
        )))
    }
}
