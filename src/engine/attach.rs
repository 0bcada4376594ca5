//! `attach CONTAINER`: the guard (only a running container has streams to attach to) and
//! what the client needs to connect. The streaming itself happens in the client, outside the
//! store lock, so other invocations are not blocked while someone types in a shell.
use super::Engine;
use super::error::{EngineError, EngineResult};
use super::state::ContainerStatus;
use crate::backend::LaunchSpec;

pub struct AttachTarget {
    pub id: String,
    pub spec: LaunchSpec,
    /// `-t`: a terminal; `-i`: stdin is open.
    pub tty: bool,
    pub stdin: bool,
}

impl Engine {
    pub fn attach_target(&mut self, name: &str) -> EngineResult<AttachTarget> {
        let id = self
            .resolve_container(name)
            .ok_or_else(|| EngineError::NoSuchContainer(name.to_string()))?;
        let c = self.container_by_id(&id)?;
        // moby daemon/attach.go's wording.
        let refused = match c.status() {
            ContainerStatus::Running => None,
            ContainerStatus::Paused => {
                Some("You cannot attach to a paused container, unpause it first")
            }
            _ => Some("You cannot attach to a stopped container, start it first"),
        };
        // Not a lifecycle move, so nothing is marked refused on the diagram.
        if let Some(reason) = refused {
            return Err(EngineError::Daemon(reason.to_string()));
        }
        Ok(AttachTarget {
            spec: self.launch_spec(&c)?,
            tty: c.config.tty,
            stdin: c.config.open_stdin,
            id,
        })
    }
}
