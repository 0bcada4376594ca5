//! `LinuxRuntime`: the `Runtime` trait carried out with overlayfs, a monitor per container,
//! namespaces and cgroups.
use std::path::{Path, PathBuf};
use std::time::{Duration as StdDuration, Instant};

use chrono::Duration;

use super::attach::{AttachConn, BatchShell};
use super::backoff::Backoff;
use super::cgroup::{CgroupMode, CgroupParent, CgroupSetup, ContainerCgroup, host_total_memory};
use super::exec;
use super::exit_watch::ExitWatch;
use super::monitor::MonitorConfig;
use super::overlay;
use super::records::{self, ExitRecord, PidRecord, StartError};
use crate::backend::{
    AttachEnd, BackendKind, ExecOpts, LaunchSpec, LineResult, MemoryReading, ProcStatus, RtResult,
    Runtime, RuntimeError,
};
use crate::util::{Clock, Output};

/// How the monitor is started.
#[derive(Debug, Clone)]
pub enum MonitorLaunch {
    /// Run this command with the container dir appended (normally `[current_exe, "__monitor"]`).
    Exec(Vec<PathBuf>),
    /// Fork and call `monitor_main` in the child (tests: the test binary has no `__monitor`).
    Fork,
}

pub struct LinuxRuntime {
    pub cgroups: CgroupSetup,
    pub cgroup_parent: CgroupParent,
    pub launch: MonitorLaunch,
    /// Attached containers: how far into the json log the attached client has read.
    attach_offsets: std::collections::HashMap<String, u64>,
    /// Container shells a batch script is typing into (`run -it` then lines).
    shells: std::collections::HashMap<String, BatchShell>,
    /// Exit watches on the processes of the containers this process started, by id.
    watches: std::collections::HashMap<String, ExitWatch>,
}

/// Copies json-log entries written after `offset` to the attached output; returns the new offset.
fn copy_log_since(path: &Path, offset: u64, out: &mut Output) -> u64 {
    use std::io::{Read, Seek, SeekFrom};
    let Ok(mut f) = std::fs::File::open(path) else {
        return offset;
    };
    let mut text = String::new();
    if f.seek(SeekFrom::Start(offset)).is_err() || f.read_to_string(&mut text).is_err() {
        return offset;
    }
    // Only whole lines: the monitor may be writing the next one.
    let complete = text.rfind('\n').map_or(0, |i| i + 1);
    for line in text[..complete].lines() {
        let Ok(entry) = serde_json::from_str::<serde_json::Value>(line) else {
            continue;
        };
        let log = entry["log"].as_str().unwrap_or_default();
        if entry["stream"] == "stderr" {
            out.err(log);
        } else {
            out.out(log);
        }
    }
    offset + complete as u64
}

fn failed(e: impl std::fmt::Display) -> RuntimeError {
    RuntimeError::Failed(e.to_string())
}

impl LinuxRuntime {
    /// The real machine: detected cgroups under /sys/fs/cgroup, `<ctrl>/dockerlings-<root>/<id>`,
    /// monitor = this executable re-run as `__monitor`.
    pub fn new() -> RtResult<LinuxRuntime> {
        let cgroups = CgroupSetup::detect(Path::new("/sys/fs/cgroup")).map_err(failed)?;
        let exe = std::env::current_exe().map_err(|e| RuntimeError::io("/proc/self/exe", e))?;
        Ok(LinuxRuntime {
            cgroups,
            cgroup_parent: CgroupParent::Fixed("dockerlings".into()),
            launch: MonitorLaunch::Exec(vec![exe, PathBuf::from("__monitor")]),
            attach_offsets: Default::default(),
            shells: Default::default(),
            watches: Default::default(),
        })
    }

