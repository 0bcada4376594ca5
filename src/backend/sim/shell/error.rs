//! The shell's errors: syntax errors (reported on the shell's stderr, exit 2, in the
//! wording of the shell flavour) and spawn errors (reported to the engine).
use serde::{Deserialize, Serialize};

/// Which shell is being imitated; chosen from argv[0] (`bash` → Bash, anything else → Ash,
/// busybox's shell, which is what `sh` is in busybox and alpine images).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum Flavour {
    Ash,
    Bash,
}

impl Flavour {
    pub fn from_argv0(argv0: &str) -> Flavour {
        if base_name(argv0) == "bash" {
            Flavour::Bash
        } else {
            Flavour::Ash
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Flavour::Ash => "sh",
            Flavour::Bash => "bash",
        }
    }

    /// `sh: foo: not found` (busybox) / `bash: foo: command not found`.
    pub fn not_found(self, cmd: &str) -> String {
        match self {
            Flavour::Ash => format!("sh: {cmd}: not found\n"),
            Flavour::Bash => format!("bash: {cmd}: command not found\n"),
        }
    }
}

pub fn base_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SyntaxError {
    #[error("unterminated quoted string")]
    UnterminatedQuote(char),
    #[error("unexpected \"{0}\"")]
    Unexpected(String),
    /// The input ended inside a construct; an interactive shell waits for more lines.
    #[error("unexpected end of file (expecting \"{0}\")")]
    UnexpectedEof(String),
}

impl SyntaxError {
    /// True when more input could complete the script (interactive continuation lines).
    pub fn is_incomplete(&self) -> bool {
        matches!(
            self,
            SyntaxError::UnexpectedEof(_) | SyntaxError::UnterminatedQuote(_)
        )
    }

    /// The message the shell prints on stderr, newline-terminated.
    pub fn render(&self, flavour: Flavour) -> String {
        match flavour {
            Flavour::Ash => format!("sh: syntax error: {self}\n"),
            Flavour::Bash => match self {
                SyntaxError::UnterminatedQuote(q) => format!(
                    "bash: -c: line 1: unexpected EOF while looking for matching `{q}'\n\
                     bash: -c: line 2: syntax error: unexpected end of file\n"
                ),
                SyntaxError::Unexpected(tok) => {
                    format!("bash: -c: line 1: syntax error near unexpected token `{tok}'\n")
                }
                SyntaxError::UnexpectedEof(_) => {
                    "bash: -c: line 2: syntax error: unexpected end of file\n".to_string()
                }
            },
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpawnError {
    #[error("no command specified")]
    EmptyArgv,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn syntax_errors_use_each_shells_wording() {
        let e = SyntaxError::UnterminatedQuote('\'');
        assert_eq!(
            e.render(Flavour::Ash),
            "sh: syntax error: unterminated quoted string\n"
        );
        assert!(
            e.render(Flavour::Bash)
                .starts_with("bash: -c: line 1: unexpected EOF")
        );
        assert_eq!(
            SyntaxError::UnexpectedEof("fi".into()).render(Flavour::Ash),
            "sh: syntax error: unexpected end of file (expecting \"fi\")\n"
        );
    }

    #[test]
    fn flavour_comes_from_argv0() {
        assert_eq!(Flavour::from_argv0("/bin/bash"), Flavour::Bash);
        assert_eq!(Flavour::from_argv0("sh"), Flavour::Ash);
        assert_eq!(Flavour::Bash.not_found("x"), "bash: x: command not found\n");
    }
}
