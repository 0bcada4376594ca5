//! `SimProcess`: the public face of the interpreter for the engine and the sim runtime.
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::ast::{SimpleCmd, Word, WordPart};
use super::compile::{Instr, compile};
use super::error::{Flavour, SpawnError, base_name};
use super::parse::parse_script;
use super::vm::{Frame, FrameKind, ShellCtx, Stdin, Stop, Vm, Wait};
use super::{Advance, ProcState, SignalOutcome, Stream, signals};
use crate::backend::sim::sys::Sys;

/// Instructions one `advance` may execute before reporting a busy process as Running.
pub const STEP_BUDGET: usize = 100_000;

// Modelled resident sizes (not measured here; in the range `ps` shows for these programs).
const KIB: u64 = 1024;
/// busybox ash: ~0.4 MiB.
pub const ASH_BYTES: u64 = 400 * KIB;
/// bash: ~3.6 MiB.
pub const BASH_BYTES: u64 = 3686 * KIB;
/// busybox/coreutils sleep: ~0.3 MiB.
pub const SLEEP_BYTES: u64 = 300 * KIB;
/// Any other program.
pub const OTHER_BYTES: u64 = 512 * KIB;

fn is_shell(name: &str) -> bool {
    matches!(name, "sh" | "bash" | "ash" | "dash")
}

fn base_bytes(argv0: &str) -> u64 {
    match base_name(argv0) {
        "sh" | "ash" | "dash" => ASH_BYTES,
        "bash" => BASH_BYTES,
        "sleep" => SLEEP_BYTES,
        _ => OTHER_BYTES,
    }
}

/// Checks that need the filesystem, done at the first `advance`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct StartPlan {
    argv0: String,
    /// `sh FILE`: the script to read.
    script_file: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimProcess {
    vm: Vm,
    start: Option<StartPlan>,
    not_found: Option<String>,
}

impl SimProcess {
    /// A container's main process (PID 1). `argv` is the container's command: a shell
    /// (`sh -c '…'`, `bash`, `sh script.sh`) or a bare program (`sleep 100`, `ls -l /`).
    /// Whether argv[0] exists is checked at the first `advance` (→ `ProcState::NotFound`).
    pub fn spawn(
        argv: &[String],
        env: Vec<(String, String)>,
        cwd: &str,
        interactive: bool,
        started_at: DateTime<Utc>,
        memory_limit: Option<u64>,
    ) -> Result<SimProcess, SpawnError> {
        let Some(argv0) = argv.first() else {
            return Err(SpawnError::EmptyArgv);
        };
        let mut env = env;
        if !env.iter().any(|(k, _)| k == "HOME") {
            env.push(("HOME".into(), "/root".into()));
        }
        let cwd = if cwd.is_empty() { "/" } else { cwd };
        let flavour = Flavour::from_argv0(argv0);
        let mut vm = Vm {
            shells: Vec::new(),
            frames: Vec::new(),
            now: started_at,
            wait: None,
            pending_signals: Vec::new(),
            stdin: Stdin {
                data: String::new(),
                closed: !interactive,
            },
            pid: 1,
            base_bytes: base_bytes(argv0),
            alloc_bytes: 0,
            memory_limit,
            finished: None,
            output: Vec::new(),
            depth: 0,
            subst_status: None,
        };
        let mut start = StartPlan {
            argv0: argv0.clone(),
            script_file: None,
        };
        if is_shell(base_name(argv0)) {
            let (script, positional) = shell_args(argv);
            let positional = if positional.is_empty() {
                vec![argv0.clone()]
            } else {
                positional
            };
            vm.shells
                .push(ShellCtx::new(flavour, &env, cwd, positional.clone()));
            let frame = match script {
                Some(src) => match parse_script(&src) {
                    Ok(list) => Frame::new(compile(&list), 0, FrameKind::Script),
                    Err(e) => {
                        vm.emit(Stream::Stderr, &e.render(flavour));
                        vm.shells[0].status = 2;
                        Frame::new(Vec::new(), 0, FrameKind::Script)
                    }
                },
                None if positional.len() > 1 || positional[0] != *argv0 => {
                    start.script_file = Some(positional[0].clone());
                    Frame::new(Vec::new(), 0, FrameKind::Script)
                }
                None => Frame::new(Vec::new(), 0, FrameKind::Prompt),
            };
            vm.frames.push(frame);
        } else {
            // A bare program: one command, run with the shell's builtin semantics where
            // there are some (echo, sleep…), else through `Sys`.
            vm.shells
                .push(ShellCtx::new(Flavour::Ash, &env, cwd, vec![argv0.clone()]));
            let words = argv
                .iter()
                .map(|a| Word(vec![WordPart::Quoted(a.clone())]))
                .collect();
            let cmd = SimpleCmd {
                words,
                ..SimpleCmd::default()
            };
            vm.frames
                .push(Frame::new(vec![Instr::Run(cmd)], 0, FrameKind::Script));
        }
        Ok(SimProcess {
            vm,
            start: Some(start),
            not_found: None,
        })
    }