    /// The container's cgroups. The parent is named after the store root as well
    /// (`dockerlings-<8 hex of the root's path>`), because two roots may hold containers of
    /// the same id (ids are seeded in --deterministic mode: every lesson, replay and test
    /// root starts from the same one) and must never share, freeze or kill each other's
    /// cgroup. Docker's one daemon needs no such thing: its ids are random.
    pub fn cgroup(&self, spec: &LaunchSpec) -> RtResult<ContainerCgroup> {
        let root = spec
            .container_dir
            .parent()
            .and_then(Path::parent)
            .unwrap_or(&spec.container_dir);
        let parent = self.cgroup_parent.for_root(root);
        ContainerCgroup::new(&self.cgroups, &parent, &spec.id).map_err(failed)
    }

    fn launch_monitor(&self, dir: &Path) -> RtResult<()> {
        let dir_arg = dir.to_string_lossy().into_owned();
        match &self.launch {
            MonitorLaunch::Exec(cmd) => {
                let (prog, rest) = cmd
                    .split_first()
                    .ok_or_else(|| failed("empty monitor command"))?;
                let status = std::process::Command::new(prog)
                    .args(rest)
                    .arg(&dir_arg)
                    .status()
                    .map_err(|e| RuntimeError::io(prog, e))?;
                if !status.success() {
                    return Err(failed(format!("monitor for {dir_arg} failed to start")));
                }
            }
            MonitorLaunch::Fork => {
                // SAFETY: the child calls monitor_main (which forks the detached monitor) and _exits.
                match unsafe { nix::unistd::fork() }.map_err(failed)? {
                    nix::unistd::ForkResult::Child => {
                        let code = super::monitor::monitor_main(&[dir_arg]);
                        unsafe { libc::_exit(code) }
                    }
                    nix::unistd::ForkResult::Parent { child } => {
                        let _ = nix::sys::wait::waitpid(child, None);
                    }
                }
            }
        }
        Ok(())
    }

    /// Waits for the backoff's next step, or less when the container's process exits
    /// first (see exit_watch.rs); the backoff then starts short again, for the monitor's
    /// exit record that follows at once.
    fn pause(&mut self, id: &str, backoff: &mut Backoff) {
        let timeout = backoff.advance();
        match self.watches.get(id) {
            Some(w) => {
                if w.wait(timeout) {
                    self.watches.remove(id);
                    backoff.restart();
                }
            }
            None => std::thread::sleep(timeout),
        }
    }

    fn read_exit(spec: &LaunchSpec) -> RtResult<Option<ExitRecord>> {
        records::read_json(&spec.container_dir, records::EXIT_FILE)
            .map_err(|(p, e)| RuntimeError::io(p, e))
    }

    fn read_pid(spec: &LaunchSpec) -> RtResult<Option<PidRecord>> {
        records::read_json(&spec.container_dir, records::PID_FILE)
            .map_err(|(p, e)| RuntimeError::io(p, e))
    }
}

/// Alive and not a zombie: a killed monitor whose new parent does not reap it would still
/// answer kill(pid, 0).
fn alive(pid: u32) -> bool {
    if nix::sys::signal::kill(nix::unistd::Pid::from_raw(pid as i32), None).is_err() {
        return false;
    }
    let stat = std::fs::read_to_string(format!("/proc/{pid}/stat")).unwrap_or_default();
    let state = stat
        .rfind(')')
        .and_then(|i| stat[i + 1..].split_whitespace().next());
    !matches!(state, Some("Z" | "X"))
}

fn exited(rec: ExitRecord) -> ProcStatus {
    ProcStatus::Exited {
        code: rec.exit_code,
        oom_killed: rec.oom_killed,
        at: rec.finished_at,
    }
}

impl Runtime for LinuxRuntime {
    fn kind(&self) -> BackendKind {
        BackendKind::Linux
    }

