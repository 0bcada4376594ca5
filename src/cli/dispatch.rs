//! From a typed line to engine calls: parse, run each command, collect what it printed.
use super::lang::{self, Invocation, Verb};
use super::session::{LineOutcome, Session};
use crate::backend::ExecOpts;
use crate::engine::create::RunOptions;
use crate::engine::images::ImagesOptions;
use crate::engine::inspect::InspectType;
use crate::engine::logs::LogsOptions;
use crate::engine::ps::PsOptions;
use crate::engine::run::RunOutcome;
use crate::engine::stats::StatsOptions;
use crate::engine::{Engine, EngineError};
use crate::util::Output;
use crate::util::stdio::{ArchiveStreams, TerminalStreams};

/// Runs every command on the line; the line's exit status is the last command's.
pub fn run_line(session: &mut Session, line: &str) -> LineOutcome {
    let mut outcome = LineOutcome::default();
    let commands = match lang::split_commands(line) {
        Ok(c) => c,
        Err(e) => {
            outcome.output.errln(e.render(line).trim_end());
            outcome.exit = e.exit_code();
            return outcome;
        }
    };
    for cmd in &commands {
        let inv = match lang::parse_command(cmd) {
            Ok(inv) => inv,
            Err(e) => {
                outcome.output.errln(e.render(&cmd.text).trim_end());
                outcome.exit = e.exit_code();
                continue;
            }
        };
        let (out, code, quit) = run_invocation(session, &inv);
        outcome.output.append(out);
        outcome.exit = code;
        if session.opts.diagrams
            && let Some(d) = super::diagrams::after(session, &inv, code)
        {
            let prev = outcome.diagram.take().unwrap_or_default();
            outcome.diagram = Some(prev + &d);
        }
        if quit {
            outcome.quit = true;
            break;
        }
        // The rest of the line would be typed into the container's shell, not ours.
        if session.attached.is_some() {
            break;
        }
    }
    outcome
}

fn run_options(inv: &Invocation) -> RunOptions {
    let f = &inv.flags;
    RunOptions {
        image: inv.args.first().cloned().unwrap_or_default(),
        command: inv.args.iter().skip(1).cloned().collect(),
        name: f.string("name").map(str::to_string),
        detach: f.is_set("detach"),
        interactive: f.is_set("interactive"),
        tty: f.is_set("tty"),
        auto_remove: f.is_set("rm"),
        env: f.list("env").to_vec(),
        entrypoint: f.string("entrypoint").map(str::to_string),
        memory: f.bytes("memory"),
        workdir: f.string("workdir").map(str::to_string),
        user: f.string("user").map(str::to_string),
        hostname: f.string("hostname").map(str::to_string),
        network_host: f.string("network") == Some("host"),
    }
}

/// `run`'s failures are the client's: "docker: …" and "See 'docker run --help'.", exit 125
/// (or the 126/127 of a command that could not be started).
fn run_error(e: &EngineError, out: &mut Output, verb: &str) -> i32 {
    let text = e.to_string();
    let (first, rest) = match text.split_once('\n') {
        Some((a, b)) if text.starts_with("Unable to find image") => {
            (a.to_string(), Some(b.to_string()))
        }
        _ => (text.clone(), None),
    };
    match rest {
        Some(rest) => {
            out.errln(&first);
            out.errln(&format!("docker: {rest}"));
        }
        None => out.errln(&format!("docker: {first}")),
    }
    out.errln(&format!("See 'docker {verb} --help'."));
    match e {
        EngineError::NotRunnable { code, .. } => *code,
        _ => 125,
    }
}

