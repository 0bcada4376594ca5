//! The interface between the simulated shell (`shell/`) and the simulated system it runs on
//! (union filesystem + programs, `unionfs.rs`/`programs/`). The shell only sees `dyn Sys`, so
//! it can be tested with a fake.
use std::collections::BTreeMap;

/// What a program run produced.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ProgramResult {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
    /// Simulated time the program took, in milliseconds (0 for most).
    pub cost_ms: u64,
    /// Resident memory the program holds while it runs (bytes), for the memory model.
    pub resident_bytes: u64,
}

/// A process as `ps` inside the container shows it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProcInfo {
    pub pid: u32,
    pub user: String,
    pub command: String,
    /// Its controlling terminal (`pts/0`), or none: a container run without `-t`.
    pub tty: Option<String>,
}

/// The simulated system as the shell sees it. Paths are container paths (absolute, or
/// relative to `cwd`). Errors are the message a real tool would print after its name,
/// e.g. "No such file or directory".
pub trait Sys {
    fn read_file(&mut self, cwd: &str, path: &str) -> Result<Vec<u8>, String>;
    /// Create or truncate (append = false) or append to a file; copies up on write.
    fn write_file(
        &mut self,
        cwd: &str,
        path: &str,
        data: &[u8],
        append: bool,
    ) -> Result<(), String>;
    fn is_dir(&mut self, cwd: &str, path: &str) -> bool;
    /// Resolve a command name through PATH (or a path with '/'): the container path of the
    /// executable, or None when it is not found.
    fn find_program(&mut self, name: &str, path_env: &str, cwd: &str) -> Option<String>;
    /// Run a program (not a shell builtin) found by `find_program`.
    fn run_program(
        &mut self,
        program_path: &str,
        args: &[String],
        env: &BTreeMap<String, String>,
        cwd: &str,
        stdin: &str,
    ) -> ProgramResult;
    fn hostname(&self) -> String;
}
