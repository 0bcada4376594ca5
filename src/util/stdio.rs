//! The process's own stdin and stdout as archive streams: `save`/`export` without `-o` write
//! their tar there, `load` without `-i` and `import -` read it. Text output never goes this
//! way (commands write text to `Output`); only archive bytes do, so stdout stays clean.
//!
//! Two implementations: `ProcessStreams` (batch mode: the real file descriptors) and
//! `MemoryStreams` (tests). The REPL, replay and lessons use `TerminalStreams`: a person is
//! at the terminal, so there is nothing to redirect.
use std::io::{self, Read, Write};

/// Why stdin cannot give an archive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum StdinRefusal {
    /// Stdin is a terminal (Docker: "requested load from stdin, but stdin is empty").
    Terminal,
    /// Stdin carries the batch script itself (`dockerlings < script`).
    Script,
}

pub trait ArchiveStreams {
    /// Stdout for archive bytes; None when it is a terminal.
    fn stdout(&mut self) -> Option<Box<dyn Write + '_>>;
    /// Stdin for archive bytes, or why it cannot be used.
    fn stdin(&mut self) -> Result<Box<dyn Read + '_>, StdinRefusal>;
}

/// A person at a terminal: nothing to write a tar to, nothing to read one from.
#[derive(Debug, Default, Clone, Copy)]
pub struct TerminalStreams;

impl ArchiveStreams for TerminalStreams {
    fn stdout(&mut self) -> Option<Box<dyn Write + '_>> {
        None
    }
    fn stdin(&mut self) -> Result<Box<dyn Read + '_>, StdinRefusal> {
        Err(StdinRefusal::Terminal)
    }
}

/// The real stdin/stdout of a batch run.
#[derive(Debug, Clone, Copy)]
pub struct ProcessStreams {
    pub stdout_is_terminal: bool,
    /// None when stdin is free to read; else why not.
    pub stdin_refusal: Option<StdinRefusal>,
}

impl ArchiveStreams for ProcessStreams {
    fn stdout(&mut self) -> Option<Box<dyn Write + '_>> {
        (!self.stdout_is_terminal).then(|| Box::new(io::stdout().lock()) as Box<dyn Write>)
    }
    fn stdin(&mut self) -> Result<Box<dyn Read + '_>, StdinRefusal> {
        match self.stdin_refusal {
            Some(why) => Err(why),
            None => Ok(Box::new(io::stdin().lock())),
        }
    }
}

/// In-memory streams for tests: `stdout` None acts as a terminal.
#[derive(Debug, Default, Clone)]
pub struct MemoryStreams {
    pub stdout: Option<Vec<u8>>,
    pub stdin: Option<io::Cursor<Vec<u8>>>,
    pub stdin_refusal: Option<StdinRefusal>,
}

impl ArchiveStreams for MemoryStreams {
    fn stdout(&mut self) -> Option<Box<dyn Write + '_>> {
        self.stdout
            .as_mut()
            .map(|v| Box::new(v) as Box<dyn Write + '_>)
    }
    fn stdin(&mut self) -> Result<Box<dyn Read + '_>, StdinRefusal> {
        if let Some(why) = self.stdin_refusal {
            return Err(why);
        }
        match self.stdin.as_mut() {
            Some(c) => Ok(Box::new(c)),
            None => Err(StdinRefusal::Terminal),
        }
    }
}
