//! The `dockerlings lesson` and `dockerlings quiz` subcommands: choosing the lesson and the
//! backend, reading the student's lines, pacing the demo, keeping progress per user.
use std::io::{BufRead, IsTerminal, Write};
use std::path::{Path, PathBuf};
use std::time::Duration;

use super::catalog::{LESSONS, builtin_lesson, builtin_quiz, lesson_from_file};
use super::error::LessonError;
use super::model::{Backend, Lesson};
use super::practice::{Input, PracticeEnd, practice_with};
use super::presenter::Presenter;
use super::probe_engine::SessionHost;
use super::progress::{LessonProgress, Progress};
use super::quiz_session::quiz;
use super::review::Attempt;
use super::runner::run_demo_with;
use crate::backend::BackendKind;
use crate::cli::paths::user_data_dir;
use crate::cli::start::{BackendChoice, choose_backend};

/// Where progress and quiz history live; `None` when the user has no home (then nothing is
/// saved, and the program says so).
fn data_file(name: &str) -> Option<PathBuf> {
    user_data_dir().map(|d| d.join(name))
}

pub(crate) fn load_progress() -> Result<Progress, LessonError> {
    match data_file("progress.json") {
        Some(p) => Progress::load(&p),
        None => Ok(Progress::default()),
    }
}

fn save_progress(p: &Progress) {
    let Some(path) = data_file("progress.json") else {
        eprintln!("dockerlings: no home directory: progress is not saved");
        return;
    };
    if let Err(e) = p.save(&path) {
        eprintln!("dockerlings: {e}");
    }
}

/// Where the student stands in `name`, as saved (a completed lesson starts again from the top).
pub(crate) fn saved_progress(name: &str) -> Result<LessonProgress, LessonError> {
    let mut progress = load_progress()?.lesson(name).clone();
    if progress.completed {
        // Played again from the start; the record of having completed it stays.
        progress.step = 0;
    }
    Ok(progress)
}

/// Saves one lesson's progress into the user's file; having completed it once stays recorded.
pub(crate) fn record_progress(name: &str, progress: &LessonProgress) {
    let mut all = match load_progress() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("dockerlings: {e}");
            return;
        }
    };
    let was_completed = all.lesson(name).completed;
    let mut progress = progress.clone();
    progress.completed |= was_completed;
    progress.updated = Some(chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Secs, true));
    *all.lesson(name) = progress;
    save_progress(&all);
}

fn describe_progress(p: Option<&LessonProgress>, steps: usize) -> String {
    match p {
        Some(p) if p.completed => "completed".to_string(),
        Some(p) if p.step > 0 => format!("step {}/{steps}", (p.step + 1).min(steps)),
        _ => "not started".to_string(),
    }
}

/// `lesson --list`: `NAME<TAB>TITLE<TAB>PROGRESS`, one line per lesson, in teaching order.
pub fn list_lessons() -> i32 {
    let progress = match load_progress() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("dockerlings: {e}");
            Progress::default()
        }
    };
    let mut code = 0;
    for (name, _) in LESSONS {
        match builtin_lesson(name) {
            Some(Ok(l)) => print_piece(&format!(
                "{}\t{}\t{}\n",
                l.name,
                l.title,
                describe_progress(progress.lessons.get(&l.name), l.steps.len())
            )),
            Some(Err(e)) => {
                eprint!("{}", e.render());
                code = 1;
            }
            None => {}
        }
    }
    code
}

/// `lesson --export-progress FILE`: every built-in lesson with the student's progress, as
/// CSV or (FILE ending in .xml) JUnit XML.
pub fn export_progress(path: &Path) -> i32 {
    let progress = match load_progress() {
        Ok(p) => p,
        Err(e) => {
            eprintln!("dockerlings: {e}");
            return 1;
        }
    };
    let lessons: Vec<(String, String, usize)> = LESSONS
        .iter()
        .filter_map(|(n, _)| builtin_lesson(n)?.ok())
        .map(|l| (l.name, l.title, l.steps.len()))
        .collect();
    let rows = super::export::rows(&lessons, &progress);
    match super::export::export(path, &rows) {
        Ok(()) => {
            eprintln!(
                "dockerlings: wrote the progress of {} lessons to {}",
                rows.len(),
                path.display()
            );
            0
        }
        Err(e) => {
            eprintln!("dockerlings: {e}");
            1
        }
    }
}

