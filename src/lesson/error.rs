//! Errors of lesson and quiz files: where (file:line:col), what, and the line with a caret.
use std::path::PathBuf;

#[derive(Debug, thiserror::Error)]
pub enum LessonError {
    #[error("{file}:{line}:{col}: {message}")]
    Syntax {
        file: String,
        line: usize,
        col: usize,
        message: String,
        source_line: String,
    },
    #[error("{}: {source}", path.display())]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: {source}", path.display())]
    Json {
        path: PathBuf,
        source: serde_json::Error,
    },
}

impl LessonError {
    /// `line` and `col` are 1-based; `col` counts characters.
    pub fn syntax(
        file: &str,
        src: &str,
        line: usize,
        col: usize,
        message: impl Into<String>,
    ) -> Self {
        let source_line = src
            .lines()
            .nth(line.saturating_sub(1))
            .unwrap_or("")
            .to_string();
        LessonError::Syntax {
            file: file.to_string(),
            line,
            col,
            message: message.into(),
            source_line,
        }
    }

    /// The message as a compiler would print it: location, the offending line, a caret.
    pub fn render(&self) -> String {
        match self {
            LessonError::Syntax {
                line,
                col,
                source_line,
                ..
            } => {
                let number = line.to_string();
                let pad = " ".repeat(number.len());
                let caret_pad: String = source_line
                    .chars()
                    .take(col.saturating_sub(1))
                    .map(|c| if c == '\t' { '\t' } else { ' ' })
                    .collect();
                format!("{self}\n{pad} |\n{number} | {source_line}\n{pad} | {caret_pad}^\n")
            }
            other => format!("{other}\n"),
        }
    }
}

/// 1-based character column of byte offset `at` in `line`.
pub fn col_of(line: &str, at: usize) -> usize {
    line.get(..at).map_or(1, |s| s.chars().count() + 1)
}
