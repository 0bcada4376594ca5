//! A parsed lesson: front matter and steps.
use serde::{Deserialize, Serialize};

use super::check::Check;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Backend {
    Sim,
    Linux,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Lesson {
    /// File stem, e.g. `lifecycle` for lessons/lifecycle.md.
    pub name: String,
    pub title: String,
    pub backends: Vec<Backend>,
    pub topic: String,
    /// Narration before the first step.
    pub intro: String,
    pub steps: Vec<Step>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Step {
    pub title: String,
    /// 1-based line of the `## Step:` heading.
    pub line: usize,
    pub narration: String,
    /// What the student should type, one command per line.
    pub commands: Vec<String>,
    pub checks: Vec<CheckLine>,
    /// Ordered rungs: a nudge, the flag, the command. See `Step::hint_ladder`.
    pub hints: Vec<String>,
    /// Diagram specs for the REPL's `show`, e.g. `lifecycle web`.
    pub shows: Vec<String>,
    pub predict: Option<Predict>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct CheckLine {
    pub text: String,
    pub check: Check,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Predict {
    pub question: String,
    pub choices: Vec<Choice>,
    pub explain: String,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Choice {
    pub text: String,
    pub right: bool,
}

impl Predict {
    pub fn right_index(&self) -> usize {
        self.choices.iter().position(|c| c.right).unwrap_or(0)
    }
}

impl Step {
    /// The hints, ending with the solution: when the author's last hint is not already the
    /// step's commands, the commands are appended as the last rung.
    pub fn hint_ladder(&self) -> Vec<String> {
        let mut ladder = self.hints.clone();
        let solution = self.solution();
        if ladder.last().map(|h| h.trim_matches('`')) != Some(solution.as_str()) {
            ladder.push(solution);
        }
        ladder
    }

    pub fn solution(&self) -> String {
        self.commands.join("\n")
    }
}

impl Lesson {
    pub fn runs_on(&self, backend: Backend) -> bool {
        self.backends.contains(&backend)
    }
}
