//! How a diagram is drawn on this terminal: width, colour, and Unicode box-drawing or plain
//! ASCII. Shared by every renderer so a teacher's projector and a CI log read the same shapes.

/// Terminal capabilities a renderer draws for. Renderers never look at the terminal themselves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Style {
    /// Columns available; lines never exceed it when it is at least 60.
    pub width: usize,
    /// Emit ANSI colour and attributes.
    pub color: bool,
    /// Plain ASCII (`+-|>`) instead of box-drawing characters and arrows.
    pub ascii: bool,
}

impl Style {
    /// No colour, `width` columns, box-drawing or ASCII: how tests and replays draw.
    pub fn plain(width: usize, ascii: bool) -> Style {
        Style {
            width,
            color: false,
            ascii,
        }
    }

    pub fn glyphs(&self) -> &'static Glyphs {
        if self.ascii { &ASCII } else { &UNICODE }
    }

    /// Wraps `text` in the ANSI codes of `paint` when colour is on; returns it unchanged otherwise.
    pub fn paint(&self, text: &str, paint: Paint) -> String {
        if self.color && !text.is_empty() {
            format!("\x1b[{}m{text}\x1b[0m", paint.code())
        } else {
            text.to_string()
        }
    }
}

/// The attributes a diagram uses; each names what it means, not how it looks.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Paint {
    /// The state the container is in now.
    Current,
    /// The move that just happened.
    Last,
    /// A move that was refused.
    Refused,
    /// Read-only (image) parts.
    ReadOnly,
    /// Writable (container) parts.
    Writable,
    /// Secondary text: legends, explanations.
    Dim,
    /// Headings.
    Title,
}

impl Paint {
    fn code(self) -> &'static str {
        match self {
            Paint::Current => "1;7",
            Paint::Last => "1;33",
            Paint::Refused => "1;31",
            Paint::ReadOnly => "36",
            Paint::Writable => "32",
            Paint::Dim => "2",
            Paint::Title => "1",
        }
    }
}

/// The characters a diagram is made of.
#[derive(Debug)]
pub struct Glyphs {
    pub h: char,
    pub v: char,
    pub tl: char,
    pub tr: char,
    pub bl: char,
    pub br: char,
    pub tee_down: char,
    pub tee_up: char,
    /// Heavy variants, used for the path of the last move.
    pub hh: char,
    pub hv: char,
    pub htl: char,
    pub htr: char,
    pub hbl: char,
    pub hbr: char,
    pub right: char,
    pub left: char,
    pub up: char,
    pub down: char,
    pub entry: char,
    pub refused: char,
    pub bar_full: char,
    pub bar_empty: char,
    pub ellipsis: &'static str,
    pub arrow: &'static str,
}

pub static UNICODE: Glyphs = Glyphs {
    h: '─',
    v: '│',
    tl: '┌',
    tr: '┐',
    bl: '└',
    br: '┘',
    tee_down: '┬',
    tee_up: '┴',
    hh: '━',
    hv: '┃',
    htl: '┏',
    htr: '┓',
    hbl: '┗',
    hbr: '┛',
    right: '▶',
    left: '◀',
    up: '▲',
    down: '▼',
    entry: '●',
    refused: '✗',
    bar_full: '█',
    bar_empty: '░',
    ellipsis: "…",
    arrow: "→",
};

pub static ASCII: Glyphs = Glyphs {
    h: '-',
    v: '|',
    tl: '+',
    tr: '+',
    bl: '+',
    br: '+',
    tee_down: '+',
    tee_up: '+',
    hh: '=',
    hv: '#',
    htl: '#',
    htr: '#',
    hbl: '#',
    hbr: '#',
    right: '>',
    left: '<',
    up: '^',
    down: 'v',
    entry: '*',
    refused: 'X',
    bar_full: '#',
    bar_empty: '.',
    ellipsis: "...",
    arrow: "->",
};

