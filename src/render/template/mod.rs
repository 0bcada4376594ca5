//! Docker's `--format`: a Go text/template subset evaluated over Docker-shaped JSON, the
//! `table` header row, and the tab alignment Docker applies to tables.
//!
//! ```text
//! let t = parse("{{.Names}}\t{{.Status}}")?;   // TemplateError worded like Go's
//! let line = t.execute(&row_json)?;
//! ```
//! Supported: text, `{{ }}` with `{{-`/`-}}`, comments, `.A.B`, `$`, `$x := / =`, pipelines,
//! parentheses, `if/else if/else/end`, `range` (arrays, maps in key order, `$i, $e :=`,
//! break/continue), `with`, Go's builtins (and or not eq ne lt le gt ge len index print printf
//! println) and docker/cli's (json split join title lower upper pad truncate).
//! Not supported: define/template/block, slice, html/js/urlquery, call, methods.

mod ast;
mod exec;
mod funcs;
mod lex;
mod parse;
mod printf;
mod tabwriter;
mod value;

#[cfg(test)]
mod tests;

pub use tabwriter::tabwrite;

use serde_json::Value;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TemplateError {
    /// `template: :1: function "foo" not defined`
    #[error("template: :{line}: {msg}")]
    Parse { line: usize, msg: String },
    /// `template: :1:2: executing "" at <.Foo.Bar>: ...`
    #[error("template: :{line}:{col}: executing \"\" at <{context}>: {msg}")]
    Exec {
        line: usize,
        col: usize,
        context: String,
        msg: String,
    },
}

#[derive(Debug, Clone, PartialEq)]
pub struct Template {
    source: String,
    nodes: Vec<ast::Node>,
}

pub fn parse(src: &str) -> Result<Template, TemplateError> {
    match parse::parse_nodes(src) {
        Ok(nodes) => Ok(Template {
            source: src.to_string(),
            nodes,
        }),
        Err((pos, msg)) => Err(TemplateError::Parse {
            line: line_col(src, pos).0,
            msg,
        }),
    }
}

/// 1-based line and 0-based byte column of `pos`, as Go's ErrorContext counts them.
fn line_col(src: &str, pos: usize) -> (usize, usize) {
    let before = src.get(..pos.min(src.len())).unwrap_or(src);
    let line = 1 + before.matches('\n').count();
    let col = before
        .rfind('\n')
        .map_or(before.len(), |nl| before.len() - nl - 1);
    (line, col)
}

impl Template {
    pub fn execute(&self, data: &Value) -> Result<String, TemplateError> {
        exec::Exec::run(&self.nodes, data, None).map_err(|f| self.exec_error(f))
    }

    /// The table header: each field becomes its column title (`headers`), or its own name in
    /// capitals when `headers` does not know it; text between actions is kept.
    pub fn header(
        &self,
        headers: &dyn Fn(&str) -> Option<&'static str>,
    ) -> Result<String, TemplateError> {
        exec::Exec::run(&self.nodes, &Value::Null, Some(headers)).map_err(|f| self.exec_error(f))
    }

    fn exec_error(&self, f: exec::ExecFailure) -> TemplateError {
        let (line, col) = line_col(&self.source, f.pos);
        // Go shortens long contexts in its error messages.
        let context = if f.context.len() > 20 {
            let mut cut = 20;
            while !f.context.is_char_boundary(cut) {
                cut -= 1;
            }
            format!("{}...", &f.context[..cut])
        } else {
            f.context
        };
        TemplateError::Exec {
            line,
            col,
            context,
            msg: f.msg,
        }
    }
}

/// What `--format` asked for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FormatSpec {
    /// `table ...`: a header row, then one row per object, aligned by [`tabwrite`]. The
    /// string is the template after the word `table` (trimmed; empty = the command's default).
    Table(String),
    /// One line per object, no header.
    Plain(String),
}

/// Docker: a format starting with `table` is a table; `\t` and `\n` typed literally become
/// tab and newline (Docker does this for list commands; we do it for every format).
pub fn parse_format(s: &str) -> FormatSpec {
    match s.strip_prefix("table") {
        Some(rest) => FormatSpec::Table(unescape_format(rest.trim_matches(' '))),
        None => FormatSpec::Plain(unescape_format(s)),
    }
}

/// Turns the two-character sequences `\t` and `\n` into a tab and a newline.
pub fn unescape_format(s: &str) -> String {
    s.replace("\\t", "\t").replace("\\n", "\n")
}

/// The header row of a table template: `{{.ID}}\t{{.Names}}` -> `CONTAINER ID\tNAMES`.
/// An unparsable template gives an empty header (executing it reports the error).
pub fn header_row(template: &str, headers: &dyn Fn(&str) -> Option<&'static str>) -> String {
    parse(template)
        .and_then(|t| t.header(headers))
        .unwrap_or_default()
}
