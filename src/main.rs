//! The `dockerlings` binary: flags and subcommands; everything else lives in the library.
use std::io::{IsTerminal, Read};
use std::path::PathBuf;
use std::process::ExitCode;

use anyhow::Context;
use clap::{Parser, Subcommand, ValueEnum};

use dockerlings::cli::SessionOptions;
use dockerlings::cli::repl::{run_batch, run_repl};
use dockerlings::cli::start::{BackendChoice, choose_backend, open_session, root_or_default};
use dockerlings::render::style::Style;
use dockerlings::util::stdio::{ProcessStreams, StdinRefusal};

#[derive(Debug, Clone, Copy, ValueEnum)]
enum BackendArg {
    Sim,
    Linux,
    Auto,
}

#[derive(Debug, Clone, Copy, ValueEnum)]
enum ColorArg {
    Auto,
    Always,
    Never,
}

/// Learn Docker by doing it: a REPL whose docker commands run for real (overlayfs,
/// namespaces, cgroups) or in a faithful simulator, explained with diagrams.
#[derive(Debug, Parser)]
#[command(name = "dockerlings", version, about)]
struct Cli {
    /// Which backend carries the commands out.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    backend: BackendArg,
    /// State directory (default: per backend, see README).
    #[arg(long, env = "DOCKERLINGS_ROOT", global = true)]
    root: Option<PathBuf>,
    /// Run this script (commands separated by `;` or newlines), print, exit.
    #[arg(short = 'c', long = "command", value_name = "SCRIPT")]
    command: Option<String>,
    /// Colour: auto (a terminal and no NO_COLOR), always, never.
    #[arg(long, value_enum, default_value = "auto", global = true)]
    color: ColorArg,
    /// Draw diagrams after state-changing commands (default: on in the REPL, off in batch).
    #[arg(long, global = true, overrides_with = "no_diagrams")]
    diagrams: bool,
    #[arg(long, global = true)]
    no_diagrams: bool,
    /// Draw diagrams with plain ASCII (+-|>) instead of box-drawing characters (also when
    /// TERM=dumb or the locale is not UTF-8).
    #[arg(long, global = true)]
    ascii: bool,
    /// Fixed clock and seeded ids (for transcripts and tests).
    #[arg(long, env = "DOCKERLINGS_DETERMINISTIC", global = true, value_parser = clap::builder::BoolishValueParser::new(), num_args = 0, default_missing_value = "true")]
    deterministic: Option<bool>,
    #[command(subcommand)]
    sub: Option<Sub>,
}

#[derive(Debug, Subcommand)]
enum Sub {
    /// Open the REPL (the default).
    Repl,
    /// Replay transcripts, each on a fresh root, and compare; exit 1 and a diff on any
    /// mismatch.
    Replay {
        /// Transcript files (say, transcripts/*.txt).
        #[arg(required = true, value_name = "FILE")]
        files: Vec<PathBuf>,
        /// Rewrite a transcript with what the program prints now.
        #[arg(long)]
        update: bool,
        /// How many transcripts replay at once (default: one per core on the simulator,
        /// one on the kernel).
        #[arg(short = 'j', long, value_name = "N")]
        jobs: Option<usize>,
    },
    /// A guided lesson (practice: you type; --demo: it plays itself), or --list them.
    Lesson {
        /// A lesson name from `--list`, or the path of a lesson file.
        #[arg(required_unless_present_any = ["list", "export_progress"])]
        name: Option<String>,
        #[arg(long)]
        list: bool,
        /// Write every lesson's progress to FILE for a teacher: CSV, or JUnit XML if FILE
        /// ends in .xml.
        #[arg(long, value_name = "FILE")]
        export_progress: Option<PathBuf>,
        #[arg(long)]
        demo: bool,
        /// Seconds between demo pieces (default: 1.5 on a terminal, 3 with --presenter, none
        /// when stdout is not a terminal).
        #[arg(long, value_name = "SECS")]
        pace: Option<f64>,
        /// For a projector: step titles in block letters, high contrast (bold reverse video
        /// unless colour is off), a slower demo, solutions hidden until asked.
        #[arg(long)]
        presenter: bool,
    },
    /// A few questions, chosen by spaced review of what you got wrong.
    Quiz {
        #[arg(long)]
        topic: Option<String>,
        #[arg(long, default_value_t = 5)]
        count: usize,
    },
    /// The per-container monitor (internal).
    #[command(name = "__monitor", hide = true)]
    Monitor {
        #[arg(trailing_var_arg = true, allow_hyphen_values = true)]
        args: Vec<String>,
    },
}

fn main() -> ExitCode {
    let result = real_main();
    dockerlings::util::testpoint::report_syncs();
    match result {
        Ok(code) => ExitCode::from(u8::try_from(code.clamp(0, 255)).unwrap_or(1)),
        Err(e) => {
            eprintln!("dockerlings: {e:#}");
            ExitCode::from(1)
        }
    }
}

