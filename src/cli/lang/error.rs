//! Parse errors in Docker's wording, rendered with the command line and a caret under the word.

use super::lexer::Span;

/// What went wrong. The messages are Docker 20.10's own (cobra/pflag wording).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum ParseErrorKind {
    #[error("docker: '{0}' is not a docker command.")]
    UnknownCommand(String),
    #[error("unknown flag: {0}")]
    UnknownFlag(String),
    #[error("unknown shorthand flag: '{letter}' in {word}")]
    UnknownShorthand { letter: char, word: String },
    #[error("flag needs an argument: {0}")]
    MissingValue(String),
    /// `flag` is pflag's display form: `-t, --time` or `--name`.
    #[error("invalid argument \"{value}\" for \"{flag}\" flag: {reason}")]
    InvalidValue {
        value: String,
        flag: String,
        reason: String,
    },
    /// `message` is complete, e.g. `"docker run" requires at least 1 argument.`
    #[error("{0}")]
    WrongArgCount(String),
    #[error("bad flag syntax: {0}")]
    BadSyntax(String),
}

/// A parse error and where it happened. `span: None` points just past the end of the command
/// (a missing argument).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{kind}")]
pub struct ParseError {
    /// Boxed to keep `Result<_, ParseError>` small.
    pub kind: Box<ParseErrorKind>,
    pub span: Option<Span>,
    /// Span of the whole command, for the caret when `span` is None.
    pub command_span: Span,
    pub suggestion: Option<String>,
    /// `docker run` etc., for "See 'docker run --help'.".
    pub command_path: Option<String>,
}

impl ParseError {
    /// Docker exits 125 for every flag or usage error of its own CLI; an unknown command is a
    /// plain failure, 1.
    pub fn exit_code(&self) -> i32 {
        match *self.kind {
            ParseErrorKind::UnknownCommand(_) => 1,
            _ => 125,
        }
    }

    /// The first line alone: `Error: unknown flag: --nmae` (an unknown command keeps Docker's
    /// `docker: 'rn' is not a docker command.` without the prefix).
    pub fn headline(&self) -> String {
        match *self.kind {
            ParseErrorKind::UnknownCommand(_) => self.kind.to_string(),
            _ => format!("Error: {}", self.kind),
        }
    }

    /// Three lines: the message, the command line, a caret line with the "did you mean".
    /// `source` is the text that was given to `split_commands`.
    pub fn render(&self, source: &str) -> String {
        let span = self.span.unwrap_or(Span {
            start: self.command_span.end,
            end: self.command_span.end,
        });
        let hint = self
            .suggestion
            .as_deref()
            .map(|s| format!("did you mean {s}?"));
        render_with_caret(&self.headline(), source, Some(span), hint.as_deref())
    }
}

/// Shared layout: headline, the source line holding `span` (indented by two), carets under it.
/// Columns count characters, so multibyte text keeps carets aligned; a span that is not on a
/// char boundary or outside `source` falls back to the end of the line.
pub(crate) fn render_with_caret(
    headline: &str,
    source: &str,
    span: Option<Span>,
    hint: Option<&str>,
) -> String {
    let mut out = format!("{headline}\n");
    let Some(span) = span else { return out };
    let start = if source.is_char_boundary(span.start) {
        span.start
    } else {
        source.len()
    };
    let line_start = source[..start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = source[start..]
        .find('\n')
        .map_or(source.len(), |i| start + i);
    let line = &source[line_start..line_end];
    let end = span.end.clamp(start, line_end);
    let end = if source.is_char_boundary(end) {
        end
    } else {
        start
    };
    let col = source[line_start..start].chars().count();
    let width = source[start..end].chars().count().max(1);
    out.push_str(&format!("  {line}\n"));
    out.push_str(&format!("  {}{}", " ".repeat(col), "^".repeat(width)));
    if let Some(hint) = hint {
        out.push(' ');
        out.push_str(hint);
    }
    out.push('\n');
    out
}
