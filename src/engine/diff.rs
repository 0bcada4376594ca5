//! `diff CONTAINER`: what the writable layer holds, as A/C/D lines.
use super::Engine;
use super::error::{EngineError, EngineResult};
use crate::image::changes::{Change, changes};
use crate::util::Output;

impl Engine {
    pub fn container_changes(&self, id: &str) -> EngineResult<Vec<Change>> {
        let plan = self.store.rootfs_plan(id)?;
        // The -init layer is Docker's, not the user's: diff compares against it too.
        changes(&plan.upper, &plan.lower_dirs).map_err(|e| EngineError::Daemon(e.to_string()))
    }

    pub fn cmd_diff(&self, name: &str, out: &mut Output) -> i32 {
        let Some(id) = self.resolve_container(name) else {
            out.errln(&EngineError::NoSuchContainer(name.to_string()).to_string());
            return 1;
        };
        match self.container_changes(&id) {
            Ok(list) => {
                for c in list {
                    out.outln(&c.to_string());
                }
                0
            }
            Err(e) => {
                out.errln(&e.to_string());
                1
            }
        }
    }
}
