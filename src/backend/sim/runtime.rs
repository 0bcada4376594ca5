//! `SimRuntime`: the simulated backend behind the `Runtime` seam. No processes and no
//! mounts: a container's main process is the shell interpreter's saved state
//! (containers/<id>/sim-process.json), its filesystem the union of the store's real diff/
//! directories. Memory comes from a stated model and is labelled as simulated.
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::shell::{Advance, OutputChunk, ProcState, SignalOutcome, SimProcess, Stream};
use super::sys::ProcInfo;
use super::system::SimSystem;
use super::unionfs::UnionFs;
use crate::backend::{
    BackendKind, ExecOpts, LaunchSpec, LineResult, MemoryReading, MemorySource, ProcStatus,
    RtResult, Runtime, RuntimeError,
};
use crate::util::{Clock, Output};

/// The simulated host's memory: a fixed figure so transcripts do not depend on the machine.
pub const SIM_HOST_MEMORY: u64 = 8 * 1024 * 1024 * 1024;
/// How far `wait` with no timeout fast-forwards before it reports "still running".
const WAIT_HORIZON_SECS: i64 = 24 * 3600;
/// The pid an exec'd process gets inside the container (the simulator's own numbering).
const EXEC_PID: u32 = 7;

#[derive(Debug, Clone, Serialize, Deserialize)]
struct ProcFile {
    process: SimProcess,
    frozen: bool,
    exited: Option<(i32, bool, DateTime<Utc>)>,
}

#[derive(Debug, Default)]
pub struct SimRuntime {
    /// The process files as last read or written, each with its bytes as serialised (to
    /// tell an unchanged process without serialising it again). Used only while the engine
    /// holds the root's lock (see `Runtime::hold`), and kept from one command to the next
    /// until the engine says another process changed the root (`forget_state`): a command
    /// reads every live container's file at least once.
    known: std::cell::RefCell<std::collections::HashMap<std::path::PathBuf, (ProcFile, Vec<u8>)>>,
    /// The root's lock is held.
    locked: bool,
    /// A process file was written or removed since the lock was taken.
    wrote: std::cell::Cell<bool>,
}

fn proc_path(spec: &LaunchSpec) -> std::path::PathBuf {
    spec.container_dir.join("sim-process.json")
}

fn env_pairs(env: &[String]) -> Vec<(String, String)> {
    env.iter()
        .map(|e| match e.split_once('=') {
            Some((k, v)) => (k.to_string(), v.to_string()),
            None => (e.clone(), String::new()),
        })
        .collect()
}

/// A process file and its bytes (without the padding `overwrite_record` may leave).
fn load_from_disk(spec: &LaunchSpec) -> RtResult<Option<(ProcFile, Vec<u8>)>> {
    let path = proc_path(spec);
    match std::fs::read(&path) {
        Ok(mut bytes) => {
            let len = bytes.trim_ascii_end().len();
            bytes.truncate(len);
            serde_json::from_slice(&bytes)
                .map(|pf| Some((pf, bytes)))
                .map_err(|e| RuntimeError::Failed(format!("{}: {e}", path.display())))
        }
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err(RuntimeError::io(path, e)),
    }
}

fn serialise(pf: &ProcFile) -> RtResult<Vec<u8>> {
    serde_json::to_vec(pf).map_err(|e| RuntimeError::Failed(e.to_string()))
}

fn save_to_disk(spec: &LaunchSpec, bytes: &[u8]) -> RtResult<()> {
    let path = proc_path(spec);
    // The simulated process's state is runtime state, as the kernel backend's pid and exit
    // records are: a machine crash ends the process anyway, and the next invocation records
    // it as exited (255), as Docker does for a container its daemon lost. Rewritten in
    // place: it changes on most commands, and a new inode each time is what costs on disk.
    crate::store::overwrite_record(&path, bytes).map_err(|e| RuntimeError::Failed(e.to_string()))
}

/// Appends output to Docker's json-file log, one object per chunk line.
fn append_log(spec: &LaunchSpec, chunks: &[OutputChunk]) -> RtResult<()> {
    use std::io::Write;
    if chunks.is_empty() {
        return Ok(());
    }
    let mut text = String::new();
    for c in chunks {
        for line in c.text.split_inclusive('\n') {
            let stream = match c.stream {
                Stream::Stdout => "stdout",
                Stream::Stderr => "stderr",
            };
            text.push_str(&crate::backend::log_line(stream, line, c.at));
        }
    }
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&spec.log_path)
        .map_err(|e| RuntimeError::io(&spec.log_path, e))?;
    f.write_all(text.as_bytes())
        .map_err(|e| RuntimeError::io(&spec.log_path, e))
}