/// Returns (what it printed, exit status, whether the session should end).
fn run_invocation(session: &mut Session, inv: &Invocation) -> (Output, i32, bool) {
    let mut out = Output::default();
    if inv.help {
        out.out(&lang::help::help_for_invocation(inv));
        return (out, 0, false);
    }
    let code = match inv.verb {
        Verb::Exit => return (out, session.last_exit, true),
        Verb::Help => {
            out.out(&lang::help::help_for_invocation(inv));
            0
        }
        Verb::Explain => {
            out.out(&crate::lesson::explain::explain(&inv.args));
            0
        }
        // A lesson plays on its own fresh state, never on the user's containers; the quiz
        // runs as a subcommand of its own.
        Verb::Lesson => match inv.args.first() {
            Some(name) => crate::lesson::repl::start(session, name, &mut out),
            None => {
                out.out(&crate::lesson::front::repl_lesson_list());
                0
            }
        },
        Verb::Quiz => {
            out.outln("run `dockerlings quiz` from your shell (`--topic T`, `--count N`)");
            0
        }
        Verb::Diagrams => {
            let on = inv.args.first().map(String::as_str) != Some("off");
            session.opts.diagrams = on;
            out.outln(if on { "diagrams: on" } else { "diagrams: off" });
            0
        }
        Verb::ShowLifecycle
        | Verb::ShowLayers
        | Verb::ShowCow
        | Verb::ShowMemory
        | Verb::ShowArch
        | Verb::ShowDisk
        | Verb::ShowNs => super::diagrams::show(session, inv, &mut out),
        Verb::Record => {
            let arg = inv.args.first().cloned().unwrap_or_default();
            session.record_command(&arg, &mut out)
        }
        Verb::Run | Verb::Create => run_or_create(session, inv, &mut out),
        Verb::Attach => super::attach::attach(session, inv, &mut out),
        Verb::Exec
            if inv.flags.is_set("interactive")
                && super::attach::streams(session, inv.flags.is_set("tty")) =>
        {
            super::attach::exec_streamed(session, inv, &mut out)
        }
        Verb::Start
            if inv.flags.is_set("attach")
                && inv.flags.is_set("interactive")
                && session.engine.runtime.streams() =>
        {
            super::attach::start_interactive(session, inv, &mut out)
        }
        Verb::ContainerPrune => {
            let confirmed = inv.flags.is_set("force");
            if !confirmed {
                out.outln("WARNING! This will remove all stopped containers.");
                out.outln("Are you sure you want to continue? [y/N] (dockerlings: answer with -f)");
            }
            engine_call(session, &mut out, |e, out| {
                Ok(e.cmd_container_prune(confirmed, out))
            })
        }
        Verb::ImagePrune => {
            let confirmed = inv.flags.is_set("force");
            let all = inv.flags.is_set("all");
            if !confirmed {
                out.outln(if all {
                    "WARNING! This will remove all images without at least one container associated to them."
                } else {
                    "WARNING! This will remove all dangling images."
                });
                out.outln("Are you sure you want to continue? [y/N] (dockerlings: answer with -f)");
            }
            engine_call(session, &mut out, |e, out| {
                Ok(e.cmd_image_prune(all, confirmed, out))
            })
        }
        Verb::Save | Verb::Load | Verb::Export | Verb::Import => {
            // A lesson's relative archive paths land in its own scratch dir.
            let inv = super::host_paths::in_host_dir(inv, session.host_dir.as_deref());
            // Archive verbs may stream through the process's stdin/stdout.
            let mut streams = std::mem::replace(&mut session.streams, Box::new(TerminalStreams));
            let code = engine_call(session, &mut out, |e, out| {
                Ok(archive_verb(e, &inv, streams.as_mut(), out))
            });
            session.streams = streams;
            code
        }
        _ => engine_call(session, &mut out, |e, out| Ok(engine_verb(e, inv, out))),
    };
    (out, code, false)
}

pub(super) fn engine_call(
    session: &mut Session,
    out: &mut Output,
    f: impl FnOnce(&mut Engine, &mut Output) -> crate::engine::EngineResult<i32>,
) -> i32 {
    let mut inner = Output::default();
    let result = session.with_engine(|e| f(e, &mut inner));
    out.append(inner);
    match result {
        Ok(code) => code,
        Err(e) => {
            out.errln(&e.to_string());
            e.exit_code()
        }
    }
}

fn run_or_create(session: &mut Session, inv: &Invocation, out: &mut Output) -> i32 {
    let o = run_options(inv);
    let verb = if inv.verb == Verb::Run {
        "run"
    } else {
        "create"
    };
    let mut inner = Output::default();
    let result = session.with_engine(|e| {
        if inv.verb == Verb::Create {
            return e.create(&o).map(|id| {
                inner.outln(&id);
                RunOutcome::Detached(id)
            });
        }
        e.run(&o, &mut inner)
    });
    out.append(inner);
    match result {
        Ok(RunOutcome::Detached(_)) => 0,
        Ok(RunOutcome::Exited { code, .. }) => code,
        Ok(RunOutcome::Interactive(id)) => {
            super::attach::after_interactive_run(session, id, o.tty, out)
        }
        Err(e) if inv.verb == Verb::Create && !matches!(e, EngineError::ImageNotLocal(_)) => {
            out.errln(&e.to_string());
            1
        }
        Err(e) => run_error(&e, out, verb),
    }
}

/// save, load, export, import: engine commands that may use stdin/stdout for the archive.
fn archive_verb(
    e: &mut Engine,
    inv: &Invocation,
    streams: &mut dyn ArchiveStreams,
    out: &mut Output,
) -> i32 {
    let f = &inv.flags;
    let args = &inv.args;
    let first = args.first().map(String::as_str).unwrap_or_default();
    match inv.verb {
        Verb::Save => e.cmd_save(args, f.string("output"), streams, out),
        Verb::Load => e.cmd_load(f.string("input"), f.is_set("quiet"), streams, out),
        Verb::Export => e.cmd_export(first, f.string("output"), streams, out),
        _ => e.cmd_import(
            first,
            args.get(1).map(String::as_str),
            f.string("message"),
            f.list("change"),
            streams,
            out,
        ),
    }
}

