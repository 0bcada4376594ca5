//! `run`: create + start, then either print the id (-d), follow the output until the
//! process exits (attached), or hand the terminal to the container's shell (-it).
use super::Engine;
use super::create::RunOptions;
use super::error::EngineResult;
use super::state::Transition;
use crate::util::Output;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum RunOutcome {
    /// -d: the id was printed; the container runs on.
    Detached(String),
    /// Attached: the container ran to its end with this exit code.
    Exited { id: String, code: i32 },
    /// -it: the container's shell now reads the user's lines.
    Interactive(String),
}

impl Engine {
    pub fn run(&mut self, o: &RunOptions, out: &mut Output) -> EngineResult<RunOutcome> {
        let id = self.create(o)?;
        if o.detach {
            self.start_process(&id, Transition::Start, None)?;
            out.outln(&id);
            return Ok(RunOutcome::Detached(id));
        }
        self.start_process(&id, Transition::Start, Some(out))?;
        if o.interactive {
            self.refresh(&id)?;
        }
        let still_running = self
            .containers
            .get(&id)
            .is_some_and(|c| c.status().has_process());
        if o.interactive && still_running {
            return Ok(RunOutcome::Interactive(id));
        }
        let code = self.wait_attached(&id, out)?;
        Ok(RunOutcome::Exited { id, code })
    }
}
