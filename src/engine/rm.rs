//! `rm [-f] CONTAINER...`
use super::Engine;
use super::error::EngineError;
use super::lifecycle_ops::SIGKILL;
use super::state::{ContainerStatus, Transition};
use crate::backend::ProcStatus;
use crate::util::Output;

impl Engine {
    pub fn cmd_rm(&mut self, names: &[String], force: bool, out: &mut Output) -> i32 {
        let mut code = 0;
        for name in names {
            let result = match self.resolve_container(name) {
                None => Err(EngineError::NoSuchContainerClient(name.clone())),
                Some(id) => self.rm_one(&id, force),
            };
            match result {
                Ok(()) => out.outln(name),
                Err(e) => {
                    out.errln(&e.to_string());
                    code = 1;
                }
            }
        }
        code
    }

    pub fn rm_one(&mut self, id: &str, force: bool) -> Result<(), EngineError> {
        let c = self.container_by_id(id)?;
        match (c.status(), force) {
            (ContainerStatus::Running, false) => {
                self.refuse(
                    id,
                    Transition::Remove,
                    "cannot remove a running container: stop it first, or rm -f",
                )?;
                return Err(EngineError::RemoveRunning(id.to_string()));
            }
            (ContainerStatus::Paused, false) => {
                self.refuse(
                    id,
                    Transition::Remove,
                    "cannot remove a paused container: unpause and stop it first, or rm -f",
                )?;
                return Err(EngineError::RemovePaused(id.to_string()));
            }
            (s, true) if s.has_process() => {
                let spec = self.launch_spec(&c)?;
                if s == ContainerStatus::Paused {
                    self.runtime.thaw(&spec)?;
                }
                self.runtime.signal(&spec, SIGKILL, &mut self.meta.clock)?;
                let status = self.runtime.wait(&spec, None, &mut self.meta.clock, None)?;
                if matches!(status, ProcStatus::Running { .. }) {
                    return Err(EngineError::Daemon(format!(
                        "Could not kill running container {id}, cannot remove"
                    )));
                }
                self.runtime.cleanup(&spec)?;
            }
            _ => {}
        }
        self.remove_container_files(id)
    }
}