fn copy_out(chunks: &[OutputChunk], out: Option<&mut Output>) {
    if let Some(out) = out {
        for c in chunks {
            match c.stream {
                Stream::Stdout => out.out(&c.text),
                Stream::Stderr => out.err(&c.text),
            }
        }
    }
}

fn union(spec: &LaunchSpec) -> UnionFs {
    UnionFs::new(spec.rootfs.lower_dirs.clone(), spec.rootfs.upper.clone())
}

/// The simulated system a container's programs see: its files, hostname and process table.
fn system<'a>(fs: &'a mut UnionFs, spec: &LaunchSpec, now: DateTime<Utc>) -> SimSystem<'a> {
    thread_local! {
        // The flavor is the image's (its layers), so it is detected once per image.
        static FLAVORS: std::cell::RefCell<std::collections::HashMap<Vec<std::ffi::OsString>, super::system::Flavor>> =
            Default::default();
    }
    // Keyed by the image layers' cache ids (overlay2/<cache-id>/diff), not their paths: a
    // cache id names one layer's content for good (random, or under --deterministic
    // derived from its chain id), while every scratch root of a replay has other paths.
    // A container's -init layer holds only /etc/hostname and the like: not part of the
    // key, or every container would detect its image's flavor again.
    let key: Vec<std::ffi::OsString> = spec
        .rootfs
        .lower_dirs
        .iter()
        .filter_map(|dir| dir.parent().and_then(|d| d.file_name()))
        .filter(|id| !id.to_string_lossy().ends_with("-init"))
        .map(|id| id.to_os_string())
        .collect();
    let flavor = FLAVORS.with(|f| f.borrow().get(&key).copied());
    let flavor = flavor.unwrap_or_else(|| {
        let detected = super::system::detect_flavor(fs);
        FLAVORS.with(|f| f.borrow_mut().insert(key, detected));
        detected
    });
    let mut sys = SimSystem::with_flavor(fs, spec.hostname.clone(), now, flavor);
    sys.procs = vec![ProcInfo {
        pid: 1,
        user: "root".to_string(),
        command: spec.argv.join(" "),
        tty: spec.tty.then(|| "pts/0".to_string()),
    }];
    sys
}

impl SimRuntime {
    pub fn new() -> SimRuntime {
        SimRuntime::default()
    }

    /// Runs the main process forward to `until`, logging its output.
    fn advance(
        &self,
        spec: &LaunchSpec,
        pf: &mut ProcFile,
        until: DateTime<Utc>,
        attached: Option<&mut Output>,
    ) -> RtResult<Advance> {
        let mut fs = union(spec);
        let mut sys = system(&mut fs, spec, until);
        let adv = pf.process.advance(&mut sys, until);
        append_log(spec, &adv.output)?;
        copy_out(&adv.output, attached);
        if let ProcState::Exited {
            code,
            at,
            oom_killed,
        } = &adv.state
        {
            pf.exited = Some((*code, *oom_killed, *at));
        }
        Ok(adv)
    }

    fn status_of(pf: &ProcFile) -> ProcStatus {
        match pf.exited {
            Some((code, oom_killed, at)) => ProcStatus::Exited {
                code,
                oom_killed,
                at,
            },
            None => ProcStatus::Running { pid: None },
        }
    }

    fn loaded(&self, spec: &LaunchSpec) -> RtResult<ProcFile> {
        self.load(spec)?
            .ok_or_else(|| RuntimeError::Failed(format!("container {} has no process", spec.id)))
    }

    fn load(&self, spec: &LaunchSpec) -> RtResult<Option<ProcFile>> {
        Ok(self.load_with_bytes(spec)?.map(|(pf, _)| pf))
    }

    /// The process file and its bytes as on disk.
    fn load_with_bytes(&self, spec: &LaunchSpec) -> RtResult<Option<(ProcFile, Vec<u8>)>> {
        let path = proc_path(spec);
        if !self.locked {
            return load_from_disk(spec);
        }
        if let Some(known) = self.known.borrow().get(&path) {
            return Ok(Some(known.clone()));
        }
        let loaded = load_from_disk(spec)?;
        if let Some(known) = &loaded {
            self.known.borrow_mut().insert(path, known.clone());
        }
        Ok(loaded)
    }

    fn save(&self, spec: &LaunchSpec, pf: &ProcFile) -> RtResult<()> {
        self.save_bytes(spec, pf, serialise(pf)?)
    }

    fn save_bytes(&self, spec: &LaunchSpec, pf: &ProcFile, bytes: Vec<u8>) -> RtResult<()> {
        save_to_disk(spec, &bytes)?;
        self.wrote.set(true);
        let mut known = self.known.borrow_mut();
        if self.locked {
            known.insert(proc_path(spec), (pf.clone(), bytes));
        } else {
            known.remove(&proc_path(spec));
        }
        Ok(())
    }
}