    fn start(
        &mut self,
        spec: &LaunchSpec,
        _clock: &mut Clock,
        attached: Option<&mut Output>,
    ) -> RtResult<Option<u32>> {
        if attached.is_some() {
            let len = std::fs::metadata(&spec.log_path)
                .map(|m| m.len())
                .unwrap_or(0);
            self.attach_offsets.insert(spec.id.clone(), len);
        }
        let dir = &spec.container_dir;
        for name in [
            records::PID_FILE,
            records::EXIT_FILE,
            records::START_ERROR_FILE,
        ] {
            let _ = std::fs::remove_file(dir.join(name));
        }
        overlay::mount(&spec.rootfs, spec.auto_remove).map_err(failed)?;
        let cgroup = self.cgroup(spec)?;
        let cfg = MonitorConfig {
            argv: spec.argv.clone(),
            env: spec.env.clone(),
            workdir: spec.workdir.clone(),
            hostname: spec.hostname.clone(),
            network: spec.network,
            merged: spec.rootfs.merged.clone(),
            log_path: spec.log_path.clone(),
            cgroup_dirs: cgroup.dirs.clone(),
            cgroup_v2: cgroup.mode == CgroupMode::V2,
            memory_limit: spec.memory_limit,
            cleanup: false,
            tty: spec.tty,
            interactive: spec.interactive,
        };
        records::write_json(dir, records::CONFIG_FILE, &cfg)
            .map_err(|e| RuntimeError::io(dir.join(records::CONFIG_FILE), e))?;
        self.launch_monitor(dir)?;
        let deadline = Instant::now() + StdDuration::from_secs(10);
        let mut backoff = Backoff::up_to(StdDuration::from_millis(2));
        loop {
            if let Some(rec) = Self::read_pid(spec)? {
                if let Some(watch) = ExitWatch::open(rec.pid) {
                    self.watches.insert(spec.id.clone(), watch);
                }
                return Ok(Some(rec.pid));
            }
            let err: Option<StartError> = records::read_json(dir, records::START_ERROR_FILE)
                .map_err(|(p, e)| RuntimeError::io(p, e))?;
            if let Some(err) = err {
                let _ = self.cleanup(spec);
                return Err(match err.code {
                    126 | 127 => RuntimeError::NotRunnable {
                        code: err.code,
                        message: err.message,
                    },
                    _ => RuntimeError::Failed(err.message),
                });
            }
            if Instant::now() > deadline {
                return Err(failed(format!(
                    "container {}: monitor did not report a pid in time",
                    spec.id
                )));
            }
            std::thread::sleep(backoff.advance());
        }
    }

    fn status(&mut self, spec: &LaunchSpec, _clock: &Clock) -> RtResult<ProcStatus> {
        if let Some(rec) = Self::read_exit(spec)? {
            return Ok(exited(rec));
        }
        match Self::read_pid(spec)? {
            // The monitor writes `exit` before it ends: a dead monitor and no exit file is lost state.
            Some(rec) if alive(rec.monitor) => Ok(ProcStatus::Running { pid: Some(rec.pid) }),
            // It may have written `exit` and ended between our two reads.
            Some(_) if let Some(rec) = Self::read_exit(spec)? => Ok(exited(rec)),
            Some(rec) => Err(failed(format!(
                "container {}: its monitor (pid {}) died without recording an exit",
                spec.id, rec.monitor
            ))),
            None => Err(failed(format!("container {}: not started", spec.id))),
        }
    }

    fn signal(&mut self, spec: &LaunchSpec, signal: i32, _clock: &mut Clock) -> RtResult<()> {
        let rec = Self::read_pid(spec)?
            .ok_or_else(|| failed(format!("container {}: not started", spec.id)))?;
        let sig = nix::sys::signal::Signal::try_from(signal).map_err(failed)?;
        nix::sys::signal::kill(nix::unistd::Pid::from_raw(rec.pid as i32), sig).map_err(failed)
    }

