//! The per-container monitor (like podman's conmon): our own binary re-executed as
//! `dockerlings __monitor <container-dir>`. It detaches, becomes the container's parent,
//! copies its output into the json-file log and records pid and exit in the container dir.
use std::os::fd::{AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::cgroup::{CgroupMode, ContainerCgroup};
use super::monitor_io::{Serve, Stdio};
use super::overlay;
use super::records::{self, ExitRecord, PidRecord, StartError};
use super::spawn::{ContainerProcess, SpawnError, spawn};
use crate::backend::NetworkMode;

/// The attach socket in the container dir (only for `-t` or `-i` containers).
pub const ATTACH_SOCKET: &str = "attach.sock";

/// Calls `f` with a path naming `dir/attach.sock` that fits a unix socket address (108
/// bytes): the path itself when short, else `/proc/self/fd/N/attach.sock` through an open
/// descriptor of the dir (conmon's trick; roots under /tmp make long paths).
pub fn with_socket_path<T>(
    dir: &Path,
    f: impl FnOnce(&Path) -> std::io::Result<T>,
) -> std::io::Result<T> {
    let full = dir.join(ATTACH_SOCKET);
    if full.as_os_str().len() < 100 {
        return f(&full);
    }
    use std::os::unix::fs::OpenOptionsExt;
    let d = std::fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_PATH | libc::O_DIRECTORY | libc::O_CLOEXEC)
        .open(dir)?;
    let short = PathBuf::from(format!("/proc/self/fd/{}/{ATTACH_SOCKET}", d.as_raw_fd()));
    let result = f(&short);
    drop(d);
    result
}

/// What the runtime hands to the monitor, as `monitor.json` in the container dir.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct MonitorConfig {
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub workdir: String,
    pub hostname: String,
    pub network: NetworkMode,
    pub merged: PathBuf,
    pub log_path: PathBuf,
    /// Cgroup dirs (v1: memory, pids, freezer; v2: one) and whether they are v2.
    pub cgroup_dirs: Vec<PathBuf>,
    pub cgroup_v2: bool,
    pub memory_limit: Option<u64>,
    /// Remove cgroups and unmount merged/ when the process ends (`run --rm`).
    pub cleanup: bool,
    /// `-t`: the process gets a pty (its controlling terminal); the monitor owns the master.
    #[serde(default)]
    pub tty: bool,
    /// `-i`: the process's stdin is a pipe the monitor feeds from attach clients.
    #[serde(default)]
    pub interactive: bool,
}

impl MonitorConfig {
    pub fn cgroup(&self) -> ContainerCgroup {
        ContainerCgroup {
            mode: if self.cgroup_v2 {
                CgroupMode::V2
            } else {
                CgroupMode::V1
            },
            proc_root: PathBuf::from("/proc"),
            dirs: self.cgroup_dirs.clone(),
        }
    }
}

/// Entry point of `dockerlings __monitor <container-dir>`. Returns at once in the caller (0)
/// after forking the detached monitor, or 1 when the config cannot be read.
pub fn monitor_main(args: &[String]) -> i32 {
    let Some(dir) = args.first().map(PathBuf::from) else {
        eprintln!("usage: dockerlings __monitor <container-dir>");
        return 1;
    };
    let cfg: MonitorConfig = match records::read_json(&dir, records::CONFIG_FILE) {
        Ok(Some(cfg)) => cfg,
        Ok(None) => {
            eprintln!("{}: missing", dir.join(records::CONFIG_FILE).display());
            return 1;
        }
        Err((path, e)) => {
            eprintln!("{}: {e}", path.display());
            return 1;
        }
    };
    // SAFETY: the child runs the monitor to the end and _exits; the parent just returns.
    match unsafe { nix::unistd::fork() } {
        Ok(nix::unistd::ForkResult::Parent { .. }) => 0,
        Ok(nix::unistd::ForkResult::Child) => {
            let _ = nix::unistd::setsid();
            // SAFETY: prctl with integer arguments.
            unsafe { libc::prctl(libc::PR_SET_CHILD_SUBREAPER, 1, 0, 0, 0) };
            detach_stdio_and_close_fds();
            let code = run(&dir, &cfg);
            // SAFETY: leave the forked child without running the caller's destructors.
            unsafe { libc::_exit(code) }
        }
        Err(e) => {
            eprintln!("fork: {e}");
            1
        }
    }
}

fn detach_stdio_and_close_fds() {
    // SAFETY: raw fd juggling on our own fds.
    unsafe {
        let null = libc::open(c"/dev/null".as_ptr(), libc::O_RDWR);
        if null >= 0 {
            for fd in 0..3 {
                libc::dup2(null, fd);
            }
        }
        libc::syscall(libc::SYS_close_range, 3u32, u32::MAX, 0u32);
    }
}

