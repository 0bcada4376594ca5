//! The simulated container's main process: a small sh/bash interpreter whose whole state is
//! data (serde), so it can be saved between engine calls and resumed, and whose time is
//! simulated: `sleep 5` only continues once the engine's clock has moved 5 s past it.
//!
//! Pipeline: source → `lex` → `parse` (AST) → `compile` (flat instructions with jumps) →
//! `vm` (frames, variables, wait state) with `exec`/`builtins` carrying out commands and
//! `Sys` (the simulated filesystem and programs) doing the rest.
mod arith;
mod ast;
mod builtins;
mod compile;
mod error;
mod exec;
mod expand;
mod external;
mod lex;
mod parse;
mod printf;
mod process;
mod signals;
mod test_cmd;
mod units;
mod vm;

#[cfg(test)]
mod tests;

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

pub use error::{Flavour, SpawnError, SyntaxError};
pub use process::{SimProcess, run_to_completion};
pub use signals::{name_of as signal_name, normalise as normalise_signal};
pub use units::parse_size;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Stream {
    Stdout,
    Stderr,
}

/// Output with the simulated time it was produced at (for Docker's json log).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct OutputChunk {
    pub stream: Stream,
    pub text: String,
    pub at: DateTime<Utc>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum ProcState {
    /// Sleeping until `wake_at`, or (None) busy: call `advance` again later.
    Running { wake_at: Option<DateTime<Utc>> },
    /// Blocked reading stdin (an interactive prompt or `read`): call `feed_line`.
    WaitingForInput,
    Exited {
        code: i32,
        at: DateTime<Utc>,
        oom_killed: bool,
    },
    /// argv[0] was not found: Docker reports `message` as a start failure (exit 127).
    NotFound { message: String },
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Advance {
    pub output: Vec<OutputChunk>,
    pub state: ProcState,
}

impl Advance {
    /// All output text of one stream, concatenated.
    pub fn text(&self, stream: Stream) -> String {
        self.output
            .iter()
            .filter(|c| c.stream == stream)
            .map(|c| c.text.as_str())
            .collect()
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum SignalOutcome {
    /// Nothing happens (PID 1 without a trap, `trap '' SIG`, or already exited).
    Ignored,
    /// A trap will run at the process's next advance (after a running `sleep` ends).
    Handled,
    /// The process is dead with this exit code (137 for SIGKILL, 128+sig otherwise).
    Killed { code: i32 },
}
