//! The interactive REPL (rustyline) and batch mode (`-c`, stdin).
use std::io::Write;
use std::path::PathBuf;

use rustyline::completion::{Completer, Pair};
use rustyline::error::ReadlineError;
use rustyline::highlight::Highlighter;
use rustyline::hint::Hinter;
use rustyline::validate::Validator;
use rustyline::{Context, Editor, Helper};

use super::lang;
use super::session::{LineOutcome, Session};

/// Prints what one line produced: stdout, stderr, then the diagram (stdout).
pub fn print_outcome(outcome: &LineOutcome) {
    let mut stdout = std::io::stdout().lock();
    let _ = stdout.write_all(outcome.output.stdout.as_bytes());
    let _ = stdout.flush();
    let mut stderr = std::io::stderr().lock();
    let _ = stderr.write_all(outcome.output.stderr.as_bytes());
    let _ = stderr.flush();
    if let Some(d) = &outcome.diagram {
        let _ = stdout.write_all(d.as_bytes());
        if !d.ends_with('\n') {
            let _ = stdout.write_all(b"\n");
        }
        let _ = stdout.flush();
    }
}

/// Batch mode: every line of `script` in turn; a failed command does not stop the script.
/// Returns the exit status of the last command.
pub fn run_batch(session: &mut Session, script: &str) -> i32 {
    let mut code = 0;
    for line in script.lines() {
        let outcome = session.feed_line(line);
        print_outcome(&outcome);
        // Empty and comment lines do not change the status of the script.
        if !line.trim().is_empty() && !line.trim_start().starts_with('#') {
            code = outcome.exit;
        }
        if outcome.quit {
            break;
        }
    }
    code
}

struct ReplHelper {
    containers: Vec<String>,
    images: Vec<String>,
}

impl Completer for ReplHelper {
    type Candidate = Pair;
    fn complete(
        &self,
        line: &str,
        pos: usize,
        _ctx: &Context<'_>,
    ) -> rustyline::Result<(usize, Vec<Pair>)> {
        let ctx = lang::complete::CompletionContext {
            containers: self.containers.clone(),
            images: self.images.clone(),
        };
        let (start, words) = lang::complete::complete(line, pos, &ctx);
        Ok((
            start,
            words
                .into_iter()
                .map(|w| Pair {
                    display: w.clone(),
                    replacement: w,
                })
                .collect(),
        ))
    }
}
impl Hinter for ReplHelper {
    type Hint = String;
}
impl Highlighter for ReplHelper {}
impl Validator for ReplHelper {}
impl Helper for ReplHelper {}

pub fn history_path() -> Option<PathBuf> {
    crate::cli::paths::user_data_dir().map(|d| d.join("history"))
}

pub fn run_repl(session: &mut Session, banner: &str) -> i32 {
    println!("{banner}");
    println!("Type `help` for commands, `lesson` for guided lessons, `exit` to leave.");
    let mut editor: Editor<ReplHelper, rustyline::history::DefaultHistory> = match Editor::new() {
        Ok(e) => e,
        Err(e) => {
            eprintln!("dockerlings: cannot open the terminal: {e}");
            return 1;
        }
    };
    let history = history_path();
    if let Some(h) = &history {
        let _ = editor.load_history(h);
    }
    loop {
        editor.set_helper(Some(ReplHelper {
            containers: session.engine.container_names(),
            images: session
                .engine
                .store
                .tags()
                .unwrap_or_default()
                .into_iter()
                .map(|(r, _)| r.familiar())
                .collect(),
        }));
        let prompt = session.prompt();
        match editor.readline(&prompt) {
            Ok(line) => {
                if !line.trim().is_empty() {
                    let _ = editor.add_history_entry(line.as_str());
                }
                let outcome = session.feed_line(&line);
                print_outcome(&outcome);
                if outcome.quit {
                    break;
                }
            }
            Err(ReadlineError::Interrupted) => continue,
            Err(ReadlineError::Eof) => {
                if session.attached.is_some() {
                    let outcome = session.feed_line("exit");
                    print_outcome(&outcome);
                    continue;
                }
                break;
            }
            Err(e) => {
                eprintln!("dockerlings: {e}");
                break;
            }
        }
    }
    if let Some(h) = &history {
        if let Some(dir) = h.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let _ = editor.save_history(h);
    }
    session.last_exit
}
