//! Starting a container's main process: clone into new pid/mount/uts/ipc(/net) namespaces; the
//! child (init.rs) sets up its root and execs. A close-on-exec pipe tells us whether exec worked.
use std::ffi::CString;
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::PathBuf;

use nix::sched::CloneFlags;
use nix::unistd::Pid;

use crate::backend::NetworkMode;

#[derive(Debug, thiserror::Error)]
pub enum SpawnError {
    #[error("{what}: {source}")]
    Sys {
        what: &'static str,
        #[source]
        source: nix::Error,
    },
    /// The command cannot be run: 127 not found, 126 not executable (Docker's exit codes).
    #[error("{message}")]
    NotRunnable { code: i32, message: String },
    /// Setting up the container failed before exec.
    #[error("{0}")]
    Setup(String),
}

/// What to run and where. Paths are host paths (before pivot_root).
#[derive(Debug, Clone)]
pub struct ContainerProcess {
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub workdir: String,
    pub hostname: String,
    pub network: NetworkMode,
    /// The mounted overlay (merged/), becomes `/`.
    pub rootfs: PathBuf,
    /// `cgroup.procs` files the child joins (writing 0 = itself) before anything else.
    pub cgroup_procs: Vec<PathBuf>,
    pub stdin: RawFd,
    pub stdout: RawFd,
    pub stderr: RawFd,
    /// stdin is a pty slave: become a session leader with it as the controlling terminal.
    pub tty: bool,
    /// Host path of that pty, bind-mounted on /dev/console as Docker does for `-t`.
    pub console: Option<PathBuf>,
}

/// Prefix of the reports sent over the error pipe: "<code>\t<message>".
pub(crate) fn encode_failure(code: i32, message: &str) -> String {
    format!("{code}\t{message}")
}

pub(crate) fn decode_failure(report: &str) -> SpawnError {
    match report.split_once('\t') {
        Some((code, msg)) if code == "126" || code == "127" => SpawnError::NotRunnable {
            code: code.parse().unwrap_or(127),
            message: msg.to_string(),
        },
        Some((_, msg)) => SpawnError::Setup(msg.to_string()),
        None => SpawnError::Setup(report.to_string()),
    }
}

const STACK_SIZE: usize = 1 << 20;

/// Clone the container process; returns its host pid once it has exec'd.
pub fn spawn(p: &ContainerProcess) -> Result<Pid, SpawnError> {
    let sys = |what| move |source| SpawnError::Sys { what, source };
    let (err_r, err_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(sys("pipe2"))?;
    let prepared = super::init::Prepared::new(p).map_err(SpawnError::Setup)?;
    let mut flags = CloneFlags::CLONE_NEWPID
        | CloneFlags::CLONE_NEWNS
        | CloneFlags::CLONE_NEWUTS
        | CloneFlags::CLONE_NEWIPC;
    if p.network == NetworkMode::None {
        flags |= CloneFlags::CLONE_NEWNET;
    }
    let mut stack = vec![0u8; STACK_SIZE];
    let err_fd = err_w.as_raw_fd();
    let child = {
        let cb = Box::new(|| super::init::run(&prepared, err_fd));
        // SAFETY: without CLONE_VM the child gets a copy of our memory, like fork; it only
        // runs init::run, which execs or _exits.
        unsafe { nix::sched::clone(cb, &mut stack, flags, Some(libc::SIGCHLD)) }
            .map_err(sys("clone"))?
    };
    drop(err_w);
    let report = read_all(err_r);
    if report.is_empty() {
        return Ok(child);
    }
    let _ = nix::sys::wait::waitpid(child, None);
    Err(decode_failure(&report))
}

fn read_all(fd: OwnedFd) -> String {
    let mut f = std::fs::File::from(fd);
    let mut s = String::new();
    let _ = f.read_to_string(&mut s);
    s
}

/// Resolve argv[0] the way Go's exec.LookPath does for runc: a name with a slash is taken as is,
/// else the first executable regular file along PATH.
pub fn resolve_command(
    name: &str,
    path_var: &str,
    is_executable_file: impl Fn(&str) -> bool,
) -> Result<String, (i32, String)> {
    if name.contains('/') {
        return Ok(name.to_string());
    }
    path_var
        .split(':')
        .map(|dir| if dir.is_empty() { "." } else { dir })
        .map(|dir| format!("{}/{name}", dir.trim_end_matches('/')))
        .find(|cand| is_executable_file(cand))
        .ok_or_else(|| {
            (
                127,
                format!("exec: \"{name}\": executable file not found in $PATH"),
            )
        })
}

/// PATH from the env list, or Docker's default.
pub fn path_from_env(env: &[String]) -> String {
    env.iter()
        .rev()
        .find_map(|e| e.strip_prefix("PATH="))
        .unwrap_or("/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin")
        .to_string()
}

pub(crate) fn cstrings(items: &[String]) -> Result<Vec<CString>, String> {
    items
        .iter()
        .map(|s| CString::new(s.as_str()).map_err(|_| format!("{s:?} contains a NUL byte")))
        .collect()
}

#[cfg(test)]
#[path = "spawn_tests.rs"]
mod tests;