impl Runtime for SimRuntime {
    fn kind(&self) -> BackendKind {
        BackendKind::Sim
    }

    fn start(
        &mut self,
        spec: &LaunchSpec,
        clock: &mut Clock,
        attached: Option<&mut Output>,
    ) -> RtResult<Option<u32>> {
        let now = clock.now();
        let process = SimProcess::spawn(
            &spec.argv,
            env_pairs(&spec.env),
            &spec.workdir,
            spec.interactive,
            now,
            spec.memory_limit,
        )
        .map_err(|e| RuntimeError::Failed(e.to_string()))?;
        let mut pf = ProcFile {
            process,
            frozen: false,
            exited: None,
        };
        let adv = self.advance(spec, &mut pf, now, attached)?;
        if let ProcState::NotFound { message } = adv.state {
            return Err(RuntimeError::NotRunnable { code: 127, message });
        }
        self.save(spec, &pf)?;
        Ok(None)
    }

    fn status(&mut self, spec: &LaunchSpec, clock: &Clock) -> RtResult<ProcStatus> {
        let (mut pf, before) = self
            .load_with_bytes(spec)?
            .ok_or_else(|| RuntimeError::Failed(format!("container {} has no process", spec.id)))?;
        if pf.exited.is_none() && !pf.frozen {
            self.advance(spec, &mut pf, clock.now(), None)?;
            // A process asleep until later is unchanged: no write (the hot path of `ps`).
            let after = serialise(&pf)?;
            if after != before {
                self.save_bytes(spec, &pf, after)?;
            }
        }
        Ok(Self::status_of(&pf))
    }

    fn signal(&mut self, spec: &LaunchSpec, signal: i32, clock: &mut Clock) -> RtResult<()> {
        let mut pf = self.loaded(spec)?;
        if pf.exited.is_some() {
            return Ok(());
        }
        let now = clock.now();
        match pf.process.signal(signal, now) {
            SignalOutcome::Killed { code } => pf.exited = Some((code, false, now)),
            SignalOutcome::Handled if !pf.frozen => {
                self.advance(spec, &mut pf, now, None)?;
            }
            SignalOutcome::Handled | SignalOutcome::Ignored => {}
        }
        self.save(spec, &pf)
    }

    fn wait(
        &mut self,
        spec: &LaunchSpec,
        timeout: Option<Duration>,
        clock: &mut Clock,
        mut attached: Option<&mut Output>,
    ) -> RtResult<ProcStatus> {
        let mut pf = self.loaded(spec)?;
        let start = clock.now();
        let deadline = start + timeout.unwrap_or(Duration::seconds(WAIT_HORIZON_SECS));
        if pf.exited.is_none() && !pf.frozen {
            loop {
                let adv = self.advance(spec, &mut pf, deadline, attached.as_deref_mut())?;
                match adv.state {
                    // A busy loop hit the per-call budget: keep going.
                    ProcState::Running { wake_at: Some(w) } if w <= deadline => continue,
                    _ => break,
                }
            }
        }
        self.save(spec, &pf)?;
        // The simulator waited: move the clock to the exit, or to the deadline.
        let waited_until = match pf.exited {
            Some((_, _, at)) if at > start => at,
            Some(_) => start,
            None if timeout.is_some() => deadline,
            None => start,
        };
        if waited_until > start {
            clock.advance(waited_until - start);
        }
        Ok(Self::status_of(&pf))
    }

    fn freeze(&mut self, spec: &LaunchSpec) -> RtResult<()> {
        let mut pf = self.loaded(spec)?;
        pf.frozen = true;
        self.save(spec, &pf)
    }

    fn thaw(&mut self, spec: &LaunchSpec) -> RtResult<()> {
        let mut pf = self.loaded(spec)?;
        pf.frozen = false;
        self.save(spec, &pf)
    }