/// Box-drawing characters only where the terminal can show them.
fn unicode_terminal() -> bool {
    if std::env::var("TERM").is_ok_and(|t| t == "dumb") {
        return false;
    }
    let locale = ["LC_ALL", "LC_CTYPE", "LANG"]
        .iter()
        .find_map(|k| std::env::var(k).ok().filter(|v| !v.is_empty()));
    match locale {
        Some(l) => {
            let l = l.to_ascii_lowercase();
            l.contains("utf-8") || l.contains("utf8")
        }
        // No locale at all: modern terminals are UTF-8.
        None => true,
    }
}

/// `--color`: auto means a terminal and no NO_COLOR.
fn wants_color(arg: ColorArg) -> bool {
    match arg {
        ColorArg::Always => true,
        ColorArg::Never => false,
        ColorArg::Auto => std::io::stdout().is_terminal() && std::env::var_os("NO_COLOR").is_none(),
    }
}

fn terminal_width() -> usize {
    terminal_size::terminal_size()
        .map(|(w, _)| usize::from(w.0))
        .unwrap_or(80)
}

fn real_main() -> anyhow::Result<i32> {
    let cli = Cli::parse();
    if let Some(Sub::Monitor { args }) = &cli.sub {
        return Ok(dockerlings::backend::linux::monitor_main(args));
    }
    let choice = match cli.backend {
        BackendArg::Sim => BackendChoice::Sim,
        BackendArg::Linux => BackendChoice::Linux,
        BackendArg::Auto => BackendChoice::Auto,
    };
    if let Some(Sub::Replay {
        files,
        update,
        jobs,
    }) = &cli.sub
    {
        use dockerlings::transcript::replay_files::{default_jobs, replay_command};
        let kind = match cli.backend {
            BackendArg::Linux => dockerlings::backend::BackendKind::Linux,
            _ => dockerlings::backend::BackendKind::Sim,
        };
        let jobs = jobs.unwrap_or_else(|| default_jobs(kind));
        return Ok(replay_command(files, kind, *update, jobs));
    }
    match &cli.sub {
        Some(Sub::Lesson { list: true, .. }) => {
            return Ok(dockerlings::lesson::front::list_lessons());
        }
        Some(Sub::Lesson {
            export_progress: Some(file),
            ..
        }) => {
            return Ok(dockerlings::lesson::front::export_progress(file));
        }
        Some(Sub::Lesson {
            name: Some(name),
            demo,
            pace,
            presenter,
            ..
        }) => {
            let presenter = presenter.then(|| dockerlings::lesson::presenter::Presenter {
                color: wants_color(cli.color),
                ascii: cli.ascii || !unicode_terminal(),
                width: terminal_width(),
            });
            // Plain text at the terminal's width; box-drawing unless --ascii or no UTF-8.
            let style = Style::plain(terminal_width(), cli.ascii || !unicode_terminal());
            return Ok(dockerlings::lesson::front::lesson_main(
                name, *demo, *pace, choice, presenter, style,
            ));
        }
        Some(Sub::Quiz { topic, count }) => {
            return Ok(dockerlings::lesson::front::quiz_main(
                topic.as_deref(),
                *count,
                choice,
            ));
        }
        _ => {}
    }
    let (kind, fallback) = choose_backend(choice).map_err(anyhow::Error::msg)?;
    let root = root_or_default(cli.root.clone(), kind);
    let stdin_is_tty = std::io::stdin().is_terminal();
    let batch = cli.command.is_some() || !stdin_is_tty;
    let color = wants_color(cli.color);
    let width = terminal_width();
    let diagrams = if cli.diagrams {
        true
    } else if cli.no_diagrams {
        false
    } else {
        !batch
    };
    let opts = SessionOptions {
        diagrams,
        style: Style {
            width,
            color,
            ascii: cli.ascii || !unicode_terminal(),
        },
        interactive: !batch,
        stdin_free: cli.command.is_some(),
    };
    let deterministic = cli.deterministic.unwrap_or(false);
    let mut session = open_session(&root, kind, deterministic, opts)
        .with_context(|| format!("opening the state in {}", root.display()))?;
    if batch {
        if let Some(why) = &fallback {
            eprintln!("dockerlings: {why}");
        }
        // Archives may stream through stdout (save, export) and stdin (load, import -):
        // stdin is free when the script comes from -c.
        session.streams = Box::new(ProcessStreams {
            stdout_is_terminal: std::io::stdout().is_terminal(),
            stdin_refusal: if stdin_is_tty {
                Some(StdinRefusal::Terminal)
            } else if cli.command.is_none() {
                Some(StdinRefusal::Script)
            } else {
                None
            },
        });
        let script = match &cli.command {
            Some(s) => s.clone(),
            None => {
                let mut s = String::new();
                std::io::stdin()
                    .read_to_string(&mut s)
                    .context("reading the script from stdin")?;
                s
            }
        };
        return Ok(run_batch(&mut session, &script));
    }
    let banner = match &fallback {
        Some(why) => format!("dockerlings — learn Docker by doing it  [backend: sim — {why}]"),
        None => format!(
            "dockerlings — learn Docker by doing it  [backend: {}]",
            kind.as_str()
        ),
    };
    Ok(run_repl(&mut session, &banner))
}
