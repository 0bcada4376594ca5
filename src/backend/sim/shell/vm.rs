//! The virtual machine: frames of compiled programs over shell contexts, a time position,
//! and a wait state. Everything is plain data so a process can be saved between engine calls.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

use super::compile::{Instr, compile};
use super::error::Flavour;
use super::parse::parse_script;
use super::{OutputChunk, Stream};
use crate::backend::sim::sys::Sys;

/// One shell's state: `sh -c` nested inside another gets its own (it is a child process).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ShellCtx {
    pub flavour: Flavour,
    pub vars: BTreeMap<String, String>,
    pub exported: BTreeSet<String>,
    pub cwd: String,
    /// Signal name ("TERM", "EXIT") → handler source; "" means ignore.
    pub traps: BTreeMap<String, String>,
    pub status: i32,
    /// `$0`, `$1`…
    pub args: Vec<String>,
}

impl ShellCtx {
    pub fn new(flavour: Flavour, env: &[(String, String)], cwd: &str, args: Vec<String>) -> Self {
        let mut vars: BTreeMap<String, String> = env.iter().cloned().collect();
        vars.entry("PWD".into()).or_insert_with(|| cwd.to_string());
        let exported = vars.keys().cloned().collect();
        ShellCtx {
            flavour,
            vars,
            exported,
            cwd: cwd.to_string(),
            traps: BTreeMap::new(),
            status: 0,
            args,
        }
    }

    /// A child process's view: exported variables only, no traps.
    pub fn child(&self, flavour: Flavour, args: Vec<String>) -> ShellCtx {
        ShellCtx::new(flavour, &self.exported_env(), &self.cwd, args)
    }

