//! Boxes of text (`┌─┐ │ │ └─┘`, or `+-+ | |` in ASCII) of a given outer width, contents cut to
//! fit. Used for layer stacks and the architecture picture.
use super::style::{Paint, Style, pad, truncate};

/// `┌────┐` of `width` columns.
pub fn top(width: usize, style: &Style) -> String {
    let g = style.glyphs();
    edge(g.tl, g.h, g.tr, width)
}

/// `└────┘` of `width` columns.
pub fn bottom(width: usize, style: &Style) -> String {
    let g = style.glyphs();
    edge(g.bl, g.h, g.br, width)
}

/// `├────┤` between two sections of one box.
pub fn separator(width: usize, style: &Style) -> String {
    let (l, r) = if style.ascii {
        ('+', '+')
    } else {
        ('├', '┤')
    };
    edge(l, style.glyphs().h, r, width)
}

/// `│ text   │`: plain `text` cut to the inside of the box, then painted.
pub fn row(text: &str, paint: Option<Paint>, width: usize, style: &Style) -> String {
    let v = style.glyphs().v;
    let inner = width.saturating_sub(4);
    let cut = pad(&truncate(text, inner, style), inner);
    let body = match paint {
        Some(p) => style.paint(&cut, p),
        None => cut,
    };
    format!("{v} {body} {v}")
}

fn edge(left: char, fill: char, right: char, width: usize) -> String {
    let mut s = String::new();
    s.push(left);
    s.extend(std::iter::repeat_n(fill, width.saturating_sub(2)));
    s.push(right);
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn rows_are_as_wide_as_the_box() {
        let s = Style {
            width: 80,
            color: false,
            ascii: true,
        };
        assert_eq!(top(12, &s), "+----------+");
        assert_eq!(row("a long line of text", None, 12, &s), "| a lon... |");
        assert_eq!(row("ok", None, 12, &s), "| ok       |");
    }
}
