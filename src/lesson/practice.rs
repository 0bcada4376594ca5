//! Practice mode: the student types, the lesson watches engine state and advances.
use super::model::Lesson;
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

/// Runs the lesson from `progress.step` until it is completed, the student quits or input ends.
/// The caller saves `progress` afterwards.
pub fn practice(
    lesson: &Lesson,
    host: &mut dyn LessonHost,
    input: &mut dyn Input,
    out: &mut dyn FnMut(&str),
    progress: &mut LessonProgress,
) -> PracticeEnd {
    out(&lesson_banner(lesson));
    replay_until(lesson, host, progress.step.min(lesson.steps.len()));
    let mut rung = 0;
    let mut announced = None;
    while progress.step < lesson.steps.len() {
        let i = progress.step;
        let step = &lesson.steps[i];
        if announced != Some(i) {
            announced = Some(i);
            rung = 0;
            out(&step_banner(lesson, i));
            if let Some(p) = &step.predict {
                out(&predict_question(p));
                let answer = input.read_line("your guess (number)> ");
                let chosen = answer
                    .as_deref()
                    .and_then(|a| a.trim().parse::<usize>().ok())
                    .map(|n| n.wrapping_sub(1));
                out(&predict_answer(p, chosen));
            }
        }
        let prompt = format!("lesson {}/{}> ", i + 1, lesson.steps.len());
        let Some(line) = input.read_line(&prompt) else {
            return PracticeEnd::EndOfInput;
        };
        let line = line.trim();
        match line {
            "" => continue,
            "quit" | "exit" => return PracticeEnd::Quit,
            "help" => out(PRACTICE_HELP),
            "hint" => {
                let ladder = step.hint_ladder();
                let text = ladder
                    .get(rung)
                    .or(ladder.last())
                    .map_or("", String::as_str);
                progress.hints_used += 1;
                out(&format!(
                    "hint {}/{}: {text}\n",
                    (rung + 1).min(ladder.len()),
                    ladder.len()
                ));
                if rung + 1 >= ladder.len() && !progress.solutions_shown.contains(&i) {
                    progress.solutions_shown.push(i);
                }
                rung += 1;
            }
            "solution" => {
                out(&format!("solution:\n{}\n", step.solution()));
                if !progress.solutions_shown.contains(&i) {
                    progress.solutions_shown.push(i);
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
                progress.skipped.push(i);
                progress.step += 1;
            }
            "reset" => {
                replay_until(lesson, host, i);
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
                    progress.step += 1;
                }
            }
        }
    }
    progress.completed = true;
    out("\nLesson complete.\n");
    PracticeEnd::Completed
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
