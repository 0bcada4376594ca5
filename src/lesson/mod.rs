//! Lessons, checks on engine state, the lesson runner (demo, proof, practice), the quiz bank
//! with its spaced review, and `explain`.
mod archive_ids;
pub mod catalog;
pub mod check;
mod check_eval;
pub mod error;
pub mod explain;
pub mod export;
pub mod front;
pub mod model;
pub mod parse;
pub mod practice;
pub mod presenter;
pub mod probe;
pub mod probe_engine;
pub mod progress;
pub mod quiz;
pub mod quiz_session;
pub mod repl;
pub mod review;
pub mod runner;
pub mod topics;

#[cfg(test)]
pub(crate) mod fake;

pub use catalog::{LESSONS, builtin_lesson, builtin_quiz, lesson_from_file};
pub use check::{Check, CheckResult};
pub use error::LessonError;
pub use explain::explain;
pub use model::{Backend, Lesson, Step};
pub use parse::parse_lesson;
pub use practice::{Input, PracticeEnd, practice};
pub use probe::StateProbe;
pub use progress::{LessonProgress, Progress};
pub use quiz::{Question, QuestionKind, parse_quiz};
pub use quiz_session::{ask, quiz};
pub use review::{Attempt, next_question};
pub use runner::{LessonHost, StepFailure, prove_checks_can_fail, run_demo};
