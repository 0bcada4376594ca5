//! A character grid for hand-laid diagrams: place glyphs at (x, y), colour cells, then turn the
//! grid into lines. Colour is attached per cell so that layout never has to count escape codes.
use super::style::{Paint, Style};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
struct Cell {
    ch: char,
    paint: Option<Paint>,
}

const BLANK: Cell = Cell {
    ch: ' ',
    paint: None,
};

#[derive(Debug, Clone, Default)]
pub struct Canvas {
    rows: Vec<Vec<Cell>>,
}

impl Canvas {
    pub fn new() -> Self {
        Canvas::default()
    }

    /// Puts one character; the grid grows as needed.
    pub fn put(&mut self, x: usize, y: usize, ch: char, paint: Option<Paint>) {
        if self.rows.len() <= y {
            self.rows.resize(y + 1, Vec::new());
        }
        let row = &mut self.rows[y];
        if row.len() <= x {
            row.resize(x + 1, BLANK);
        }
        row[x] = Cell { ch, paint };
    }

    /// Writes `text` from column `x` on row `y`.
    pub fn text(&mut self, x: usize, y: usize, text: &str, paint: Option<Paint>) {
        for (i, ch) in text.chars().enumerate() {
            self.put(x + i, y, ch, paint);
        }
    }

    /// A horizontal run of `ch` over columns `x0..=x1`.
    pub fn hline(&mut self, x0: usize, x1: usize, y: usize, ch: char, paint: Option<Paint>) {
        for x in x0.min(x1)..=x0.max(x1) {
            self.put(x, y, ch, paint);
        }
    }

    /// A vertical run of `ch` over rows `y0..=y1`.
    pub fn vline(&mut self, x: usize, y0: usize, y1: usize, ch: char, paint: Option<Paint>) {
        for y in y0.min(y1)..=y0.max(y1) {
            self.put(x, y, ch, paint);
        }
    }

    /// A box with its top-left corner at `(x, y)`, `(w, h)` cells; heavy borders mark a part
    /// that is in play.
    pub fn rect(
        &mut self,
        (x, y): (usize, usize),
        (w, h): (usize, usize),
        heavy: bool,
        paint: Option<Paint>,
        style: &Style,
    ) {
        if w < 2 || h < 2 {
            return;
        }
        let g = style.glyphs();
        let (hz, vt, tl, tr, bl, br) = if heavy {
            (g.hh, g.hv, g.htl, g.htr, g.hbl, g.hbr)
        } else {
            (g.h, g.v, g.tl, g.tr, g.bl, g.br)
        };
        self.hline(x, x + w - 1, y, hz, paint);
        self.hline(x, x + w - 1, y + h - 1, hz, paint);
        self.vline(x, y, y + h - 1, vt, paint);
        self.vline(x + w - 1, y, y + h - 1, vt, paint);
        self.put(x, y, tl, paint);
        self.put(x + w - 1, y, tr, paint);
        self.put(x, y + h - 1, bl, paint);
        self.put(x + w - 1, y + h - 1, br, paint);
    }

    /// The widest row, in columns.
    pub fn width(&self) -> usize {
        self.rows
            .iter()
            .map(|r| r.iter().rposition(|c| c.ch != ' ').map_or(0, |p| p + 1))
            .max()
            .unwrap_or(0)
    }

    /// The grid as lines, trailing blanks removed, painted runs wrapped in ANSI codes when the
    /// style asks for colour.
    pub fn lines(&self, style: &Style) -> Vec<String> {
        self.rows
            .iter()
            .map(|row| {
                let end = row.iter().rposition(|c| c.ch != ' ').map_or(0, |p| p + 1);
                let mut line = String::new();
                let mut run = String::new();
                let mut run_paint: Option<Paint> = None;
                for cell in &row[..end] {
                    if cell.paint != run_paint && !run.is_empty() {
                        line.push_str(&flush(&run, run_paint, style));
                        run.clear();
                    }
                    run_paint = cell.paint;
                    run.push(cell.ch);
                }
                line.push_str(&flush(&run, run_paint, style));
                line
            })
            .collect()
    }
}

fn flush(run: &str, paint: Option<Paint>, style: &Style) -> String {
    match paint {
        Some(p) => style.paint(run, p),
        None => run.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn paints_runs_once_and_trims_trailing_blanks() {
        let mut c = Canvas::new();
        c.text(2, 0, "ab", Some(Paint::Current));
        c.put(4, 0, 'c', None);
        c.put(9, 1, ' ', None);
        let color = Style {
            width: 80,
            color: true,
            ascii: false,
        };
        let lines = c.lines(&color);
        assert_eq!(
            lines,
            vec!["  \x1b[1;7mab\x1b[0mc".to_string(), String::new()]
        );
        assert_eq!(c.width(), 5);
    }
}
