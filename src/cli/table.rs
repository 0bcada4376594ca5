//! Docker's `--format` and table output for list commands (ps, images, stats, history):
//! a `table` template gets a header row and tabwriter alignment (minwidth 10, padding 3),
//! any other template prints one line per object.
use serde_json::Value;

use crate::render::template::{self, FormatSpec};
use crate::util::Output;

fn header_for(headers: &[(&str, &'static str)], field: &str) -> Option<&'static str> {
    headers.iter().find(|(f, _)| *f == field).map(|(_, h)| *h)
}

/// Prints `rows` through `format`; returns the exit status (1 on a template error).
pub fn print_rows(
    format: &str,
    rows: &[Value],
    headers: &[(&str, &'static str)],
    out: &mut Output,
) -> i32 {
    let format = template::unescape_format(format);
    let (is_table, body) = match template::parse_format(&format) {
        FormatSpec::Table(t) => (true, t),
        FormatSpec::Plain(t) => (false, t),
    };
    let tpl = match template::parse(&body) {
        Ok(t) => t,
        Err(e) => {
            out.errln(&format!("Error: {e}"));
            return 1;
        }
    };
    let mut text = String::new();
    if is_table {
        text.push_str(&template::header_row(&body, &|f| header_for(headers, f)));
        text.push('\n');
    }
    for row in rows {
        match tpl.execute(row) {
            Ok(line) => {
                text.push_str(&line);
                text.push('\n');
            }
            Err(e) => {
                out.errln(&e.to_string());
                return 1;
            }
        }
    }
    if is_table {
        let table = template::tabwrite(&text, 10, 3);
        out.out(&table);
        if !table.ends_with('\n') {
            out.out("\n");
        }
    } else {
        out.out(&text);
    }
    0
}

/// One template over one object (inspect --format): a line per object.
pub fn print_object(format: &str, value: &Value, out: &mut Output) -> Result<(), String> {
    let format = template::unescape_format(format);
    let tpl = template::parse(&format).map_err(|e| format!("Error: {e}"))?;
    let line = tpl.execute(value).map_err(|e| e.to_string())?;
    out.outln(&line);
    Ok(())
}
