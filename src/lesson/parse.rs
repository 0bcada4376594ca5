//! The lesson file format: a Markdown dialect a teacher edits and a web page renders.
//!
//! ````text
//! # Title
//! backends: sim, linux
//! topic: lifecycle
//!
//! Intro narration.
//!
//! ## Step: Create a container
//! Narration paragraphs.
//! ```cmd
//! create --name web busybox sleep 100000
//! ```
//! check: container web is created
//! hint: a nudge / hint: the flag / hint: the command
//! show: lifecycle web
//! predict: What will `ps` show?
//! - [ ] a wrong choice
//! - [x] the right choice
//! explain: why
//! ````
use nom::{
    IResult, Parser,
    bytes::complete::{tag, take_while1},
    character::complete::space0,
    combinator::rest,
    sequence::{delimited, preceded, terminated},
};

use super::check::Check;
use super::error::{LessonError, col_of};
use super::model::{Backend, CheckLine, Choice, Lesson, Predict, Step};
use super::topics::{DIAGRAMS, is_topic};

type Res<'a, T> = IResult<&'a str, T>;

/// `key: value` → (key, value); keys are lowercase words.
pub(super) fn keyed(line: &str) -> Res<'_, (&str, &str)> {
    (
        terminated(
            take_while1(|c: char| c.is_ascii_lowercase()),
            (tag(":"), space0),
        ),
        rest,
    )
        .parse(line)
}

fn heading<'a>(
    marker: &'static str,
) -> impl Parser<&'a str, Output = &'a str, Error = nom::error::Error<&'a str>> {
    preceded((tag(marker), space0), rest)
}

/// `- [ ] text` / `- [x] text` → (right, text)
pub(super) fn choice(line: &str) -> Res<'_, (bool, &str)> {
    let mark = take_while1(|c: char| c == ' ' || c == 'x' || c == 'X');
    let (text, m) = delimited(tag("- ["), mark, (tag("]"), space0)).parse(line)?;
    Ok(("", (m.trim().eq_ignore_ascii_case("x"), text)))
}

struct LessonReader<'s> {
    file: String,
    src: &'s str,
}

impl LessonReader<'_> {
    fn err(&self, line: usize, col: usize, msg: impl Into<String>) -> LessonError {
        LessonError::syntax(&self.file, self.src, line, col, msg)
    }
}

fn push_text(buf: &mut String, text: &str) {
    if text.trim().is_empty() {
        if !buf.is_empty() && !buf.ends_with("\n\n") {
            buf.push('\n');
        }
    } else {
        buf.push_str(text.trim_end());
        buf.push('\n');
    }
}

fn new_step(title: &str, line: usize) -> Step {
    Step {
        title: title.trim().to_string(),
        line,
        narration: String::new(),
        commands: vec![],
        checks: vec![],
        hints: vec![],
        shows: vec![],
        predict: None,
    }
}