    pub fn exported_env(&self) -> Vec<(String, String)> {
        self.vars
            .iter()
            .filter(|(k, _)| self.exported.contains(*k))
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum FrameKind {
    /// A script; when it is the first frame of its shell, its end ends that shell.
    Script,
    /// An interactive shell's command loop: when the program ends it reads the next line.
    Prompt,
    /// A trap handler; `$?` is restored after it.
    Trap { saved_status: i32 },
    /// The EXIT trap, run while the shell exits with `code`.
    ExitTrap { code: i32 },
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ForLoop {
    pub items: Vec<String>,
    pub next: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Frame {
    pub program: Vec<Instr>,
    pub pc: usize,
    pub loops: Vec<ForLoop>,
    pub shell: usize,
    pub kind: FrameKind,
    /// Set by `exec CMD`: the shell ends as soon as CMD has finished.
    pub exit_after: bool,
    /// An interactive shell's unfinished multi-line input.
    pub pending_src: String,
}

impl Frame {
    pub fn new(program: Vec<Instr>, shell: usize, kind: FrameKind) -> Frame {
        Frame {
            program,
            pc: 0,
            loops: Vec::new(),
            shell,
            kind,
            exit_after: false,
            pending_src: String::new(),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Wait {
    Until(DateTime<Utc>),
    /// `read` into these variables, or (None) an interactive prompt.
    Input(Option<Vec<String>>),
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Finished {
    pub code: i32,
    pub at: DateTime<Utc>,
    pub oom_killed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Stdin {
    pub data: String,
    pub closed: bool,
}

/// Why `run` returned.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Stop {
    Sleeping(DateTime<Utc>),
    WaitingInput,
    /// The instruction budget ran out (a busy loop): still running.
    Busy,
    Finished,
}

/// Nested shells / subshells beyond this depth fail instead of exhausting memory.
pub const MAX_DEPTH: usize = 64;
/// Instruction budget of one command substitution or pipeline stage.
pub const SUBRUN_BUDGET: usize = 1_000_000;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Vm {
    pub shells: Vec<ShellCtx>,
    pub frames: Vec<Frame>,
    /// The process's own time position.
    pub now: DateTime<Utc>,
    pub wait: Option<Wait>,
    /// Signals with a trap, waiting to be handled: (name, time it was sent).
    pub pending_signals: Vec<(String, DateTime<Utc>)>,
    pub stdin: Stdin,
    pub pid: u32,
    pub base_bytes: u64,
    pub alloc_bytes: u64,
    pub memory_limit: Option<u64>,
    pub finished: Option<Finished>,
    pub output: Vec<OutputChunk>,
    /// Subshell nesting (command substitution, pipelines).
    pub depth: usize,
    /// Status of the last command substitution of the command being expanded.
    #[serde(default)]
    pub subst_status: Option<i32>,
}

impl Vm {
    pub fn shell_idx(&self) -> usize {
        self.frames.last().map(|f| f.shell).unwrap_or(0)
    }

    pub fn shell(&self) -> &ShellCtx {
        let idx = self.shell_idx().min(self.shells.len().saturating_sub(1));
        &self.shells[idx]
    }

    pub fn shell_mut(&mut self) -> &mut ShellCtx {
        let idx = self.shell_idx().min(self.shells.len().saturating_sub(1));
        &mut self.shells[idx]
    }

    pub fn emit(&mut self, stream: Stream, text: &str) {
        if text.is_empty() {
            return;
        }
        let at = self.now;
        match self.output.last_mut() {
            Some(last) if last.stream == stream && last.at == at => last.text.push_str(text),
            _ => self.output.push(OutputChunk {
                stream,
                text: text.to_string(),
                at,
            }),
        }
    }

    pub fn finish(&mut self, code: i32, oom_killed: bool) {
        if self.finished.is_none() {
            self.finished = Some(Finished {
                code,
                at: self.now,
                oom_killed,
            });
            self.frames.clear();
            self.wait = None;
        }
    }

    pub fn sleep_ms(&mut self, ms: u64) {
        let wake = self
            .now
            .checked_add_signed(Duration::milliseconds(ms.min(i64::MAX as u64) as i64))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        self.wait = Some(Wait::Until(wake));
    }

    /// Parse and compile `src` for the current shell; a syntax error is printed (exit 2).
    pub fn compile_or_report(&mut self, src: &str) -> Option<Vec<Instr>> {
        match parse_script(src) {
            Ok(list) => Some(compile(&list)),
            Err(e) => {
                let msg = e.render(self.shell().flavour);
                self.emit(Stream::Stderr, &msg);
                None
            }
        }
    }

    /// Ends shell `idx` (and everything it started) with `code`.
    pub fn exit_shell(&mut self, idx: usize, code: i32) {
        while self.frames.last().is_some_and(|f| f.shell >= idx) {
            self.frames.pop();
        }
        if idx == 0 {
            let handler = self.shells.first_mut().and_then(|s| s.traps.remove("EXIT"));
            match handler.filter(|h| !h.is_empty()) {
                Some(src) => match parse_script(&src) {
                    Ok(list) => {
                        let frame = Frame::new(compile(&list), 0, FrameKind::ExitTrap { code });
                        self.frames.push(frame);
                    }
                    Err(_) => self.finish(code, false),
                },
                None => self.finish(code, false),
            }
        } else {
            self.shells.truncate(idx);
            if let Some(parent) = self.shells.last_mut() {
                parent.status = code;
            }
        }
    }

    /// Takes one line (without its newline) from stdin: None when none is available yet or
    /// stdin is at its end (see `stdin.closed`).
    pub fn take_line(&mut self) -> Option<String> {
        if let Some(pos) = self.stdin.data.find('\n') {
            let line = self.stdin.data[..pos].to_string();
            self.stdin.data.drain(..=pos);
            return Some(line);
        }
        if self.stdin.closed && !self.stdin.data.is_empty() {
            return Some(std::mem::take(&mut self.stdin.data));
        }
        None
    }

    /// Runs until the process must wait past `until`, waits for input, finishes, or has
    /// executed `budget` instructions.
    pub fn run(&mut self, sys: &mut dyn Sys, until: DateTime<Utc>, budget: usize) -> Stop {
        let mut steps = 0;
        loop {
            if self.finished.is_some() {
                return Stop::Finished;
            }
            match self.wait.clone() {
                Some(Wait::Until(t)) => {
                    if t > until {
                        return Stop::Sleeping(t);
                    }
                    self.now = self.now.max(t);
                    self.wait = None;
                }
                Some(Wait::Input(vars)) if !self.resume_input(vars.clone()) => {
                    return Stop::WaitingInput;
                }
                Some(Wait::Input(_)) => {}
                None => {}
            }
            // Traps run between commands of PID 1's own shell: while a nested shell (a
            // child process) or a sleep runs, the signal waits, as in a real shell.
            if self.shell_idx() == 0 && !self.pending_signals.is_empty() {
                let (name, at) = self.pending_signals.remove(0);
                self.enter_trap(&name, at);
            }
            if steps >= budget {
                return Stop::Busy;
            }
            steps += 1;
            self.step(sys);
        }
    }

    /// True when the wait is over.
    fn resume_input(&mut self, vars: Option<Vec<String>>) -> bool {
        let signalled = self.shell_idx() == 0 && !self.pending_signals.is_empty();
        match vars {
            // The prompt: the frame's end reads the next line itself.
            None => {
                let ready = signalled || self.stdin.closed || self.stdin.data.contains('\n');
                if ready {
                    self.wait = None;
                }
                ready
            }
            Some(vars) => {
                if let Some(line) = self.take_line() {
                    self.assign_read(&vars, &line);
                    self.shell_mut().status = 0;
                } else if self.stdin.closed {
                    self.assign_read(&vars, "");
                    self.shell_mut().status = 1;
                } else if signalled {
                    self.shell_mut().status = 130;
                } else {
                    return false;
                }
                self.wait = None;
                true
            }
        }
    }

    pub fn assign_read(&mut self, vars: &[String], line: &str) {
        let names: Vec<String> = if vars.is_empty() {
            vec!["REPLY".to_string()]
        } else {
            vars.to_vec()
        };
        let mut rest = line.trim_start();
        let shell = self.shell_mut();
        for (i, name) in names.iter().enumerate() {
            let value = if i + 1 == names.len() {
                std::mem::take(&mut rest).trim_end().to_string()
            } else {
                let (word, tail) = rest.split_once(char::is_whitespace).unwrap_or((rest, ""));
                rest = tail.trim_start();
                word.to_string()
            };
            shell.vars.insert(name.clone(), value);
        }
    }

    fn enter_trap(&mut self, name: &str, at: DateTime<Utc>) {
        self.now = self.now.max(at);
        let Some(src) = self.shells.first().and_then(|s| s.traps.get(name)).cloned() else {
            return;
        };
        let saved_status = self.shells.first().map(|s| s.status).unwrap_or(0);
        if let Some(program) = self.compile_or_report(&src) {
            self.frames
                .push(Frame::new(program, 0, FrameKind::Trap { saved_status }));
        }
    }

    fn step(&mut self, sys: &mut dyn Sys) {
        let Some(frame) = self.frames.last_mut() else {
            let status = self.shells.first().map(|s| s.status).unwrap_or(0);
            self.finish(status, false);
            return;
        };
        if frame.exit_after {
            let (shell, status) = (frame.shell, self.shell().status);
            self.exit_shell(shell, status);
            return;
        }
        let Some(instr) = frame.program.get(frame.pc).cloned() else {
            self.end_frame();
            return;
        };
        frame.pc += 1;
        match instr {
            Instr::Run(cmd) => self.run_simple(sys, &cmd),
            Instr::Sync(cmds) => self.run_sync(sys, &cmds),
            Instr::Jump(t) => self.jump(t),
            Instr::JumpIfFail(t) => {
                if self.shell().status != 0 {
                    self.jump(t)
                }
            }
            Instr::JumpIfOk(t) => {
                if self.shell().status == 0 {
                    self.jump(t)
                }
            }
            Instr::Negate => {
                let shell = self.shell_mut();
                shell.status = i32::from(shell.status == 0);
            }
            Instr::SetStatus(s) => self.shell_mut().status = s,
            Instr::ForStart(items) => {
                let items = match items {
                    Some(words) => self.expand_words(sys, &words),
                    None => self.shell().args.iter().skip(1).cloned().collect(),
                };
                if let Some(frame) = self.frames.last_mut() {
                    frame.loops.push(ForLoop { items, next: 0 });
                }
            }
            Instr::ForNext { var, exit } => {
                let item = self.frames.last_mut().and_then(|f| {
                    let lp = f.loops.last_mut()?;
                    let item = lp.items.get(lp.next).cloned();
                    lp.next += 1;
                    item
                });
                match item {
                    Some(value) => {
                        self.shell_mut().vars.insert(var, value);
                    }
                    None => self.jump(exit),
                }
            }
            Instr::ForPop => {
                if let Some(frame) = self.frames.last_mut() {
                    frame.loops.pop();
                }
            }
        }
    }

    fn jump(&mut self, target: usize) {
        if let Some(frame) = self.frames.last_mut() {
            frame.pc = target;
        }
    }

    fn end_frame(&mut self) {
        let Some(frame) = self.frames.last() else {
            return;
        };
        let shell = frame.shell;
        match frame.kind.clone() {
            FrameKind::Trap { saved_status } => {
                self.frames.pop();
                if let Some(s) = self.shells.get_mut(shell) {
                    s.status = saved_status;
                }
            }
            FrameKind::ExitTrap { code } => self.finish(code, false),
            FrameKind::Prompt => self.prompt_next_line(),
            FrameKind::Script => {
                self.frames.pop();
                let shell_base = self.frames.last().is_none_or(|f| f.shell != shell);
                if shell_base {
                    let status = self.shells.get(shell).map(|s| s.status).unwrap_or(0);
                    self.exit_shell(shell, status);
                }
            }
        }
    }

    /// An interactive shell's loop: the next complete command from stdin, or wait.
    fn prompt_next_line(&mut self) {
        let Some(line) = self.take_line() else {
            if self.stdin.closed {
                let (shell, status) = (self.shell_idx(), self.shell().status);
                self.exit_shell(shell, status);
            } else {
                self.wait = Some(Wait::Input(None));
            }
            return;
        };
        let src = match self.frames.last_mut() {
            Some(frame) => {
                frame.pending_src.push_str(&line);
                frame.pending_src.push('\n');
                frame.pending_src.clone()
            }
            None => return,
        };
        let parsed = parse_script(&src);
        let flavour = self.shell().flavour;
        let Some(frame) = self.frames.last_mut() else {
            return;
        };
        match parsed {
            Ok(list) => {
                frame.program = compile(&list);
                frame.pc = 0;
                frame.loops.clear();
                frame.pending_src.clear();
            }
            Err(e) if e.is_incomplete() && !self.stdin.closed => {}
            Err(e) => {
                frame.pending_src.clear();
                frame.program.clear();
                self.emit(Stream::Stderr, &e.render(flavour));
                self.shell_mut().status = 2;
            }
        }
    }
}