    fn wait(
        &mut self,
        spec: &LaunchSpec,
        timeout: Option<Duration>,
        clock: &mut Clock,
        mut attached: Option<&mut Output>,
    ) -> RtResult<ProcStatus> {
        let started = Instant::now();
        let deadline = timeout.and_then(|t| t.to_std().ok()).map(|t| started + t);
        let mut backoff = Backoff::up_to(StdDuration::from_millis(5));
        let result = loop {
            let status = self.status(spec, clock)?;
            if let Some(out) = attached.as_deref_mut()
                && let Some(offset) = self.attach_offsets.get(&spec.id).copied()
            {
                let next = copy_log_since(&spec.log_path, offset, out);
                self.attach_offsets.insert(spec.id.clone(), next);
            }
            if matches!(status, ProcStatus::Exited { .. })
                || deadline.is_some_and(|d| Instant::now() > d)
            {
                if matches!(status, ProcStatus::Exited { .. }) {
                    self.attach_offsets.remove(&spec.id);
                    self.watches.remove(&spec.id);
                }
                break Ok(status);
            }
            self.pause(&spec.id, &mut backoff);
        };
        // A logical clock (--deterministic) moves by the whole seconds really waited, so a
        // 10 s grace period reads the same as on the simulator.
        if clock.is_logical() {
            let secs = started.elapsed().as_secs_f64().round() as i64;
            clock.advance(Duration::seconds(secs));
        }
        result
    }

    fn freeze(&mut self, spec: &LaunchSpec) -> RtResult<()> {
        self.cgroup(spec)?.freeze().map(|_| ()).map_err(failed)
    }

    fn thaw(&mut self, spec: &LaunchSpec) -> RtResult<()> {
        self.cgroup(spec)?.thaw().map(|_| ()).map_err(failed)
    }

    fn exec(
        &mut self,
        spec: &LaunchSpec,
        argv: &[String],
        opts: &ExecOpts,
        _clock: &mut Clock,
        out: &mut Output,
    ) -> RtResult<i32> {
        let rec = Self::read_pid(spec)?
            .ok_or_else(|| failed(format!("container {}: not started", spec.id)))?;
        let user = match &opts.user {
            Some(u) => Some(exec::parse_user(u).map_err(failed)?),
            None => None,
        };
        let req = exec::ExecRequest {
            target_pid: rec.pid,
            cgroup_procs: self
                .cgroup(spec)?
                .dirs
                .iter()
                .map(|d| d.join("cgroup.procs"))
                .collect(),
            argv: argv.to_vec(),
            env: exec::merge_env(&spec.env, &opts.env),
            workdir: opts.workdir.clone().unwrap_or_else(|| spec.workdir.clone()),
            user,
        };
        let result = if opts.stream {
            super::exec_io::exec_streamed(&req, opts.tty, opts.interactive).map(|code| {
                exec::ExecOutcome {
                    stdout: String::new(),
                    stderr: String::new(),
                    code,
                }
            })
        } else if opts.tty {
            super::exec_io::exec_tty_captured(&req)
        } else {
            exec::exec_in(&req)
        };
        match result {
            Ok(o) => {
                out.out(&o.stdout);
                out.err(&o.stderr);
                Ok(o.code)
            }
            Err(exec::ExecError::NotRunnable { code, message }) => {
                Err(RuntimeError::NotRunnable { code, message })
            }
            Err(e) => Err(failed(e)),
        }
    }

    fn input_line(
        &mut self,
        spec: &LaunchSpec,
        line: &str,
        clock: &mut Clock,
        out: &mut Output,
    ) -> RtResult<LineResult> {
        let shell = match self.shells.remove(&spec.id) {
            Some(s) => s,
            None => match AttachConn::connect(&spec.container_dir) {
                Ok(conn) => BatchShell::new(conn, spec.tty),
                // No socket: the process has ended (or never read input).
                Err(e) => {
                    return match self.status(spec, clock)? {
                        ProcStatus::Exited { code, .. } => Ok(LineResult { exited: Some(code) }),
                        ProcStatus::Running { .. } => Err(failed(e)),
                    };
                }
            },
        };
        let mut shell = shell;
        let result = shell.line(line).map_err(failed)?;
        out.out(&result.stdout);
        out.err(&result.stderr);
        let exited = match result.end {
            None => {
                self.shells.insert(spec.id.clone(), shell);
                None
            }
            Some(_) => match self.wait(spec, Some(Duration::seconds(10)), clock, None)? {
                ProcStatus::Exited { code, .. } => Some(code),
                ProcStatus::Running { .. } => {
                    return Err(failed(format!(
                        "container {}: lost the connection to its monitor",
                        spec.id
                    )));
                }
            },
        };
        Ok(LineResult { exited })
    }

