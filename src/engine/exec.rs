//! `exec [-d] [-i] [-t] [-e] [-w] [-u] CONTAINER COMMAND [ARG...]`
use super::Engine;
use super::error::EngineError;
use super::state::ContainerStatus;
use crate::backend::{ExecOpts, RuntimeError};
use crate::util::Output;

impl Engine {
    pub fn cmd_exec(
        &mut self,
        name: &str,
        argv: &[String],
        opts: &ExecOpts,
        out: &mut Output,
    ) -> i32 {
        match self.exec_one(name, argv, opts, out) {
            Ok(code) => code,
            Err(e) => {
                out.errln(&e.to_string());
                e.exit_code()
            }
        }
    }

    fn exec_one(
        &mut self,
        name: &str,
        argv: &[String],
        opts: &ExecOpts,
        out: &mut Output,
    ) -> Result<i32, EngineError> {
        let spec = self.exec_target(name)?;
        let result = self
            .runtime
            .exec(&spec, argv, opts, &mut self.meta.clock, out);
        self.mark_changed();
        exec_result(result, out)
    }

    /// The guards of `exec` (a running, unpaused container) and its launch spec.
    pub fn exec_target(&mut self, name: &str) -> Result<crate::backend::LaunchSpec, EngineError> {
        // The client inspects first, so a missing container is worded client-side.
        let id = self
            .resolve_container(name)
            .ok_or_else(|| EngineError::NoSuchContainerClient(name.to_string()))?;
        let c = self.container_by_id(&id)?;
        match c.status() {
            ContainerStatus::Running => {}
            ContainerStatus::Paused => return Err(EngineError::ExecPaused(name.to_string())),
            _ => return Err(EngineError::NotRunning(id)),
        }
        self.launch_spec(&c)
    }
}

/// An exec's exit code; a command that could not be run is worded as Docker's runtime does.
pub fn exec_result(
    result: crate::backend::RtResult<i32>,
    out: &mut Output,
) -> Result<i32, EngineError> {
    match result {
        Ok(code) => Ok(code),
        Err(RuntimeError::NotRunnable { code, message }) => {
            out.errln(&format!(
                "OCI runtime exec failed: exec failed: container_linux.go:380: starting container process caused: {message}: unknown"
            ));
            Ok(code)
        }
        Err(e) => Err(e.into()),
    }
}
