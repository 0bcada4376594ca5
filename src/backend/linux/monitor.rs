//! The per-container monitor (like podman's conmon): our own binary re-executed as
//! `dockerlings __monitor <container-dir>`. It detaches, becomes the container's parent,
//! copies its output into the json-file log and records pid and exit in the container dir.
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::cgroup::{CgroupMode, ContainerCgroup};
use super::overlay;
use super::records::{self, ExitRecord, PidRecord, StartError};
use super::spawn::{ContainerProcess, SpawnError, spawn};
use crate::backend::NetworkMode;

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
        let (out_r, out_w) = nix::unistd::pipe().map_err(|e| format!("pipe: {e}"))?;
        let (err_r, err_w) = nix::unistd::pipe().map_err(|e| format!("pipe: {e}"))?;
        let devnull = std::fs::File::open("/dev/null").map_err(|e| format!("/dev/null: {e}"))?;
        let p = ContainerProcess {
            argv: cfg.argv.clone(),
            env: cfg.env.clone(),
            workdir: cfg.workdir.clone(),
            hostname: cfg.hostname.clone(),
            network: cfg.network,
            rootfs: cfg.merged.clone(),
            cgroup_procs: cgroup.dirs.iter().map(|d| d.join("cgroup.procs")).collect(),
            stdin: devnull.as_raw_fd(),
            stdout: out_w.as_raw_fd(),
            stderr: err_w.as_raw_fd(),
        };
        let pid = spawn(&p).map_err(|e| match e {
            SpawnError::NotRunnable { code, message } => format!("{code}\t{message}"),
            other => format!("1\t{other}"),
        })?;
        Ok((pid, out_r, err_r))
    })();
    let (pid, out_r, err_r) = match started {
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
    copy_output(&cfg.log_path, out_r, err_r);
    let code = reap(pid);
    let exit = ExitRecord {
        exit_code: code,
        finished_at: chrono::Utc::now(),
        oom_killed: cgroup.oom_killed(),
    };
    let _ = records::write_json(dir, records::EXIT_FILE, &exit);
    finish(cfg, &cgroup);
    0
}

fn finish(cfg: &MonitorConfig, cgroup: &ContainerCgroup) {
    if cfg.cleanup {
        let _ = cgroup.remove();
        let _ = overlay::unmount(&cfg.merged);
    }
}

/// Copy both pipes into the json-file log until both are closed (the container's pid
/// namespace is gone when PID 1 exits, so that happens).
fn copy_output(log_path: &Path, out_r: OwnedFd, err_r: OwnedFd) {
    use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
    let mut log = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(log_path)
        .ok();
    let mut streams = vec![
        (std::fs::File::from(out_r), "stdout", Vec::new()),
        (std::fs::File::from(err_r), "stderr", Vec::new()),
    ];
    while !streams.is_empty() {
        let ready: Vec<bool> = {
            let mut fds: Vec<PollFd> = streams
                .iter()
                .map(|(f, _, _)| PollFd::new(f.as_fd(), PollFlags::POLLIN))
                .collect();
            if poll(&mut fds, PollTimeout::NONE).is_err() {
                continue;
            }
            fds.iter()
                .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
                .collect()
        };
        let mut closed = vec![];
        for (i, (file, name, pending)) in streams.iter_mut().enumerate() {
            if !ready[i] {
                continue;
            }
            let mut buf = [0u8; 8192];
            match file.read(&mut buf) {
                Ok(0) | Err(_) => {
                    if !pending.is_empty() {
                        emit(&mut log, name, &String::from_utf8_lossy(pending));
                    }
                    closed.push(i);
                }
                Ok(n) => {
                    pending.extend_from_slice(&buf[..n]);
                    while let Some(nl) = pending.iter().position(|b| *b == b'\n') {
                        let line: Vec<u8> = pending.drain(..=nl).collect();
                        emit(&mut log, name, &String::from_utf8_lossy(&line));
                    }
                }
            }
        }
        for i in closed.into_iter().rev() {
            streams.remove(i);
        }
    }
}

fn emit(log: &mut Option<std::fs::File>, stream: &str, text: &str) {
    if let Some(f) = log {
        let _ = f.write_all(records::log_line(stream, text, chrono::Utc::now()).as_bytes());
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