    fn exec(
        &mut self,
        spec: &LaunchSpec,
        argv: &[String],
        opts: &ExecOpts,
        clock: &mut Clock,
        out: &mut Output,
    ) -> RtResult<i32> {
        let now = clock.now();
        let mut env = spec.env.clone();
        env.extend(opts.env.iter().cloned());
        let workdir = opts.workdir.clone().unwrap_or_else(|| spec.workdir.clone());
        // An exec'd process is not PID 1: untrapped signals kill it.
        let mut process = SimProcess::spawn(argv, env_pairs(&env), &workdir, false, now, None)
            .map_err(|e| RuntimeError::Failed(e.to_string()))?
            .with_pid(EXEC_PID);
        let mut fs = union(spec);
        let mut sys = system(&mut fs, spec, now);
        // `exec -t` gets a pty of its own: the next one after PID 1's, if that has one.
        let tty = opts
            .tty
            .then(|| if spec.tty { "pts/1" } else { "pts/0" }.to_string());
        sys.procs.push(ProcInfo {
            pid: EXEC_PID,
            user: "root".to_string(),
            command: argv.join(" "),
            tty,
        });
        let mut end = now;
        let mut code = 0;
        loop {
            let adv = process.advance(&mut sys, now + Duration::seconds(WAIT_HORIZON_SECS));
            copy_out(&adv.output, Some(out));
            match adv.state {
                ProcState::Exited { code: c, at, .. } => {
                    code = c;
                    end = at;
                    break;
                }
                ProcState::NotFound { message } => {
                    return Err(RuntimeError::NotRunnable { code: 126, message });
                }
                ProcState::Running { wake_at: Some(_) } => continue,
                _ => break,
            }
        }
        if end > now {
            clock.advance(end - now);
        }
        Ok(code)
    }

    fn input_line(
        &mut self,
        spec: &LaunchSpec,
        line: &str,
        clock: &mut Clock,
        out: &mut Output,
    ) -> RtResult<LineResult> {
        let mut pf = self.loaded(spec)?;
        let now = clock.now();
        let mut fs = union(spec);
        let mut sys = system(&mut fs, spec, now);
        let mut adv = pf.process.feed_line(&mut sys, line, now);
        append_log(spec, &adv.output)?;
        copy_out(&adv.output, Some(out));
        // A person at a terminal waits for the command to finish before typing again:
        // run the shell on until it wants input (or exits), and let the clock follow.
        let mut waited_until = now;
        for _ in 0..10_000 {
            let ProcState::Running { wake_at } = adv.state else {
                break;
            };
            let until = wake_at.unwrap_or(waited_until).max(waited_until);
            waited_until = until;
            adv = pf.process.advance(&mut sys, until);
            append_log(spec, &adv.output)?;
            copy_out(&adv.output, Some(out));
        }
        if waited_until > now {
            clock.advance(waited_until - now);
        }
        let exited = match adv.state {
            ProcState::Exited {
                code,
                at,
                oom_killed,
            } => {
                pf.exited = Some((code, oom_killed, at));
                Some(code)
            }
            _ => None,
        };
        self.save(spec, &pf)?;
        Ok(LineResult { exited })
    }

    fn prompt(&mut self, spec: &LaunchSpec) -> RtResult<String> {
        let pf = self.loaded(spec)?;
        let mut fs = union(spec);
        let sys = system(&mut fs, spec, Utc::now());
        Ok(pf.process.prompt(&sys))
    }

    fn memory(&mut self, spec: &LaunchSpec, _clock: &Clock) -> RtResult<MemoryReading> {
        let pf = self.load(spec)?;
        let usage = match &pf {
            Some(pf) if pf.exited.is_none() => pf.process.resident_bytes(),
            _ => 0,
        };
        Ok(MemoryReading {
            usage,
            limit: spec.memory_limit.unwrap_or(SIM_HOST_MEMORY),
            pids: u32::from(usage > 0),
            source: MemorySource::Simulated,
        })
    }

    /// PID 1 and its command; pids are the simulator's own numbering (no host pids exist),
    /// and an exec'd process has finished by the time anything could list it.
    fn processes(&mut self, spec: &LaunchSpec) -> RtResult<Vec<crate::backend::ProcRow>> {
        self.loaded(spec)?;
        Ok(vec![crate::backend::ProcRow {
            uid: "root".to_string(),
            pid: 1,
            ppid: 0,
            c: 0,
            stime: None,
            tty: "?".to_string(),
            time: "00:00:00".to_string(),
            cmd: spec.argv.join(" "),
        }])
    }

    /// The simulator never invents kernel evidence.
    fn namespaces(&mut self, _spec: &LaunchSpec) -> RtResult<crate::backend::NsEvidence> {
        Err(RuntimeError::Failed(
            "the simulator has no kernel namespaces to show; use --backend linux".to_string(),
        ))
    }

    fn hold(&mut self, held: bool) {
        if held && !self.locked {
            self.wrote.set(false);
        }
        self.locked = held;
    }

    fn forget_state(&mut self) {
        self.known.get_mut().clear();
    }

    fn wrote_state(&self) -> bool {
        self.wrote.get()
    }

    fn cleanup(&mut self, spec: &LaunchSpec) -> RtResult<()> {
        self.known.get_mut().remove(&proc_path(spec));
        self.wrote.set(true);
        match std::fs::remove_file(proc_path(spec)) {
            Ok(()) => Ok(()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
            Err(e) => Err(RuntimeError::io(proc_path(spec), e)),
        }
    }
}
