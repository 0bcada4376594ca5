//! The moves that several verbs share: starting a process, stopping it (TERM, grace period,
//! KILL), killing it. Guards live in the verbs; these only carry the move out.
use std::time::Instant;

use chrono::Duration;

use super::error::{EngineError, EngineResult};
use super::state::{ContainerStatus, Transition};
use super::{Container, Engine};
use crate::backend::{ProcStatus, RuntimeError};
use crate::util::Output;

pub const SIGKILL: i32 = 9;
pub const SIGTERM: i32 = 15;

pub(super) fn elapsed_ms(t0: Instant) -> f64 {
    t0.elapsed().as_secs_f64() * 1000.0
}

impl Engine {
    pub fn container_by_id(&self, id: &str) -> EngineResult<Container> {
        self.containers
            .get(id)
            .cloned()
            .ok_or_else(|| EngineError::NoSuchContainer(id.to_string()))
    }

    /// Starts the main process of a created or exited container.
    pub fn start_process(
        &mut self,
        id: &str,
        how: Transition,
        attached: Option<&mut Output>,
    ) -> EngineResult<()> {
        let mut c = self.container_by_id(id)?;
        let spec = self.launch_spec(&c)?;
        let t0 = Instant::now();
        let attaching = attached.is_some();
        let started = self.runtime.start(&spec, &mut self.meta.clock, attached);
        let latency = elapsed_ms(t0);
        self.mark_changed();
        match started {
            Ok(pid) => {
                c.state.pid = pid.unwrap_or(0);
                c.state.started_at = Some(self.now());
                c.state.exit_code = 0;
                c.state.error.clear();
                c.state.oom_killed = false;
                c.record(how, ContainerStatus::Running, None);
                let mem = self.memory_usage(&spec);
                c.push_memory_sample("started", mem, Some(latency));
                self.save_container(c)?;
                // An attached caller follows the process to its end itself (wait_attached).
                if attaching { Ok(()) } else { self.refresh(id) }
            }
            Err(RuntimeError::NotRunnable { code, message }) => {
                c.state.exit_code = code;
                c.state.error = message.clone();
                c.refuse(how, &message);
                self.save_container(c)?;
                Err(EngineError::NotRunnable { code, message })
            }
            Err(e) => Err(e.into()),
        }
    }

    /// Memory the container holds now (0 when the backend cannot tell), for the
    /// pause-vs-stop samples.
    pub(super) fn memory_usage(&mut self, spec: &crate::backend::LaunchSpec) -> u64 {
        self.runtime
            .memory(spec, &self.meta.clock)
            .map(|m| m.usage)
            .unwrap_or(0)
    }

    /// Docker's stop: SIGTERM, wait the grace period, then SIGKILL. Returns when exited.
    pub fn stop_process(&mut self, id: &str, grace_secs: i64, how: Transition) -> EngineResult<()> {
        let c = self.container_by_id(id)?;
        let spec = self.launch_spec(&c)?;
        let mem_before = self.memory_usage(&spec);
        let t0 = Instant::now();
        let was_paused = c.status() == ContainerStatus::Paused;
        if was_paused {
            // A frozen process cannot act on SIGTERM; thaw so the signals land, as the daemon does.
            self.runtime.thaw(&spec)?;
        }
        self.runtime.signal(&spec, SIGTERM, &mut self.meta.clock)?;
        let grace = Duration::seconds(grace_secs.max(0));
        let mut status = self
            .runtime
            .wait(&spec, Some(grace), &mut self.meta.clock, None)?;
        let mut note = None;
        if matches!(status, ProcStatus::Running { .. }) {
            self.runtime.signal(&spec, SIGKILL, &mut self.meta.clock)?;
            status = self.runtime.wait(&spec, None, &mut self.meta.clock, None)?;
            note = Some(format!(
                "PID 1 did not exit on SIGTERM within the {grace_secs} s grace period (a PID 1 \
                 without a TERM handler ignores it), so SIGKILL ended it: exit 137"
            ));
        }
        self.mark_changed();
        let (code, oom, at) = match status {
            ProcStatus::Exited {
                code,
                oom_killed,
                at,
            } => (code, oom_killed, at),
            ProcStatus::Running { .. } => {
                return Err(EngineError::Daemon(format!(
                    "cannot stop container: {id}: the process did not exit after SIGKILL"
                )));
            }
        };
        let exit = super::Exit {
            code,
            oom_killed: oom,
            at,
        };
        self.record_exit(id, &spec, exit, how, note)?;
        if let Some(mut c) = self.containers.get(id).cloned() {
            // record_exit added the "stopped" sample; it took this long.
            if let Some(stopped) = c.memory_samples.last_mut() {
                stopped.latency_ms = Some(elapsed_ms(t0));
            }
            if mem_before > 0 {
                let n = c.memory_samples.len();
                c.memory_samples.insert(
                    n - 1,
                    super::container::MemorySample {
                        phase: "before stop".to_string(),
                        bytes: mem_before,
                        latency_ms: None,
                    },
                );
            }
            self.save_container(c)?;
        }
        Ok(())
    }

    /// Delivers a signal; records the exit if the process died of it.
    pub fn kill_process(&mut self, id: &str, signal: i32) -> EngineResult<()> {
        let c = self.container_by_id(id)?;
        let spec = self.launch_spec(&c)?;
        if c.status() == ContainerStatus::Paused && signal == SIGKILL {
            self.runtime.thaw(&spec)?;
        }
        self.runtime.signal(&spec, signal, &mut self.meta.clock)?;
        self.mark_changed();
        let status = if signal == SIGKILL {
            self.runtime.wait(&spec, None, &mut self.meta.clock, None)?
        } else {
            self.runtime.status(&spec, &self.meta.clock)?
        };
        if let ProcStatus::Exited {
            code,
            oom_killed,
            at,
        } = status
        {
            let exit = super::Exit {
                code,
                oom_killed,
                at,
            };
            self.record_exit(id, &spec, exit, Transition::Kill, None)?;
        }
        Ok(())
    }
}