/// What the REPL word `lesson` alone prints: the lessons, and how to start one here.
pub fn repl_lesson_list() -> String {
    let progress = load_progress().unwrap_or_default();
    let mut out = "type `lesson NAME` to practise one here, on a fresh state of its own (`quit` brings you back):\n".to_string();
    for (n, _) in LESSONS {
        if let Some(Ok(l)) = builtin_lesson(n) {
            let done = describe_progress(progress.lessons.get(&l.name), l.steps.len());
            out.push_str(&format!("  {:<24} {:<40} {done}\n", l.name, l.title));
        }
    }
    out
}

/// A built-in lesson by name, else a lesson file by path.
pub(crate) fn find_lesson(name: &str) -> Result<Lesson, String> {
    if let Some(l) = builtin_lesson(name) {
        return l.map_err(|e| e.render());
    }
    let path = Path::new(name);
    if path.exists() || name.ends_with(".md") || name.contains('/') {
        // The author edits this file: name it as they typed it, not by its stem.
        return lesson_from_file(path).map_err(|mut e| {
            if let LessonError::Syntax { file, .. } = &mut e {
                *file = name.to_string();
            }
            e.render()
        });
    }
    Err(format!(
        "dockerlings: no lesson named {name} (see `dockerlings lesson --list`)\n"
    ))
}

/// The backend a lesson plays on: `auto` picks the kernel when the machine and the lesson
/// allow it, else the simulator; an explicit choice the lesson cannot use is an error.
pub(crate) fn lesson_backend(
    lesson: &Lesson,
    choice: BackendChoice,
) -> Result<BackendKind, String> {
    let linux_ok = lesson.runs_on(Backend::Linux);
    match choice {
        BackendChoice::Sim => Ok(BackendKind::Sim),
        BackendChoice::Linux if !linux_ok => Err(format!(
            "dockerlings: lesson {} needs the simulator (it uses what the linux backend does not have); run it with --backend sim",
            lesson.name
        )),
        BackendChoice::Linux => choose_backend(choice).map(|(k, _)| k),
        BackendChoice::Auto if !linux_ok => Ok(BackendKind::Sim),
        BackendChoice::Auto => Ok(choose_backend(choice)
            .map(|(k, _)| k)
            .unwrap_or(BackendKind::Sim)),
    }
}

