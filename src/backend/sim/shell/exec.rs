//! Running commands: redirections, output routing, pipelines and subshells.
use chrono::{DateTime, Utc};

use super::Stream;
use super::ast::{Command, Pipeline, Redir, RedirOp, SimpleCmd};
use super::builtins::{Effect, Outcome, is_builtin};
use super::compile::{Instr, compile};
use super::error::Flavour;
use super::vm::{Frame, FrameKind, MAX_DEPTH, SUBRUN_BUDGET, ShellCtx, Stdin, Stop, Vm};
use crate::backend::sim::sys::Sys;

/// Where a file descriptor writes.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Sink {
    Stream(Stream),
    File(String),
    Null,
}

/// The descriptors of one command after its redirections.
#[derive(Debug, Clone)]
pub struct Io {
    /// None: inherited (a subshell's piped data, or the process's stdin).
    pub stdin: Option<String>,
    pub out: Sink,
    pub err: Sink,
}

/// What a subshell produced.
pub struct SubResult {
    pub stdout: String,
    pub stderr: String,
    pub status: i32,
}

fn open_failed(flavour: Flavour, verb: &str, path: &str, why: &str) -> String {
    match flavour {
        Flavour::Ash => format!("sh: can't {verb} '{path}': {why}\n"),
        Flavour::Bash => format!("bash: {path}: {why}\n"),
    }
}

impl Vm {
    pub fn open_redirs(
        &mut self,
        sys: &mut dyn Sys,
        redirs: &[Redir],
        stdin: Option<String>,
    ) -> Result<Io, String> {
        let mut io = Io {
            stdin,
            out: Sink::Stream(Stream::Stdout),
            err: Sink::Stream(Stream::Stderr),
        };
        let flavour = self.shell().flavour;
        for redir in redirs {
            let target = self.expand_single(sys, &redir.target);
            let cwd = self.shell().cwd.clone();
            let sink = match redir.op {
                RedirOp::In => {
                    if target != "/dev/null" {
                        let data = sys
                            .read_file(&cwd, &target)
                            .map_err(|why| open_failed(flavour, "open", &target, &why))?;
                        io.stdin = Some(String::from_utf8_lossy(&data).into_owned());
                    } else {
                        io.stdin = Some(String::new());
                    }
                    continue;
                }
                RedirOp::Dup => match target.as_str() {
                    "1" => io.out.clone(),
                    "2" => io.err.clone(),
                    _ => Sink::Null,
                },
                RedirOp::Out | RedirOp::Append if target == "/dev/null" => Sink::Null,
                RedirOp::Out | RedirOp::Append => {
                    let append = redir.op == RedirOp::Append;
                    sys.write_file(&cwd, &target, b"", append)
                        .map_err(|why| open_failed(flavour, "create", &target, &why))?;
                    Sink::File(target)
                }
            };
            match redir.fd {
                1 => io.out = sink,
                2 => io.err = sink,
                _ => {}
            }
        }
        Ok(io)
    }

    pub fn write_sink(&mut self, sys: &mut dyn Sys, sink: &Sink, text: &str) {
        if text.is_empty() {
            return;
        }
        match sink {
            Sink::Stream(stream) => self.emit(*stream, text),
            Sink::Null => {}
            Sink::File(path) => {
                let cwd = self.shell().cwd.clone();
                if let Err(why) = sys.write_file(&cwd, path, text.as_bytes(), true) {
                    let msg = open_failed(self.shell().flavour, "create", path, &why);
                    self.emit(Stream::Stderr, &msg);
                }
            }
        }
    }

