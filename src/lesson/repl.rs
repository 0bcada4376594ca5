//! `lesson NAME` typed in the REPL: practice mode right there, on a fresh state of its own —
//! never on the student's containers — until `quit` (or the end of the lesson) brings the
//! student back to their own session. The REPL's line loop (and batch mode) feeds it lines.
use super::front::{find_lesson, lesson_backend, record_progress, saved_progress};
use super::practice::{PracticeEnd, PracticeRun};
use super::probe_engine::SessionHost;
use crate::backend::BackendKind;
use crate::cli::session::{LineOutcome, Session};
use crate::cli::start::BackendChoice;
use crate::util::Output;

/// A lesson in progress inside a REPL session.
pub struct ReplLesson {
    host: SessionHost,
    run: PracticeRun,
}

impl ReplLesson {
    pub fn prompt(&self) -> String {
        self.run.prompt()
    }
}

/// `lesson NAME` in the REPL: loads the lesson and the student's place in it, and starts.
pub fn start(session: &mut Session, name: &str, out: &mut Output) -> i32 {
    // A lesson's own session is the one with a scratch directory for host files: typed
    // inside a lesson, `lesson NAME` would start a second lesson inside the first.
    if session.host_dir.is_some() {
        out.errln("dockerlings: a lesson is already running: `quit` it first");
        return 1;
    }
    let lesson = match find_lesson(name) {
        Ok(l) => l,
        Err(text) => {
            out.err(&text);
            return 1;
        }
    };
    // The session's own backend when the lesson can use it; else the simulator.
    let choice = match session.engine.backend() {
        BackendKind::Linux => BackendChoice::Auto,
        BackendKind::Sim => BackendChoice::Sim,
    };
    // The REPL's own width and --ascii, without colour (a lesson prints plain text).
    let style = crate::render::style::Style {
        color: false,
        ..session.opts.style
    };
    let started = lesson_backend(&lesson, choice)
        .and_then(|kind| SessionHost::styled(kind, style))
        .and_then(|host| {
            saved_progress(&lesson.name)
                .map(|p| (host, p))
                .map_err(|e| e.to_string())
        });
    let (mut host, progress) = match started {
        Ok(x) => x,
        Err(e) => {
            out.errln(&format!("dockerlings: {e}"));
            return 1;
        }
    };
    out.outln("(a fresh state of the lesson's own: your containers wait; `help` lists the lesson words, `quit` comes back)");
    let mut text = String::new();
    let run = PracticeRun::start(lesson, progress, &mut host, &mut |s| text.push_str(s));
    out.out(&text);
    let l = ReplLesson { host, run };
    if let Some(end) = l.run.ended() {
        // Nothing left to do (an empty lesson): straight back.
        finish(&l, end, out);
        return 0;
    }
    session.lesson = Some(Box::new(l));
    0
}

fn finish(l: &ReplLesson, end: PracticeEnd, out: &mut Output) {
    record_progress(&l.run.lesson.name, &l.run.progress);
    let why = match end {
        PracticeEnd::Completed => "lesson complete",
        _ => "left the lesson; your place is kept",
    };
    out.outln(&format!("({why}: back to your own containers)"));
}

/// One line typed while a lesson runs.
pub fn feed(session: &mut Session, line: &str) -> LineOutcome {
    let mut outcome = LineOutcome::default();
    let Some(mut l) = session.lesson.take() else {
        return outcome;
    };
    let before = l.run.progress.clone();
    let mut text = String::new();
    let end = l.run.feed(line, &mut l.host, &mut |s| text.push_str(s));
    outcome.output.out(&text);
    match end {
        Some(end) => finish(&l, end, &mut outcome.output),
        None => {
            if l.run.progress != before {
                record_progress(&l.run.lesson.name, &l.run.progress);
            }
            session.lesson = Some(l);
        }
    }
    outcome
}
