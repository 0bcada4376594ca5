//! Practice mode: the student types, the lesson watches engine state and advances.
use super::model::Lesson;
use super::presenter::Presenter;
use super::progress::LessonProgress;
use super::runner::{
    LessonHost, echo_run, first_failure, lesson_banner, predict_answer, predict_question,
    step_banner,
};

/// Where the student's lines come from (a terminal, or a script in tests). `None` = end of input.
pub trait Input {
    fn read_line(&mut self, prompt: &str) -> Option<String>;
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PracticeEnd {
    Completed,
    Quit,
    EndOfInput,
}

pub const PRACTICE_HELP: &str = "Type the docker commands the step asks for. Lesson words:
  hint      the next hint (a nudge, then the flag, then the command)
  solution  show the command(s)
  check     what the step's checks see right now
  skip      go to the next step (its commands are run for you)
  reset     fresh state, then replay the previous steps
  quit      leave; your progress is kept
";

/// The last rung of the hint ladder in presenter mode.
const PRESENTER_HIDDEN: &str = "(hidden on the projector: type `solution` to show the command)";

/// The command's verb without a leading `docker`, e.g. `container` for `docker container ls`.
fn verb(line: &str) -> Option<&str> {
    let mut words = line.split_whitespace();
    match words.next() {
        Some("docker") => words.next(),
        other => other,
    }
}

/// Fresh state, then every command of the steps before `step`.
fn replay_until(lesson: &Lesson, host: &mut dyn LessonHost, step: usize) {
    host.reset();
    for s in lesson.steps.iter().take(step) {
        for cmd in &s.commands {
            host.run(cmd);
        }
    }
}

/// Practice fed one line at a time, so both a blocking loop (`dockerlings lesson NAME`)
/// and the REPL's own line loop (`lesson NAME` typed in the REPL) can drive it.
#[derive(Debug, Clone)]
pub struct PracticeRun {
    pub lesson: Lesson,
    pub progress: LessonProgress,
    /// The next rung of the current step's hint ladder.
    rung: usize,
    /// The step whose banner was printed last.
    announced: Option<usize>,
    /// The current step's predict question waits for the student's guess.
    awaiting_guess: bool,
    ended: Option<PracticeEnd>,
    /// Projector mode: block-letter banners; the hint ladder stops short of the command.
    presenter: Option<Presenter>,
    /// Banners in plain ASCII (the host's style).
    ascii: bool,
}

impl PracticeRun {
    /// Prints the lesson's banner, replays the steps before `progress.step` on the host, and
    /// announces the step the student is on.
    pub fn start(
        lesson: Lesson,
        progress: LessonProgress,
        host: &mut dyn LessonHost,
        out: &mut dyn FnMut(&str),
    ) -> PracticeRun {
        Self::start_with(lesson, progress, host, out, None)
    }

    /// `start`, for a presenter when one is given.
    pub fn start_with(
        lesson: Lesson,
        progress: LessonProgress,
        host: &mut dyn LessonHost,
        out: &mut dyn FnMut(&str),
        presenter: Option<Presenter>,
    ) -> PracticeRun {
        let ascii = host.ascii();
        out(&presenter.as_ref().map_or_else(
            || lesson_banner(&lesson, ascii),
            |p| p.lesson_banner(&lesson),
        ));
        replay_until(&lesson, host, progress.step.min(lesson.steps.len()));
        let mut run = PracticeRun {
            lesson,
            progress,
            rung: 0,
            announced: None,
            awaiting_guess: false,
            ended: None,
            presenter,
            ascii,
        };
        run.announce(out);
        run
    }

    /// How the lesson ended, once it has.
    pub fn ended(&self) -> Option<PracticeEnd> {
        self.ended
    }

    pub fn prompt(&self) -> String {
        if self.awaiting_guess {
            return "your guess (number)> ".to_string();
        }
        format!(
            "lesson {}/{}> ",
            self.progress.step + 1,
            self.lesson.steps.len()
        )
    }