    pub fn run_simple(&mut self, sys: &mut dyn Sys, cmd: &SimpleCmd) {
        self.subst_status = None;
        let mut assigns = Vec::new();
        for (name, word) in &cmd.assigns {
            assigns.push((name.clone(), self.expand_single(sys, word)));
        }
        let argv = self.expand_words(sys, &cmd.words);
        let io = match self.open_redirs(sys, &cmd.redirs, None) {
            Ok(io) => io,
            Err(msg) => {
                self.emit(Stream::Stderr, &msg);
                self.shell_mut().status = 1;
                return;
            }
        };
        if argv.is_empty() {
            // `$?` of a bare assignment is that of its last command substitution.
            let status = self.subst_status.unwrap_or(0);
            let shell = self.shell_mut();
            shell.status = status;
            for (name, value) in assigns {
                shell.vars.insert(name, value);
            }
            return;
        }
        // Only programs take inherited input (all of it); `read` takes one line itself and
        // other builtins leave it for the next reader.
        let program = argv.iter().find(|a| *a != "exec").map(String::as_str);
        let stdin = match &io.stdin {
            Some(data) => data.clone(),
            None if program.is_some_and(is_builtin) => String::new(),
            None => self.initial_stdin(),
        };
        let outcome = self.dispatch(sys, &argv, &assigns, &stdin);
        self.apply(sys, outcome, &io, &stdin);
    }

    /// The stdin a command inherits: a subshell's piped data (consumed by the first reader).
    fn initial_stdin(&mut self) -> String {
        if self.depth > 0 && self.stdin.closed {
            std::mem::take(&mut self.stdin.data)
        } else {
            String::new()
        }
    }

    fn apply(&mut self, sys: &mut dyn Sys, outcome: Outcome, io: &Io, stdin: &str) {
        self.write_sink(sys, &io.out, &outcome.stdout);
        self.write_sink(sys, &io.err, &outcome.stderr);
        self.shell_mut().status = outcome.status;
        if outcome.exec
            && let Some(frame) = self.frames.last_mut()
        {
            frame.exit_after = true;
        }
        match outcome.effect {
            Effect::None => {}
            Effect::Sleep(ms) => self.sleep_ms(ms),
            Effect::Exit(code) => {
                let idx = self.shell_idx();
                self.exit_shell(idx, code);
            }
            Effect::Read(vars) => match &io.stdin {
                // The run loop takes the line, or waits for one.
                None => self.wait = Some(super::vm::Wait::Input(Some(vars))),
                Some(data) => {
                    let line = data.lines().next().unwrap_or("").to_string();
                    self.assign_read(&vars, &line);
                    self.shell_mut().status = i32::from(data.is_empty());
                }
            },
            Effect::Source(program) => {
                let shell = self.shell_idx();
                self.frames
                    .push(Frame::new(program, shell, FrameKind::Script));
            }
            Effect::Shell(ctx, body) => self.start_shell(sys, *ctx, body, io, stdin),
        }
    }

    /// A nested `sh -c` runs in this VM (it can sleep) unless its output is redirected or it
    /// reads piped input, in which case it runs to completion as a subshell.
    fn start_shell(
        &mut self,
        sys: &mut dyn Sys,
        ctx: ShellCtx,
        body: ShellBody,
        io: &Io,
        stdin: &str,
    ) {
        if self.shells.len() >= MAX_DEPTH {
            self.emit(Stream::Stderr, "sh: too many nested shells\n");
            self.shell_mut().status = 2;
            return;
        }
        let plain = io.out == Sink::Stream(Stream::Stdout)
            && io.err == Sink::Stream(Stream::Stderr)
            && stdin.is_empty();
        match body {
            ShellBody::Script(program) if plain => {
                self.shells.push(ctx);
                let idx = self.shells.len() - 1;
                self.frames
                    .push(Frame::new(program, idx, FrameKind::Script));
            }
            ShellBody::Script(program) => {
                let result = self.subrun_in(sys, ctx, program, stdin.to_string());
                self.write_sink(sys, &io.out, &result.stdout);
                self.write_sink(sys, &io.err, &result.stderr);
                self.shell_mut().status = result.status;
            }
            ShellBody::Interactive if stdin.is_empty() && self.depth == 0 => {
                self.shells.push(ctx);
                let idx = self.shells.len() - 1;
                self.frames
                    .push(Frame::new(Vec::new(), idx, FrameKind::Prompt));
            }
            ShellBody::Interactive => match self.compile_or_report(stdin) {
                Some(program) => {
                    let result = self.subrun_in(sys, ctx, program, String::new());
                    self.write_sink(sys, &io.out, &result.stdout);
                    self.write_sink(sys, &io.err, &result.stderr);
                    self.shell_mut().status = result.status;
                }
                None => self.shell_mut().status = 2,
            },
        }
    }