/// The student's lines: rustyline on a terminal, plain stdin lines otherwise (scripts, tests).
enum StudentInput {
    Terminal(Box<rustyline::DefaultEditor>),
    Lines(std::io::StdinLock<'static>),
}

impl StudentInput {
    fn open() -> StudentInput {
        if std::io::stdin().is_terminal()
            && let Ok(ed) = rustyline::DefaultEditor::new()
        {
            return StudentInput::Terminal(Box::new(ed));
        }
        StudentInput::Lines(std::io::stdin().lock())
    }
}

impl Input for StudentInput {
    fn read_line(&mut self, prompt: &str) -> Option<String> {
        match self {
            StudentInput::Terminal(ed) => {
                let line = ed.readline(prompt).ok()?;
                let _ = ed.add_history_entry(line.as_str());
                Some(line)
            }
            StudentInput::Lines(stdin) => {
                print_piece(prompt);
                let mut line = String::new();
                match stdin.read_line(&mut line) {
                    Ok(0) | Err(_) => None,
                    Ok(_) => {
                        // echoed, so a piped session reads like a typed one
                        print_piece(&line);
                        Some(line.trim_end_matches(['\n', '\r']).to_string())
                    }
                }
            }
        }
    }
}

/// Printing that survives a closed pipe (`lesson x --demo | head`): the reader left, so the
/// rest is simply not shown.
fn print_piece(s: &str) {
    let mut out = std::io::stdout().lock();
    let _ = out.write_all(s.as_bytes());
    let _ = out.flush();
}

/// In a presenter demo: wait for Enter before showing a step's commands when someone is at
/// the terminal; without one (a pipe, a test) they stay hidden.
fn reveal_on_enter() -> bool {
    if !std::io::stdin().is_terminal() {
        return false;
    }
    print_piece("(solution hidden: press Enter to show it)");
    let mut line = String::new();
    std::io::stdin().read_line(&mut line).is_ok_and(|n| n > 0)
}

/// `lesson NAME|PATH [--demo] [--pace SECS] [--presenter]`. Exit 0 when the lesson completes
/// (or the student quits), 1 when a demo check fails or the lesson cannot be loaded.
pub fn lesson_main(
    name: &str,
    demo: bool,
    pace: Option<f64>,
    choice: BackendChoice,
    presenter: Option<Presenter>,
    style: crate::render::style::Style,
) -> i32 {
    let lesson = match find_lesson(name) {
        Ok(l) => l,
        Err(text) => {
            eprint!("{text}");
            return 1;
        }
    };
    let kind = match lesson_backend(&lesson, choice) {
        Ok(k) => k,
        Err(e) => {
            eprintln!("{e}");
            return 1;
        }
    };
    let mut host = match SessionHost::styled(kind, style) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("dockerlings: {e}");
            return 1;
        }
    };
    if demo {
        // A projector wants time to read (a presenter's room more); a pipe or a test wants
        // the text at once.
        let default_pace = if presenter.is_some() { 3.0 } else { 1.5 };
        let pace = pace.or_else(|| std::io::stdout().is_terminal().then_some(default_pace));
        let pause = pace.map(|s| Duration::from_secs_f64(s.clamp(0.0, 60.0)));
        let result = run_demo_with(
            &lesson,
            &mut host,
            &mut |s| {
                print_piece(s);
                if let Some(d) = pause {
                    std::thread::sleep(d);
                }
            },
            presenter.as_ref(),
            &mut reveal_on_enter,
        );
        return match result {
            Ok(()) => 0,
            Err(f) => {
                eprintln!("dockerlings: lesson {}: {f}", lesson.name);
                1
            }
        };
    }
    let mut progress = match saved_progress(&lesson.name) {
        Ok(p) => p,
        Err(e) => {
            eprintln!("dockerlings: {e}");
            return 1;
        }
    };
    let mut input = StudentInput::open();
    print_piece("(type `help` for the lesson words; `quit` keeps your place)\n");
    let end = practice_with(
        &lesson,
        &mut host,
        &mut input,
        &mut print_piece,
        &mut progress,
        presenter,
    );
    record_progress(&lesson.name, &progress);
    if end == PracticeEnd::EndOfInput {
        print_piece("\n");
    }
    0
}

/// `quiz [--topic T] [--count N]`: questions by spaced review; the history is kept per user.
pub fn quiz_main(topic: Option<&str>, count: usize, choice: BackendChoice) -> i32 {
    let bank = match builtin_quiz() {
        Ok(b) => b,
        Err(e) => {
            eprint!("{}", e.render());
            return 1;
        }
    };
    if let Some(t) = topic
        && !bank.iter().any(|q| q.topic == t)
    {
        eprintln!("dockerlings: no quiz questions on topic {t}");
        return 1;
    }
    // Prove-it questions may set up sim-only images; the kernel only when asked for.
    let kind = match choice {
        BackendChoice::Linux => BackendKind::Linux,
        _ => BackendKind::Sim,
    };
    let mut host = match SessionHost::new(kind) {
        Ok(h) => h,
        Err(e) => {
            eprintln!("dockerlings: {e}");
            return 1;
        }
    };
    let path = data_file("quiz.json");
    let mut history: Vec<Attempt> = path
        .as_ref()
        .and_then(|p| std::fs::read(p).ok())
        .and_then(|b| serde_json::from_slice(&b).ok())
        .unwrap_or_default();
    let before = history.len();
    let mut input = StudentInput::open();
    quiz(
        &bank,
        topic,
        count,
        &mut history,
        &mut host,
        &mut input,
        &mut print_piece,
    );
    let asked = &history[before..];
    let right = asked.iter().filter(|a| a.correct).count();
    print_piece(&format!("\n{right} of {} right.\n", asked.len()));
    if let Some(p) = path {
        if let Some(dir) = p.parent() {
            let _ = std::fs::create_dir_all(dir);
        }
        let saved = serde_json::to_vec_pretty(&history)
            .map_err(|e| e.to_string())
            .and_then(|j| crate::store::write_file_atomic(&p, &j).map_err(|e| e.to_string()));
        if let Err(e) = saved {
            eprintln!("dockerlings: cannot save {}: {e}", p.display());
        }
    }
    0
}
