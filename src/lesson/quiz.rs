//! The quiz bank: multiple choice, short answer, and "prove it" tasks checked on engine state.
//!
//! ```text
//! ## lifecycle-1
//! topic: lifecycle
//! type: choice | short | prove
//! question: one line
//! - [ ] wrong            (choice)
//! - [x] right            (choice)
//! accept: a | b          (short: accepted answers)
//! setup: run -d …        (prove: commands run first, optional)
//! check: container … is paused   (prove)
//! answer: the model answer
//! ```
use std::collections::BTreeSet;

use super::check::Check;
use super::error::{LessonError, col_of};
use super::model::Choice;
use super::parse::{choice, keyed};
use super::probe::StateProbe;
use super::topics::is_topic;

#[derive(Debug, Clone, PartialEq)]
pub enum QuestionKind {
    Choice(Vec<Choice>),
    Short(Vec<String>),
    Prove {
        setup: Vec<String>,
        checks: Vec<(String, Check)>,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Question {
    pub id: String,
    pub topic: String,
    pub question: String,
    pub kind: QuestionKind,
    /// The model answer, shown after every attempt.
    pub answer: String,
    pub line: usize,
}

/// Lowercase, no quotes/backticks/trailing dot, single spaces: how short answers are compared.
pub fn normalize(answer: &str) -> String {
    let cleaned: String = answer
        .chars()
        .filter(|c| !matches!(c, '`' | '"' | '\''))
        .collect();
    cleaned
        .trim()
        .trim_end_matches('.')
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

impl Question {
    /// Grades a typed answer: a choice number or its text, or a short answer.
    /// `None` for prove-it questions, which are graded on state with `grade_on`.
    pub fn grade_text(&self, answer: &str) -> Option<bool> {
        match &self.kind {
            QuestionKind::Choice(choices) => {
                let right = choices.iter().position(|c| c.right)?;
                let by_number = answer
                    .trim()
                    .parse::<usize>()
                    .ok()
                    .map(|n| n.wrapping_sub(1) == right);
                Some(
                    by_number
                        .unwrap_or_else(|| normalize(answer) == normalize(&choices[right].text)),
                )
            }
            QuestionKind::Short(accept) => {
                Some(accept.iter().any(|a| normalize(a) == normalize(answer)))
            }
            QuestionKind::Prove { .. } => None,
        }
    }

    /// For prove-it questions: do all checks pass on the current state? (explanations of failures)
    pub fn grade_on(&self, probe: &dyn StateProbe) -> Result<(), Vec<String>> {
        let QuestionKind::Prove { checks, .. } = &self.kind else {
            return Ok(());
        };
        let failures: Vec<String> = checks
            .iter()
            .map(|(_, c)| c.evaluate(probe))
            .filter(|r| !r.pass)
            .map(|r| r.explanation)
            .collect();
        if failures.is_empty() {
            Ok(())
        } else {
            Err(failures)
        }
    }
}

struct Draft {
    id: String,
    line: usize,
    topic: Option<String>,
    kind: Option<String>,
    question: Option<String>,
    choices: Vec<Choice>,
    accept: Vec<String>,
    setup: Vec<String>,
    checks: Vec<(String, Check)>,
    answer: Option<String>,
}

/// Parses and validates a quiz bank file (`file` names it in errors).
pub fn parse_quiz(file: &str, src: &str) -> Result<Vec<Question>, LessonError> {
    let err = |line: usize, col: usize, msg: String| LessonError::syntax(file, src, line, col, msg);
    let mut drafts: Vec<Draft> = vec![];
    for (idx, raw) in src.lines().enumerate() {
        let n = idx + 1;
        let line = raw.trim_end();
        if let Some(id) = line.strip_prefix("## ") {
            drafts.push(Draft {
                id: id.trim().to_string(),
                line: n,
                topic: None,
                kind: None,
                question: None,
                choices: vec![],
                accept: vec![],
                setup: vec![],
                checks: vec![],
                answer: None,
            });
            continue;
        }
        if line.trim().is_empty() || line.starts_with("# ") {
            continue;
        }
        let Some(d) = drafts.last_mut() else {
            continue; // preamble text before the first question
        };
        if let Ok((_, (right, text))) = choice(line) {
            d.choices.push(Choice {
                text: text.trim().to_string(),
                right,
            });
            continue;
        }
        let Ok((_, (key, value))) = keyed(line) else {
            return Err(err(n, 1, "expected `key: value` (topic, type, question, accept, setup, check, answer) or a `- [ ]` choice".into()));
        };
        let at = line.len() - value.len();
        let v = value.trim().to_string();
        match key {
            "topic" if is_topic(&v) => d.topic = Some(v),
            "topic" => return Err(err(n, col_of(line, at), format!("unknown topic `{v}`"))),
            "type" if matches!(v.as_str(), "choice" | "short" | "prove") => d.kind = Some(v),
            "type" => {
                return Err(err(
                    n,
                    col_of(line, at),
                    format!("unknown type `{v}`; expected choice, short or prove"),
                ));
            }
            "question" => d.question = Some(v),
            "accept" => d.accept.extend(
                v.split('|')
                    .map(|a| a.trim().to_string())
                    .filter(|a| !a.is_empty()),
            ),
            "setup" => d.setup.push(v),
            "check" => {
                let c =
                    Check::parse(&v).map_err(|e| err(n, col_of(line, at + e.offset), e.message))?;
                d.checks.push((v, c));
            }
            "answer" => d.answer = Some(v),
            other => return Err(err(n, 1, format!("unknown key `{other}:`"))),
        }
    }
    let mut seen = BTreeSet::new();
    drafts
        .into_iter()
        .map(|d| finish(d, &mut seen, &err))
        .collect()
}

fn finish(
    d: Draft,
    seen: &mut BTreeSet<String>,
    err: &dyn Fn(usize, usize, String) -> LessonError,
) -> Result<Question, LessonError> {
    let id = d.id;
    let missing = |what: &str| err(d.line, 1, format!("question `{id}` has no `{what}:` line"));
    if !seen.insert(id.clone()) {
        return Err(err(d.line, 4, format!("duplicate question id `{id}`")));
    }
    let topic = d.topic.ok_or_else(|| missing("topic"))?;
    let question = d.question.ok_or_else(|| missing("question"))?;
    let answer = d.answer.ok_or_else(|| missing("answer"))?;
    let kind = match d.kind.as_deref() {
        Some("choice") => {
            let right = d.choices.iter().filter(|c| c.right).count();
            if d.choices.len() < 2 || right != 1 {
                return Err(err(
                    d.line,
                    1,
                    format!("question `{id}` needs two or more choices, exactly one marked [x]"),
                ));
            }
            QuestionKind::Choice(d.choices)
        }
        Some("short") if !d.accept.is_empty() => QuestionKind::Short(d.accept),
        Some("short") => return Err(missing("accept")),
        Some(_) if !d.checks.is_empty() => QuestionKind::Prove {
            setup: d.setup,
            checks: d.checks,
        },
        Some(_) => return Err(missing("check")),
        None => return Err(missing("type")),
    };
    Ok(Question {
        id,
        topic,
        question,
        kind,
        answer,
        line: d.line,
    })
}

#[cfg(test)]
mod tests;