    /// A pipeline (stdout of each stage is stdin of the next) or a compound command with
    /// redirections, each stage run to completion in a subshell.
    pub fn run_sync(&mut self, sys: &mut dyn Sys, cmds: &[Command]) {
        let mut piped = self.initial_stdin();
        let mut status = 0;
        for cmd in cmds {
            let redirs = cmd.compound_redirs();
            let io = match self.open_redirs(sys, redirs, Some(std::mem::take(&mut piped))) {
                Ok(io) => io,
                Err(msg) => {
                    self.emit(Stream::Stderr, &msg);
                    status = 1;
                    continue;
                }
            };
            let list = vec![super::ast::AndOr {
                first: Pipeline {
                    negate: false,
                    cmds: vec![strip_redirs(cmd)],
                },
                rest: Vec::new(),
            }];
            let ctx = self.shell().clone();
            let stdin = io.stdin.clone().unwrap_or_default();
            let result = self.subrun_in(sys, ctx, compile(&list), stdin);
            self.write_sink(sys, &io.err, &result.stderr);
            if io.out == Sink::Stream(Stream::Stdout) {
                piped = result.stdout;
            } else {
                self.write_sink(sys, &io.out, &result.stdout);
            }
            status = result.status;
        }
        self.emit(Stream::Stdout, &piped);
        self.shell_mut().status = status;
    }

    pub fn subrun(&mut self, sys: &mut dyn Sys, program: Vec<Instr>, stdin: String) -> SubResult {
        let ctx = self.shell().clone();
        self.subrun_in(sys, ctx, program, stdin)
    }

    /// Runs `program` in a copy of this process (a subshell) to completion; its sleeps pass
    /// on this process's clock.
    pub fn subrun_in(
        &mut self,
        sys: &mut dyn Sys,
        mut ctx: ShellCtx,
        program: Vec<Instr>,
        stdin: String,
    ) -> SubResult {
        if self.depth >= MAX_DEPTH {
            return SubResult {
                stdout: String::new(),
                stderr: "sh: too many nested subshells\n".into(),
                status: 2,
            };
        }
        ctx.traps.clear();
        let mut sub = Vm {
            shells: vec![ctx],
            frames: vec![Frame::new(program, 0, FrameKind::Script)],
            now: self.now,
            wait: None,
            pending_signals: Vec::new(),
            stdin: Stdin {
                data: stdin,
                closed: true,
            },
            pid: self.pid,
            base_bytes: 0,
            alloc_bytes: 0,
            memory_limit: None,
            finished: None,
            output: Vec::new(),
            depth: self.depth + 1,
            subst_status: None,
        };
        let stop = sub.run(sys, DateTime::<Utc>::MAX_UTC, SUBRUN_BUDGET);
        self.now = self.now.max(sub.now);
        let mut result = SubResult {
            stdout: String::new(),
            stderr: String::new(),
            status: sub.finished.map(|f| f.code).unwrap_or(1),
        };
        for chunk in sub.output {
            match chunk.stream {
                Stream::Stdout => result.stdout.push_str(&chunk.text),
                Stream::Stderr => result.stderr.push_str(&chunk.text),
            }
        }
        if stop != Stop::Finished {
            result
                .stderr
                .push_str("sh: subshell did not finish (loop without end?)\n");
        }
        result
    }
}

/// What a nested shell runs.
#[derive(Debug, Clone)]
pub enum ShellBody {
    Script(Vec<Instr>),
    /// No script: commands come from stdin.
    Interactive,
}

fn strip_redirs(cmd: &Command) -> Command {
    match cmd.clone() {
        Command::If {
            branches,
            otherwise,
            ..
        } => Command::If {
            branches,
            otherwise,
            redirs: Vec::new(),
        },
        Command::Loop {
            until, cond, body, ..
        } => Command::Loop {
            until,
            cond,
            body,
            redirs: Vec::new(),
        },
        Command::For {
            var, items, body, ..
        } => Command::For {
            var,
            items,
            body,
            redirs: Vec::new(),
        },
        Command::Group { body, .. } => Command::Group {
            body,
            redirs: Vec::new(),
        },
        simple => simple,
    }
}
