//! Asking quiz questions: text and choice answers are graded at once; prove-it tasks run their
//! setup on a fresh state, let the student work until `done`, then grade the state.
use super::practice::Input;
use super::quiz::{Question, QuestionKind};
use super::review::{Attempt, next_question};
use super::runner::{LessonHost, echo_run};

fn ask_text(q: &Question) -> String {
    let mut out = format!("\n[{}] {}\n", q.topic, q.question);
    if let QuestionKind::Choice(choices) = &q.kind {
        for (i, c) in choices.iter().enumerate() {
            out.push_str(&format!("  {}) {}\n", i + 1, c.text));
        }
    }
    out
}

/// Asks one question; `None` when input ends or the student types `quit`.
pub fn ask(
    q: &Question,
    host: &mut dyn LessonHost,
    input: &mut dyn Input,
    out: &mut dyn FnMut(&str),
) -> Option<bool> {
    out(&ask_text(q));
    let correct = match &q.kind {
        QuestionKind::Prove { setup, .. } => {
            host.reset();
            for cmd in setup {
                out(&echo_run(host, cmd).0);
            }
            out("(type commands; `done` when finished)\n");
            loop {
                let line = input.read_line("quiz> ")?;
                match line.trim() {
                    "quit" => return None,
                    "done" => break,
                    "" => {}
                    cmd => out(echo_run(host, cmd)
                        .0
                        .split_once('\n')
                        .map_or("", |(_, r)| r)),
                }
            }
            match q.grade_on(host.probe()) {
                Ok(()) => true,
                Err(why) => {
                    out(&format!("not yet: {}\n", why.join("; ")));
                    false
                }
            }
        }
        _ => {
            let line = input.read_line("answer> ")?;
            if line.trim() == "quit" {
                return None;
            }
            q.grade_text(&line).unwrap_or(false)
        }
    };
    out(&format!(
        "{} Model answer: {}\n",
        if correct {
            "✓ Right."
        } else {
            "✗ Not quite."
        },
        q.answer
    ));
    Some(correct)
}

/// Asks up to `count` questions chosen by spaced review, appending to `history` (which the
/// caller saves next to the lesson progress).
pub fn quiz(
    bank: &[Question],
    topic: Option<&str>,
    count: usize,
    history: &mut Vec<Attempt>,
    host: &mut dyn LessonHost,
    input: &mut dyn Input,
    out: &mut dyn FnMut(&str),
) {
    for _ in 0..count {
        let turn = history.last().map_or(0, |a| a.turn + 1);
        let Some(q) = next_question(bank, history, turn, topic) else {
            return;
        };
        let Some(correct) = ask(q, host, input, out) else {
            return;
        };
        history.push(Attempt {
            id: q.id.clone(),
            correct,
            turn,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::fake::FakeHost;
    use crate::lesson::quiz::parse_quiz;

    struct Script(Vec<&'static str>);
    impl Input for Script {
        fn read_line(&mut self, _: &str) -> Option<String> {
            (!self.0.is_empty()).then(|| self.0.remove(0).to_string())
        }
    }

    #[test]
    fn asks_grades_and_records() {
        let bank = parse_quiz(
            "q.md",
            "## a\ntopic: lifecycle\ntype: choice\nquestion: q?\n- [ ] no\n- [x] yes\nanswer: yes\n\n\
             ## b\ntopic: pause-vs-stop\ntype: prove\nquestion: Pause mem.\n\
             setup: run -d --name mem busybox sleep 100000\ncheck: container mem is paused\nanswer: pause mem\n",
        )
        .unwrap();
        let mut history = vec![];
        let mut host = FakeHost::default();
        let mut out = String::new();
        let mut input = Script(vec!["1", "ps", "pause mem", "done"]);
        quiz(
            &bank,
            None,
            5,
            &mut history,
            &mut host,
            &mut input,
            &mut |s| out.push_str(s),
        );
        assert_eq!(
            history
                .iter()
                .map(|a| (a.id.as_str(), a.correct))
                .collect::<Vec<_>>(),
            vec![("a", false), ("b", true)]
        );
        assert!(out.contains("✗ Not quite. Model answer: yes"), "{out}");
        assert!(out.contains("✓ Right. Model answer: pause mem"), "{out}");
        assert_eq!(host.resets, 1);
    }
}