/// Parses a lesson; `name` is the file stem and is used in error locations as `name.md`.
pub fn parse_lesson(name: &str, src: &str) -> Result<Lesson, LessonError> {
    let p = LessonReader {
        file: format!("{name}.md"),
        src,
    };
    let mut title: Option<String> = None;
    let mut backends: Option<Vec<Backend>> = None;
    let mut topic: Option<String> = None;
    let mut intro = String::new();
    let mut steps: Vec<Step> = vec![];
    let mut fence: Option<usize> = None;

    for (idx, raw) in src.lines().enumerate() {
        let n = idx + 1;
        let line = raw.trim_end();
        if let Some(open) = fence {
            if line.trim() == "```" {
                fence = None;
            } else if !line.trim().is_empty() {
                let step = steps
                    .last_mut()
                    .ok_or_else(|| p.err(open, 1, "a command block must be inside a step"))?;
                step.commands.push(line.trim().to_string());
            }
            continue;
        }
        if title.is_none() {
            if line.trim().is_empty() {
                continue;
            }
            let (_, t) = heading("# ")
                .parse(line)
                .map_err(|_| p.err(n, 1, "a lesson starts with `# Title`"))?;
            title = Some(t.trim().to_string());
            continue;
        }
        if let Ok((_, t)) = heading("## Step:").parse(line) {
            if t.trim().is_empty() {
                return Err(p.err(n, line.len() + 1, "a step needs a title after `## Step:`"));
            }
            steps.push(new_step(t, n));
            continue;
        }
        if line.starts_with("```") {
            if line != "```cmd" {
                return Err(p.err(
                    n,
                    4,
                    "only ```cmd blocks are understood (the commands the student types)",
                ));
            }
            if steps.is_empty() {
                return Err(p.err(n, 1, "a command block must be inside a step"));
            }
            fence = Some(n);
            continue;
        }
        if steps.is_empty() {
            if let Ok((_, (key, value))) = keyed(line) {
                let at = col_of(line, line.len() - value.len());
                match key {
                    "backends" => backends = Some(parse_backends(&p, n, line, value)?),
                    "topic" if is_topic(value.trim()) => topic = Some(value.trim().to_string()),
                    "topic" => {
                        return Err(p.err(
                            n,
                            at,
                            format!(
                                "unknown topic `{}`; see lesson::topics::TOPICS",
                                value.trim()
                            ),
                        ));
                    }
                    _ => {
                        return Err(p.err(
                            n,
                            1,
                            format!("unknown front matter `{key}:`; expected backends: or topic:"),
                        ));
                    }
                }
            } else if line.starts_with('#') {
                return Err(p.err(
                    n,
                    1,
                    "only one `# Title`; steps start with `## Step: title`",
                ));
            } else {
                push_text(&mut intro, line);
            }
            continue;
        }
        let Some(step) = steps.last_mut() else {
            continue;
        };
        if let Ok((_, (right, text))) = choice(line) {
            let predict = step
                .predict
                .as_mut()
                .ok_or_else(|| p.err(n, 1, "a choice must follow a `predict:` line"))?;
            predict.choices.push(Choice {
                text: text.trim().to_string(),
                right,
            });
            continue;
        }
        let Ok((_, (key, value))) = keyed(line) else {
            if line.starts_with('#') {
                return Err(p.err(n, 1, "steps start with `## Step: title`"));
            }
            push_text(&mut step.narration, line);
            continue;
        };
        let at = line.len() - value.len();
        let value = value.trim();
        match key {
            "check" => {
                let check = Check::parse(value)
                    .map_err(|e| p.err(n, col_of(line, at + e.offset), e.message))?;
                step.checks.push(CheckLine {
                    text: value.to_string(),
                    check,
                    line: n,
                });
            }
            "hint" => step.hints.push(value.to_string()),
            "show" => {
                let kind = value.split_whitespace().next().unwrap_or("");
                if !DIAGRAMS.contains(&kind) {
                    return Err(p.err(
                        n,
                        col_of(line, at),
                        format!(
                            "unknown diagram `{kind}`; expected one of {}",
                            DIAGRAMS.join(", ")
                        ),
                    ));
                }
                step.shows.push(value.to_string());
            }
            "predict" => {
                if step.predict.is_some() {
                    return Err(p.err(n, 1, "one `predict:` per step"));
                }
                step.predict = Some(Predict {
                    question: value.to_string(),
                    choices: vec![],
                    explain: String::new(),
                });
            }
            "explain" => {
                let predict = step
                    .predict
                    .as_mut()
                    .ok_or_else(|| p.err(n, 1, "`explain:` must follow a `predict:` question"))?;
                predict.explain = value.to_string();
            }
            _ => push_text(&mut step.narration, line),
        }
    }
    if let Some(open) = fence {
        return Err(p.err(open, 1, "this ```cmd block is never closed"));
    }
    let title = title.ok_or_else(|| p.err(1, 1, "empty lesson: it starts with `# Title`"))?;
    let backends = backends.ok_or_else(|| p.err(1, 1, "missing `backends:` line (sim, linux)"))?;
    let topic = topic.ok_or_else(|| p.err(1, 1, "missing `topic:` line"))?;
    if steps.is_empty() {
        return Err(p.err(
            src.lines().count().max(1),
            1,
            "a lesson needs at least one `## Step:`",
        ));
    }
    for step in &steps {
        validate_step(&p, step)?;
    }
    let trim = |s: String| s.trim().to_string();
    let steps = steps
        .into_iter()
        .map(|s| Step {
            narration: trim(s.narration),
            ..s
        })
        .collect();
    Ok(Lesson {
        name: name.to_string(),
        title,
        backends,
        topic,
        intro: trim(intro),
        steps,
    })
}

fn parse_backends(
    p: &LessonReader,
    n: usize,
    line: &str,
    value: &str,
) -> Result<Vec<Backend>, LessonError> {
    let mut out = vec![];
    let base = line.len() - value.len();
    let mut offset = 0;
    for part in value.split(',') {
        let word = part.trim();
        let at = base + offset + (part.len() - part.trim_start().len());
        offset += part.len() + 1;
        match word {
            "sim" => out.push(Backend::Sim),
            "linux" => out.push(Backend::Linux),
            _ => {
                return Err(p.err(
                    n,
                    col_of(line, at),
                    format!("unknown backend `{word}`; expected sim or linux"),
                ));
            }
        }
    }
    Ok(out)
}

fn validate_step(p: &LessonReader, step: &Step) -> Result<(), LessonError> {
    if step.commands.is_empty() {
        return Err(p.err(
            step.line,
            1,
            format!("step `{}` has no ```cmd block", step.title),
        ));
    }
    if let Some(pr) = &step.predict {
        let right = pr.choices.iter().filter(|c| c.right).count();
        if pr.choices.len() < 2 || right != 1 {
            return Err(p.err(step.line, 1, format!("the predict question of step `{}` needs two or more choices, exactly one marked [x]", step.title)));
        }
        if pr.explain.is_empty() {
            return Err(p.err(
                step.line,
                1,
                format!(
                    "the predict question of step `{}` needs an `explain:` line",
                    step.title
                ),
            ));
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