    /// Marks the process as not PID 1 (e.g. `docker exec`): signals without a trap then take
    /// their default action (death, 128+sig) instead of being ignored as by a namespace init.
    pub fn with_pid(mut self, pid: u32) -> SimProcess {
        self.vm.pid = pid;
        self
    }

    pub fn is_pid1(&self) -> bool {
        self.vm.pid == 1
    }

    /// The process's own time position (how far it has run).
    pub fn now(&self) -> DateTime<Utc> {
        self.vm.now
    }

    /// Runs until the process must sleep past `until`, blocks for input, finishes, or has
    /// used its instruction budget (a busy loop: Running with no wake time).
    pub fn advance(&mut self, sys: &mut dyn Sys, until: DateTime<Utc>) -> Advance {
        if let Some(plan) = self.start.take() {
            self.first_start(sys, plan);
        }
        if let Some(message) = &self.not_found {
            return Advance {
                output: Vec::new(),
                state: ProcState::NotFound {
                    message: message.clone(),
                },
            };
        }
        let stop = self.vm.run(sys, until, STEP_BUDGET);
        let output = std::mem::take(&mut self.vm.output);
        let state = match (stop, self.vm.finished) {
            (_, Some(f)) => ProcState::Exited {
                code: f.code,
                at: f.at,
                oom_killed: f.oom_killed,
            },
            (Stop::Sleeping(t), None) => ProcState::Running { wake_at: Some(t) },
            (Stop::WaitingInput, None) => ProcState::WaitingForInput,
            (Stop::Busy | Stop::Finished, None) => ProcState::Running { wake_at: None },
        };
        Advance { output, state }
    }

    fn first_start(&mut self, sys: &mut dyn Sys, plan: StartPlan) {
        let path = self.vm.path_env();
        let cwd = self.vm.shell().cwd.clone();
        if sys.find_program(&plan.argv0, &path, &cwd).is_none() {
            self.not_found = Some(format!(
                "exec: \"{}\": executable file not found in $PATH",
                plan.argv0
            ));
            return;
        }
        let Some(file) = plan.script_file else {
            return;
        };
        let flavour = self.vm.shell().flavour;
        match sys.read_file(&cwd, &file) {
            Ok(data) => {
                let src = String::from_utf8_lossy(&data).into_owned();
                if let Some(program) = self.vm.compile_or_report(&src)
                    && let Some(frame) = self.vm.frames.first_mut()
                {
                    frame.program = program;
                } else {
                    self.vm.shell_mut().status = 2;
                }
            }
            Err(why) => {
                let (msg, code) = match flavour {
                    Flavour::Ash => (format!("sh: can't open '{file}': {why}\n"), 2),
                    Flavour::Bash => (format!("bash: {file}: {why}\n"), 127),
                };
                self.vm.emit(Stream::Stderr, &msg);
                self.vm.shell_mut().status = code;
            }
        }
    }

    /// Delivers signal `sig` sent at `at`. SIGKILL always kills (137). Otherwise a trap runs
    /// at the next `advance` (a running `sleep` finishes first, as with a real shell waiting
    /// for its foreground child); without a trap PID 1 ignores the signal (the kernel applies
    /// no default action to a namespace's init), any other process dies with 128+sig.
    pub fn signal(&mut self, sig: i32, at: DateTime<Utc>) -> SignalOutcome {
        if self.vm.finished.is_some() || self.not_found.is_some() {
            return SignalOutcome::Ignored;
        }
        let kill = |vm: &mut Vm, code: i32| {
            vm.now = vm.now.max(at);
            vm.finish(code, false);
            SignalOutcome::Killed { code }
        };
        if sig == 9 {
            return kill(&mut self.vm, 137);
        }
        let name = signals::name_of(sig).map(str::to_string);
        let trap = name
            .as_ref()
            .and_then(|n| self.vm.shells.first().and_then(|s| s.traps.get(n)));
        match (trap, name) {
            (Some(handler), _) if handler.is_empty() => SignalOutcome::Ignored,
            (Some(_), Some(name)) => {
                self.vm.pending_signals.push((name, at));
                SignalOutcome::Handled
            }
            _ if self.is_pid1() || signals::ignored_by_default(sig) => SignalOutcome::Ignored,
            _ => kill(&mut self.vm, 128 + sig),
        }
    }