pub(super) fn exec_options(inv: &Invocation, stream: bool) -> ExecOpts {
    let f = &inv.flags;
    ExecOpts {
        env: f.list("env").to_vec(),
        workdir: f.string("workdir").map(str::to_string),
        user: f.string("user").map(str::to_string),
        tty: f.is_set("tty"),
        interactive: f.is_set("interactive"),
        stream,
    }
}

/// The verbs that map one-to-one onto an engine command.
fn engine_verb(e: &mut Engine, inv: &Invocation, out: &mut Output) -> i32 {
    let f = &inv.flags;
    let args = &inv.args;
    match inv.verb {
        Verb::Start => e.cmd_start(args, f.is_set("attach"), out),
        Verb::Stop => e.cmd_stop(args, f.int("time"), out),
        Verb::Restart => e.cmd_restart(args, f.int("time"), out),
        Verb::Kill => e.cmd_kill(
            args,
            f.given("signal").then(|| f.string("signal")).flatten(),
            out,
        ),
        Verb::Pause => e.cmd_pause(args, out),
        Verb::Unpause => e.cmd_unpause(args, out),
        Verb::Rm => e.cmd_rm(args, f.is_set("force"), out),
        Verb::Ps => e.cmd_ps(
            &PsOptions {
                all: f.is_set("all"),
                quiet: f.is_set("quiet"),
                no_trunc: f.is_set("no-trunc"),
                last: f.given("last").then(|| f.int("last")).flatten(),
                latest: f.is_set("latest"),
                filters: f.list("filter").to_vec(),
                format: f.string("format").map(str::to_string),
            },
            out,
        ),
        Verb::Exec => {
            let opts = exec_options(inv, false);
            let name = args.first().map(String::as_str).unwrap_or_default();
            e.cmd_exec(name, &args[1.min(args.len())..], &opts, out)
        }
        Verb::Logs => e.cmd_logs(
            args.first().map(String::as_str).unwrap_or_default(),
            &LogsOptions {
                follow: f.is_set("follow"),
                tail: f
                    .given("tail")
                    .then(|| f.string("tail").map(str::to_string))
                    .flatten(),
                timestamps: f.is_set("timestamps"),
            },
            out,
        ),
        Verb::Inspect => {
            let kind = match f.string("type") {
                Some("container") => InspectType::Container,
                Some("image") => InspectType::Image,
                Some(other) => {
                    out.errln(&format!("\"{other}\" is not a valid value for --type"));
                    return 1;
                }
                None => InspectType::Any,
            };
            e.cmd_inspect(args, f.string("format"), kind, out)
        }
        Verb::Images => e.cmd_images(
            &ImagesOptions {
                all: f.is_set("all"),
                quiet: f.is_set("quiet"),
                no_trunc: f.is_set("no-trunc"),
                format: f.string("format").map(str::to_string),
                repository: args.first().cloned(),
            },
            out,
        ),
        Verb::Tag => e.cmd_tag(&args[0], &args[1], out),
        Verb::Rmi => e.cmd_rmi(args, f.is_set("force"), out),
        Verb::Info => e.cmd_info(f.string("format"), out),
        Verb::Top => e.cmd_top(
            args.first().map(String::as_str).unwrap_or_default(),
            args.get(1..).unwrap_or_default(),
            out,
        ),
        Verb::Diff => e.cmd_diff(args.first().map(String::as_str).unwrap_or_default(), out),
        Verb::Stats => {
            if !f.is_set("no-stream") {
                out.errln("dockerlings: stats prints one sample here (as with --no-stream)");
            }
            e.cmd_stats(
                args,
                &StatsOptions {
                    all: f.is_set("all"),
                    no_trunc: f.is_set("no-trunc"),
                    format: f.string("format").map(str::to_string),
                },
                out,
            )
        }
        Verb::Commit => e.cmd_commit(
            &args[0],
            args.get(1).map(String::as_str),
            &crate::engine::commit::CommitOptions {
                message: f.string("message").map(str::to_string),
                author: f.string("author").map(str::to_string),
                changes: f.list("change").to_vec(),
                pause: f.is_set("pause"),
            },
            out,
        ),
        Verb::History => e.cmd_history(
            &args[0],
            &crate::engine::history::HistoryOptions {
                no_trunc: f.is_set("no-trunc"),
                quiet: f.is_set("quiet"),
                format: f.string("format").map(str::to_string),
            },
            out,
        ),
        Verb::Version => {
            out.outln("Client:");
            out.outln(&format!(
                " Version:           {} (dockerlings)",
                env!("CARGO_PKG_VERSION")
            ));
            out.outln(" API version:       1.41");
            out.outln("");
            out.outln("Server:");
            out.outln(&format!(
                " Engine:\n  Version:          20.10.24-dockerlings ({} backend)",
                e.backend().as_str()
            ));
            0
        }
        _ => {
            out.errln(&format!(
                "dockerlings: `{}` is not built yet — try `explain {}` to see what it would do",
                inv.command_path,
                inv.text.trim_start_matches("docker ").trim()
            ));
            1
        }
    }
}