/// The monitor's life; returns its own exit status.
fn run(dir: &Path, cfg: &MonitorConfig) -> i32 {
    let cgroup = cfg.cgroup();
    let started = (|| -> Result<_, String> {
        cgroup.create().map_err(|e| e.to_string())?;
        if let Some(limit) = cfg.memory_limit {
            cgroup.set_memory_limit(limit).map_err(|e| e.to_string())?;
        }
        // The socket exists before the process does, so a client may connect as soon as
        // `start` has returned.
        let listener = if cfg.tty || cfg.interactive {
            let sock = dir.join(ATTACH_SOCKET);
            let _ = std::fs::remove_file(&sock);
            let l = with_socket_path(dir, |p| std::os::unix::net::UnixListener::bind(p))
                .map_err(|e| format!("1\t{}: {e}", sock.display()))?;
            Some(l)
        } else {
            None
        };
        let (child_fds, stdio, console) = child_stdio(cfg)?;
        let p = ContainerProcess {
            argv: cfg.argv.clone(),
            env: cfg.env.clone(),
            workdir: cfg.workdir.clone(),
            hostname: cfg.hostname.clone(),
            network: cfg.network,
            rootfs: cfg.merged.clone(),
            cgroup_procs: cgroup.dirs.iter().map(|d| d.join("cgroup.procs")).collect(),
            stdin: child_fds[0].as_raw_fd(),
            stdout: child_fds[1].as_raw_fd(),
            stderr: child_fds[2].as_raw_fd(),
            tty: cfg.tty,
            console,
        };
        let pid = spawn(&p).map_err(|e| match e {
            SpawnError::NotRunnable { code, message } => format!("{code}\t{message}"),
            other => format!("1\t{other}"),
        })?;
        // Our copies of the child's ends must go, or its output would never reach end of file.
        drop(child_fds);
        Ok((pid, Serve::new(stdio, listener, &cfg.log_path)))
    })();
    let (pid, mut serve) = match started {
        Ok(x) => x,
        Err(report) => {
            let (code, message) = report.split_once('\t').unwrap_or(("1", report.as_str()));
            let rec = StartError {
                code: code.parse().unwrap_or(1),
                message: message.to_string(),
            };
            let _ = records::write_json(dir, records::START_ERROR_FILE, &rec);
            finish(cfg, &cgroup);
            return 1;
        }
    };
    let rec = PidRecord {
        pid: pid.as_raw() as u32,
        monitor: std::process::id(),
    };
    let _ = records::write_json(dir, records::PID_FILE, &rec);
    serve.run_until_output_closed();
    let code = reap(pid);
    let exit = ExitRecord {
        exit_code: code,
        finished_at: chrono::Utc::now(),
        oom_killed: cgroup.oom_killed(),
    };
    let _ = records::write_json(dir, records::EXIT_FILE, &exit);
    let _ = std::fs::remove_file(dir.join(ATTACH_SOCKET));
    serve.announce_exit(code);
    finish(cfg, &cgroup);
    0
}

/// The container's stdin, stdout, stderr; what the monitor keeps; the pty's host path (for
/// /dev/console) with `-t`.
fn child_stdio(cfg: &MonitorConfig) -> Result<([OwnedFd; 3], Stdio, Option<PathBuf>), String> {
    let dup = |fd: &OwnedFd| fd.try_clone().map_err(|e| format!("1\tdup: {e}"));
    if cfg.tty {
        let pty = nix::pty::openpty(None, None).map_err(|e| format!("1\topenpty: {e}"))?;
        // The container must not inherit the master.
        nix::fcntl::fcntl(
            &pty.master,
            nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
        )
        .map_err(|e| format!("1\tfcntl: {e}"))?;
        let console = std::fs::read_link(format!("/proc/self/fd/{}", pty.slave.as_raw_fd())).ok();
        let fds = [dup(&pty.slave)?, dup(&pty.slave)?, pty.slave];
        let stdio = Stdio::Tty {
            master: pty.master,
            stdin_open: cfg.interactive,
        };
        return Ok((fds, stdio, console));
    }
    // Close-on-exec: the container must hold only its own ends (dup2 onto 0-2 clears the
    // flag there), or it would keep its own stdin open and never see end of input.
    let pipe =
        || nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(|e| format!("1\tpipe: {e}"));
    let (out_r, out_w) = pipe()?;
    let (err_r, err_w) = pipe()?;
    let (stdin_child, stdin_ours) = if cfg.interactive {
        let (r, w) = pipe()?;
        (r, Some(w))
    } else {
        let null = std::fs::File::open("/dev/null").map_err(|e| format!("1\t/dev/null: {e}"))?;
        (OwnedFd::from(null), None)
    };
    let stdio = Stdio::Pipes {
        stdout: out_r,
        stderr: err_r,
        stdin: stdin_ours,
    };
    Ok(([stdin_child, out_w, err_w], stdio, None))
}

fn finish(cfg: &MonitorConfig, cgroup: &ContainerCgroup) {
    if cfg.cleanup {
        let _ = cgroup.remove();
        let _ = overlay::unmount(&cfg.merged);
    }
}

/// Wait for the container process; as subreaper we also reap orphans reparented to us.
fn reap(pid: nix::unistd::Pid) -> i32 {
    loop {
        match nix::sys::wait::waitpid(None, None) {
            Ok(status) if status.pid() == Some(pid) => {
                if let Some(code) = records::exit_code(status) {
                    return code;
                }
            }
            Ok(_) | Err(nix::errno::Errno::EINTR) => continue,
            Err(_) => return 255,
        }
    }
}