    /// A line typed at the process's stdin (without its newline), then runs up to `now`.
    pub fn feed_line(&mut self, sys: &mut dyn Sys, line: &str, now: DateTime<Utc>) -> Advance {
        self.vm.stdin.data.push_str(line);
        self.vm.stdin.data.push('\n');
        // Input arriving wakes a reader at `now`; a sleeping process keeps its schedule.
        if !matches!(self.vm.wait, Some(Wait::Until(_))) {
            self.vm.now = self.vm.now.max(now);
        }
        self.advance(sys, now)
    }

    /// Ctrl-D: stdin reaches its end (an interactive shell then exits with `$?`).
    pub fn close_stdin(&mut self, sys: &mut dyn Sys, now: DateTime<Utc>) -> Advance {
        self.vm.stdin.closed = true;
        self.advance(sys, now)
    }

    /// The interactive prompt of the shell currently reading: busybox `/tmp # `, bash
    /// `root@<hostname>:/tmp# ` (the home directory shown as `~`).
    pub fn prompt(&self, sys: &dyn Sys) -> String {
        let shell = self.vm.shell();
        let home = shell
            .vars
            .get("HOME")
            .map(String::as_str)
            .unwrap_or("/root");
        let cwd = match shell.cwd.strip_prefix(home) {
            Some(rest) if home != "/" && (rest.is_empty() || rest.starts_with('/')) => {
                format!("~{rest}")
            }
            _ => shell.cwd.clone(),
        };
        match shell.flavour {
            Flavour::Ash => format!("{cwd} # "),
            Flavour::Bash => format!("root@{}:{cwd}# ", sys.hostname()),
        }
    }

    /// Modelled resident memory: the program's base size plus what `alloc` holds; 0 once
    /// the process has exited.
    pub fn resident_bytes(&self) -> u64 {
        if self.vm.finished.is_some() || self.not_found.is_some() {
            return 0;
        }
        self.vm.base_bytes + self.vm.alloc_bytes
    }
}

/// `sh [-opts] -c SCRIPT [NAME ARGS…]` / `sh FILE ARGS…` / `sh`: the script and `$0…`.
fn shell_args(argv: &[String]) -> (Option<String>, Vec<String>) {
    let mut rest = argv.get(1..).unwrap_or(&[]);
    while let Some((first, tail)) = rest.split_first() {
        if first == "-c" {
            return match tail.split_first() {
                Some((src, positional)) => (Some(src.clone()), positional.to_vec()),
                None => (Some(String::new()), Vec::new()),
            };
        }
        if first.starts_with('-') && first.len() > 1 {
            rest = tail;
        } else {
            break;
        }
    }
    (None, rest.to_vec())
}

/// Runs a command to its end (`docker exec` without -d): sleeps are passed instantly on the
/// process's own clock, so the result's exit time says how long it took. Gives up (state
/// Running/WaitingForInput) after `max_rounds` busy rounds or when it waits for input.
pub fn run_to_completion(
    argv: &[String],
    env: Vec<(String, String)>,
    cwd: &str,
    sys: &mut dyn Sys,
    now: DateTime<Utc>,
    pid: u32,
) -> Result<(Advance, SimProcess), SpawnError> {
    let mut process = SimProcess::spawn(argv, env, cwd, false, now, None)?.with_pid(pid);
    let mut output = Vec::new();
    let mut busy_rounds = 0;
    loop {
        let advance = process.advance(sys, DateTime::<Utc>::MAX_UTC);
        output.extend(advance.output);
        match advance.state {
            ProcState::Running { wake_at: None } if busy_rounds < 10 => busy_rounds += 1,
            state => return Ok((Advance { output, state }, process)),
        }
    }
}