/// Columns `s` occupies: characters, not counting ANSI escape sequences.
pub fn display_width(s: &str) -> usize {
    let mut width = 0;
    let mut in_escape = false;
    for c in s.chars() {
        if in_escape {
            in_escape = c != 'm';
        } else if c == '\x1b' {
            in_escape = true;
        } else {
            width += 1;
        }
    }
    width
}

/// `s` cut to at most `max` columns, ending in an ellipsis when something was cut.
/// Plain text only: colour is applied after fitting.
pub fn truncate(s: &str, max: usize, style: &Style) -> String {
    let len = s.chars().count();
    if len <= max {
        return s.to_string();
    }
    let ellipsis = style.glyphs().ellipsis;
    let keep = max.saturating_sub(ellipsis.chars().count());
    if keep == 0 {
        return s.chars().take(max).collect();
    }
    let mut out: String = s.chars().take(keep).collect();
    out.push_str(ellipsis);
    out
}

/// `s` padded with spaces to `width` columns (never cut).
pub fn pad(s: &str, width: usize) -> String {
    let w = display_width(s);
    let mut out = s.to_string();
    out.extend(std::iter::repeat_n(' ', width.saturating_sub(w)));
    out
}

/// Greedy word wrap of plain text to `width` columns, for explanations under a diagram.
/// A word longer than the width is cut with an ellipsis rather than overflowing.
pub fn wrap(text: &str, width: usize, style: &Style) -> Vec<String> {
    let width = width.max(1);
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        let word = truncate(word, width, style);
        let needed = if line.is_empty() {
            word.chars().count()
        } else {
            line.chars().count() + 1 + word.chars().count()
        };
        if needed > width && !line.is_empty() {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(&word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `wrap`, each line painted.
pub fn wrap_painted(text: &str, width: usize, style: &Style, paint: Paint) -> Vec<String> {
    wrap(text, width, style)
        .into_iter()
        .map(|l| style.paint(&l, paint))
        .collect()
}

/// Wraps `text` with a hanging indent: the first line starts with `head`, the rest are indented
/// to line up under the text after it.
pub fn wrap_hanging(head: &str, text: &str, width: usize, style: &Style) -> Vec<String> {
    let indent = head.chars().count();
    let body = wrap(text, width.saturating_sub(indent).max(10), style);
    body.into_iter()
        .enumerate()
        .map(|(i, l)| {
            if i == 0 {
                format!("{head}{l}")
            } else {
                format!("{}{l}", " ".repeat(indent))
            }
        })
        .collect()
}

/// Joins lines into the final text, one `\n` after each.
pub fn join(lines: &[String]) -> String {
    let mut out = String::new();
    for l in lines {
        out.push_str(l.trim_end());
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLAIN: Style = Style {
        width: 80,
        color: false,
        ascii: false,
    };

    #[test]
    fn width_ignores_ansi_codes() {
        let s = Style {
            color: true,
            ..PLAIN
        };
        let painted = s.paint("RUNNING", Paint::Current);
        assert_ne!(painted, "RUNNING");
        assert_eq!(display_width(&painted), 7);
        assert_eq!(PLAIN.paint("RUNNING", Paint::Current), "RUNNING");
    }

    #[test]
    fn truncate_marks_the_cut() {
        assert_eq!(
            truncate("/bin/sh -c apt-get install", 10, &PLAIN),
            "/bin/sh -…"
        );
        let ascii = Style {
            ascii: true,
            ..PLAIN
        };
        assert_eq!(
            truncate("/bin/sh -c apt-get install", 10, &ascii),
            "/bin/sh..."
        );
        assert_eq!(truncate("short", 10, &PLAIN), "short");
    }

    #[test]
    fn wrap_keeps_lines_within_width() {
        let lines = wrap(
            "stop waited the 10 s grace period: sleep as PID 1 ignores SIGTERM",
            20,
            &PLAIN,
        );
        assert!(lines.iter().all(|l| l.chars().count() <= 20), "{lines:?}");
        assert_eq!(
            lines.join(" "),
            "stop waited the 10 s grace period: sleep as PID 1 ignores SIGTERM"
        );
    }
}