    /// The banner (and predict question) of the current step, once; or the end of the lesson.
    fn announce(&mut self, out: &mut dyn FnMut(&str)) {
        let i = self.progress.step;
        if i >= self.lesson.steps.len() {
            self.progress.completed = true;
            self.ended = Some(PracticeEnd::Completed);
            out("\nLesson complete.\n");
            return;
        }
        if self.announced == Some(i) {
            return;
        }
        self.announced = Some(i);
        self.rung = 0;
        out(&match &self.presenter {
            Some(p) => p.step_banner(&self.lesson, i),
            None => step_banner(&self.lesson, i, self.ascii),
        });
        if let Some(p) = &self.lesson.steps[i].predict {
            out(&predict_question(p));
            self.awaiting_guess = true;
        }
    }

    /// One line from the student. Returns how the lesson ended when this line ended it.
    pub fn feed(
        &mut self,
        line: &str,
        host: &mut dyn LessonHost,
        out: &mut dyn FnMut(&str),
    ) -> Option<PracticeEnd> {
        if self.ended.is_some() {
            return self.ended;
        }
        let i = self.progress.step;
        let step = &self.lesson.steps[i];
        if self.awaiting_guess {
            self.awaiting_guess = false;
            if let Some(p) = &step.predict {
                let chosen = line.trim().parse::<usize>().ok().map(|n| n.wrapping_sub(1));
                out(&predict_answer(p, chosen));
            }
            return None;
        }
        let line = line.trim();
        match line {
            "" => {}
            "quit" | "exit" => {
                self.ended = Some(PracticeEnd::Quit);
            }
            "help" => out(PRACTICE_HELP),
            "hint" => {
                let mut ladder = step.hint_ladder();
                if self.presenter.is_some() {
                    // Rungs that give a command away: on a projector, only when asked.
                    ladder.retain(|h| {
                        let h = h.trim_matches('`');
                        h != step.solution() && !step.commands.iter().any(|c| c == h)
                    });
                    ladder.push(PRESENTER_HIDDEN.to_string());
                }
                let text = ladder
                    .get(self.rung)
                    .or(ladder.last())
                    .map_or("", String::as_str);
                self.progress.hints_used += 1;
                out(&format!(
                    "hint {}/{}: {text}\n",
                    (self.rung + 1).min(ladder.len()),
                    ladder.len()
                ));
                if self.presenter.is_none()
                    && self.rung + 1 >= ladder.len()
                    && !self.progress.solutions_shown.contains(&i)
                {
                    self.progress.solutions_shown.push(i);
                }
                self.rung += 1;
            }
            "solution" => {
                out(&format!("solution:\n{}\n", step.solution()));
                if !self.progress.solutions_shown.contains(&i) {
                    self.progress.solutions_shown.push(i);
                }
            }
            "check" => match first_failure(step, i, host.probe()) {
                Some(f) => out(&format!("not yet: `{}`: {}\n", f.check, f.explanation)),
                None if step.checks.is_empty() => {
                    out("this step has no check: run its command to go on\n")
                }
                None => out("all checks pass\n"),
            },
            "skip" => {
                for cmd in &step.commands {
                    out(&echo_run(host, cmd).0);
                }
                self.progress.skipped.push(i);
                self.progress.step += 1;
            }
            "reset" => {
                replay_until(&self.lesson, host, i);
                out("fresh state; the previous steps were replayed\n");
            }
            _ => {
                let (text, code) = echo_run(host, line);
                // the echoed command line is already on the student's screen
                out(text.split_once('\n').map_or("", |(_, rest)| rest));
                let done = if step.checks.is_empty() {
                    code == 0 && step.commands.iter().any(|c| verb(c) == verb(line))
                } else {
                    first_failure(step, i, host.probe()).is_none()
                };
                if done {
                    for c in &step.checks {
                        out(&format!("✓ {}\n", c.text));
                    }
                    for spec in &step.shows {
                        if let Some(d) = host.diagram(spec) {
                            out(&d);
                        }
                    }
                    self.progress.step += 1;
                }
            }
        }
        if self.ended.is_none() {
            self.announce(out);
        }
        self.ended
    }
}

/// Runs the lesson from `progress.step` until it is completed, the student quits or input ends.
/// The caller saves `progress` afterwards.
pub fn practice(
    lesson: &Lesson,
    host: &mut dyn LessonHost,
    input: &mut dyn Input,
    out: &mut dyn FnMut(&str),
    progress: &mut LessonProgress,
) -> PracticeEnd {
    practice_with(lesson, host, input, out, progress, None)
}

/// `practice`, for a presenter when one is given.
pub fn practice_with(
    lesson: &Lesson,
    host: &mut dyn LessonHost,
    input: &mut dyn Input,
    out: &mut dyn FnMut(&str),
    progress: &mut LessonProgress,
    presenter: Option<Presenter>,
) -> PracticeEnd {
    let mut run = PracticeRun::start_with(lesson.clone(), progress.clone(), host, out, presenter);
    let end = loop {
        if let Some(end) = run.ended() {
            break end;
        }
        let Some(line) = input.read_line(&run.prompt()) else {
            break PracticeEnd::EndOfInput;
        };
        run.feed(&line, host, out);
    };
    *progress = run.progress;
    end
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::fake::FakeHost;
    use crate::lesson::parse_lesson;
    use crate::lesson::runner::tests::PAUSE;

    struct Script(std::collections::VecDeque<&'static str>);
    impl Input for Script {
        fn read_line(&mut self, _prompt: &str) -> Option<String> {
            self.0.pop_front().map(str::to_string)
        }
    }

    fn play(
        lines: &[&'static str],
        progress: &mut LessonProgress,
    ) -> (PracticeEnd, String, FakeHost) {
        let lesson = parse_lesson("pause", PAUSE).unwrap();
        let mut host = FakeHost::default();
        let mut out = String::new();
        let end = practice(
            &lesson,
            &mut host,
            &mut Script(lines.iter().copied().collect()),
            &mut |s| out.push_str(s),
            progress,
        );
        (end, out, host)
    }

    #[test]
    fn advances_only_when_the_checks_pass() {
        let mut p = LessonProgress::default();
        let (end, out, _) = play(
            &[
                "ps",
                "run -d --name web busybox sleep 1",
                "2",
                "hint",
                "hint",
                "pause web",
                "ps",
            ],
            &mut p,
        );
        assert_eq!(end, PracticeEnd::Completed);
        assert!(p.completed);
        assert!(out.contains("hint 1/1: pause web"), "{out}");
        assert!(out.contains("Not quite. 1) yes."), "{out}");
        assert_eq!(p.hints_used, 2);
        assert_eq!(p.solutions_shown, vec![1]);
    }

    #[test]
    fn quit_keeps_the_place_and_resuming_replays_earlier_steps() {
        let mut p = LessonProgress::default();
        let (end, _, _) = play(
            &["run -d --name web busybox sleep 1", "1", "check", "quit"],
            &mut p,
        );
        assert_eq!(end, PracticeEnd::Quit);
        assert_eq!(p.step, 1);
        let (end, out, host) = play(&["1", "skip", "ps"], &mut p);
        assert_eq!(end, PracticeEnd::Completed);
        assert_eq!(host.ran[0], "run -d --name web busybox sleep 100000");
        assert_eq!(p.skipped, vec![1]);
        assert!(out.contains("dockerlings> pause web"));
    }

    #[test]
    fn check_and_reset_explain_themselves() {
        let mut p = LessonProgress::default();
        let (end, out, host) = play(
            &["check", "run -d --name web busybox sleep 1", "1", "reset"],
            &mut p,
        );
        assert_eq!(end, PracticeEnd::EndOfInput);
        assert!(
            out.contains(
                "not yet: `container web is running`: container web does not exist (wanted running)"
            ),
            "{out}"
        );
        assert_eq!(host.resets, 2);
    }
}
