//! The command language: what the user types → a validated `Invocation`.
//!
//! `lexer` splits shell-like words and commands; `spec`/`table`/`teaching` describe every
//! command; `parse` reads flags and arguments; `error` renders mistakes with a caret; `help`
//! prints Docker-style help; `complete` serves tab completion.

pub mod complete;
pub mod error;
pub mod flags;
pub mod help;
pub mod lexer;
pub mod managed;
pub mod parse;
pub mod resolve;
pub mod spec;
pub mod suggest;
pub mod table;
pub mod table_image;
pub mod teaching;

pub use complete::{CompletionContext, complete};
pub use error::{ParseError, ParseErrorKind};
pub use flags::Flags;
pub use help::{help_for, help_for_invocation, help_overview};
pub use lexer::{CommandLine, LexError, Span, Word, split_commands};
pub use parse::{Invocation, parse_command, parse_script};
pub use spec::Verb;

#[cfg(test)]
mod tests;
#[cfg(test)]
mod tests_render;