    /// The shell in the container draws its own prompt on the kernel; a batch client has
    /// replaced it with a sentinel (see `BatchShell`), so there is none to report.
    fn prompt(&mut self, _spec: &LaunchSpec) -> RtResult<String> {
        Err(failed("the container's shell shows its own prompt"))
    }

    fn streams(&self) -> bool {
        true
    }

    fn attach_stream(&mut self, spec: &LaunchSpec) -> RtResult<AttachEnd> {
        let mut conn = match AttachConn::connect(&spec.container_dir) {
            Ok(c) => c,
            Err(e) => {
                return match self.status(spec, &Clock::wall())? {
                    ProcStatus::Exited { code, .. } => {
                        // It ended before we connected: what it printed is in the log.
                        if let Some(offset) = self.attach_offsets.remove(&spec.id) {
                            let mut out = Output::default();
                            copy_log_since(&spec.log_path, offset, &mut out);
                            print!("{}", out.stdout);
                            eprint!("{}", out.stderr);
                        }
                        Ok(AttachEnd::Exited(code))
                    }
                    ProcStatus::Running { .. } => Err(failed(e)),
                };
            }
        };
        self.attach_offsets.remove(&spec.id);
        let end = conn.interactive(spec.tty).map_err(failed)?;
        if end == AttachEnd::Lost {
            let mut clock = Clock::wall();
            if let ProcStatus::Exited { code, .. } =
                self.wait(spec, Some(Duration::seconds(10)), &mut clock, None)?
            {
                return Ok(AttachEnd::Exited(code));
            }
        }
        Ok(end)
    }

    fn memory(&mut self, spec: &LaunchSpec, _clock: &Clock) -> RtResult<MemoryReading> {
        let meminfo = self.cgroups.proc_root.join("meminfo");
        let text = std::fs::read_to_string(&meminfo).map_err(|e| RuntimeError::io(&meminfo, e))?;
        let total = host_total_memory(&text).unwrap_or(u64::MAX);
        self.cgroup(spec)?.memory(total).map_err(failed)
    }

    fn processes(&mut self, spec: &LaunchSpec) -> RtResult<Vec<crate::backend::ProcRow>> {
        let pids = self.cgroup(spec)?.procs().map_err(failed)?;
        super::top::rows(&self.cgroups.proc_root, &pids).map_err(failed)
    }

    fn namespaces(&mut self, spec: &LaunchSpec) -> RtResult<crate::backend::NsEvidence> {
        let rec = Self::read_pid(spec)?
            .ok_or_else(|| failed(format!("container {}: not started", spec.id)))?;
        let cgroup = self.cgroup(spec)?;
        super::nsinfo::gather(&self.cgroups.proc_root, rec.pid, &cgroup.dirs).map_err(failed)
    }

    fn cleanup(&mut self, spec: &LaunchSpec) -> RtResult<()> {
        let cgroup = self.cgroup(spec)?;
        // Processes whose monitor died are still in the cgroup: end them, or the cgroup and
        // the mount could never be removed.
        if cgroup.procs().is_ok_and(|p| !p.is_empty()) {
            let _ = cgroup.thaw();
            for pid in cgroup.procs().unwrap_or_default() {
                let _ = nix::sys::signal::kill(
                    nix::unistd::Pid::from_raw(pid as i32),
                    nix::sys::signal::Signal::SIGKILL,
                );
            }
            for _ in 0..200 {
                if cgroup.procs().is_ok_and(|p| p.is_empty()) {
                    break;
                }
                std::thread::sleep(StdDuration::from_millis(5));
            }
        }
        let cg = cgroup.remove().map_err(failed);
        overlay::unmount(&spec.rootfs.merged).map_err(failed)?;
        cg
    }
}

#[cfg(test)]
#[path = "runtime_tests.rs"]
mod tests;
