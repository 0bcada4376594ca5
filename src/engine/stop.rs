//! `stop [-t N] CONTAINER...` and `restart [-t N] CONTAINER...`
use super::Engine;
use super::error::EngineError;
use super::state::Transition;
use crate::util::Output;

/// Docker's default grace period before SIGKILL.
pub const DEFAULT_STOP_TIMEOUT: i64 = 10;

impl Engine {
    pub fn cmd_stop(&mut self, names: &[String], time: Option<i64>, out: &mut Output) -> i32 {
        self.each_container(names, out, |engine, id, _| {
            // Docker: stopping a container that is not running succeeds and changes nothing.
            let status = engine.container_by_id(id)?.status();
            if status.has_process() {
                engine.stop_process(id, time.unwrap_or(DEFAULT_STOP_TIMEOUT), Transition::Stop)?;
            }
            Ok(())
        })
    }

    pub fn cmd_restart(&mut self, names: &[String], time: Option<i64>, out: &mut Output) -> i32 {
        self.each_container(names, out, |engine, id, _| {
            let status = engine.container_by_id(id)?.status();
            if status.has_process() {
                engine.stop_process(id, time.unwrap_or(DEFAULT_STOP_TIMEOUT), Transition::Stop)?;
            }
            engine.start_process(id, Transition::Restart, None)
        })
    }

    /// Runs `f` on each named container, printing the name on success and Docker's error
    /// otherwise; exit 1 if any failed.
    pub fn each_container(
        &mut self,
        names: &[String],
        out: &mut Output,
        mut f: impl FnMut(&mut Engine, &str, &str) -> Result<(), EngineError>,
    ) -> i32 {
        let mut code = 0;
        for name in names {
            let result = match self.resolve_container(name) {
                Some(id) => f(self, &id, name),
                None => Err(EngineError::NoSuchContainer(name.clone())),
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
}
