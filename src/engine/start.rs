//! `start [-a] CONTAINER...`
use super::Engine;
use super::error::EngineError;
use super::state::{ContainerStatus, Transition};
use crate::util::Output;

impl Engine {
    pub fn cmd_start(&mut self, names: &[String], attach: bool, out: &mut Output) -> i32 {
        let mut failed = Vec::new();
        let mut code = 0;
        for name in names {
            match self.start_one(name, attach, out) {
                Ok(Some(exit)) => code = exit,
                Ok(None) => {
                    if !attach {
                        out.outln(name);
                    }
                }
                Err(e) => {
                    out.errln(&e.to_string());
                    failed.push(name.clone());
                }
            }
        }
        if failed.is_empty() {
            code
        } else {
            out.errln(&format!(
                "Error: failed to start containers: {}",
                failed.join(", ")
            ));
            1
        }
    }

    /// Starts one container; with `attach`, waits for it and returns its exit code.
    fn start_one(
        &mut self,
        name: &str,
        attach: bool,
        out: &mut Output,
    ) -> Result<Option<i32>, EngineError> {
        let id = self
            .resolve_container(name)
            .ok_or_else(|| EngineError::NoSuchContainer(name.to_string()))?;
        let status = self.container_by_id(&id)?.status();
        match status {
            // Docker: starting a running container is a no-op that succeeds.
            ContainerStatus::Running => return Ok(None),
            ContainerStatus::Paused => {
                self.refuse(
                    &id,
                    Transition::Start,
                    "cannot start a paused container, try unpause instead",
                )?;
                return Err(EngineError::StartPaused);
            }
            _ => {}
        }
        if attach {
            self.start_process(&id, Transition::Start, Some(out))?;
            return self.wait_attached(&id, out).map(Some);
        }
        self.start_process(&id, Transition::Start, None)?;
        Ok(None)
    }

    /// Records a refused move on the container, for the lifecycle diagram.
    pub fn refuse(&mut self, id: &str, t: Transition, reason: &str) -> Result<(), EngineError> {
        let mut c = self.container_by_id(id)?;
        c.refuse(t, reason);
        self.save_container(c)
    }

    /// Follows an attached container until it exits; returns its exit code.
    pub fn wait_attached(&mut self, id: &str, out: &mut Output) -> Result<i32, EngineError> {
        let Some(c) = self.containers.get(id).cloned() else {
            // Already gone (--rm): its record survives as the last removed container.
            let code = self.meta.last_removed.as_ref().filter(|c| c.id == id);
            return Ok(code.map(|c| c.state.exit_code).unwrap_or(0));
        };
        if c.status() != ContainerStatus::Running {
            return Ok(c.state.exit_code);
        }
        let spec = self.launch_spec(&c)?;
        let status = self
            .runtime
            .wait(&spec, None, &mut self.meta.clock, Some(out))?;
        self.mark_changed();
        if let crate::backend::ProcStatus::Exited {
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
            self.record_exit(id, &spec, exit, Transition::Die, None)?;
            return Ok(code);
        }
        Ok(0)
    }
}
