//! Copy-on-write, path by path. Teaches what `docker diff` really records: a changed file was
//! first copied up from a read-only image layer into the container's writable layer, a new file
//! exists only there, and a deleted one is hidden by a whiteout — the image layers never change.
use super::style::{Paint, Style, join, pad, truncate, wrap, wrap_hanging};
use super::units::decimal_size;

/// What the copy-on-write diagram shows: the container's upper dir compared with its image.
#[derive(Debug, Clone)]
pub struct CowView {
    pub container: String,
    pub image: String,
    /// In `docker diff` order.
    pub rows: Vec<CowRow>,
}

#[derive(Debug, Clone)]
pub struct CowRow {
    pub kind: ChangeKind,
    pub path: String,
    /// Short diff id of the image layer the original came from (none for a new path).
    pub from_layer: Option<String>,
    pub action: CowAction,
    /// Bytes now in the writable layer, for files.
    pub size: Option<u64>,
}

/// `docker diff`'s letter.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Changed,
    Deleted,
}

impl ChangeKind {
    pub fn letter(self) -> char {
        match self {
            ChangeKind::Added => 'A',
            ChangeKind::Changed => 'C',
            ChangeKind::Deleted => 'D',
        }
    }
}

/// What the overlay did in the writable layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CowAction {
    /// Copied from a lower layer into the upper one before the first write.
    CopiedUp,
    /// Created in the upper layer only.
    New,
    /// A whiteout (`.wh.<name>`, a 0:0 char device on the kernel) hides the lower path.
    Whiteout,
    /// A directory replaced wholesale: marked opaque so nothing below shows through.
    OpaqueDir,
}

/// Below this width the table becomes one small block per path.
const TABLE_MIN_WIDTH: usize = 72;

pub fn render_cow(view: &CowView, style: &Style) -> String {
    let title = format!(
        "Copy-on-write: container {} on image {}",
        view.container, view.image
    );
    let mut lines: Vec<String> = wrap(&title, style.width, style)
        .into_iter()
        .map(|l| style.paint(&l, Paint::Title))
        .collect();
    if view.rows.is_empty() {
        lines.push("no changes: the writable layer is empty".to_string());
        lines.extend(wrap(UNCHANGED, style.width, style));
        return join(&lines);
    }
    if style.width >= TABLE_MIN_WIDTH {
        lines.extend(table(view, style));
    } else {
        lines.extend(blocks(view, style));
    }
    lines.push(String::new());
    if let Some(example) = view.rows.iter().find(|r| r.action == CowAction::CopiedUp) {
        lines.extend(copy_up_picture(example, style));
    }
    lines.extend(
        wrap(UNCHANGED, style.width, style)
            .into_iter()
            .map(|l| style.paint(&l, Paint::Dim)),
    );
    join(&lines)
}

const UNCHANGED: &str = "The image layers are unchanged: every change above lives in this \
                         container's R/W layer, and other containers of the image still see the \
                         originals.";

fn action_text(row: &CowRow, style: &Style) -> String {
    let arrow = style.glyphs().arrow;
    match row.action {
        CowAction::CopiedUp => format!("copied up {arrow} R/W, then changed"),
        CowAction::New => "new: only in the R/W layer".to_string(),
        CowAction::Whiteout => format!("whiteout .wh.{} hides it", base_name(&row.path)),
        CowAction::OpaqueDir => "opaque dir: hides all below".to_string(),
    }
}

fn paint_of(row: &CowRow) -> Option<Paint> {
    match row.kind {
        ChangeKind::Added => Some(Paint::Writable),
        ChangeKind::Changed => Some(Paint::Last),
        ChangeKind::Deleted => Some(Paint::Refused),
    }
}

fn base_name(path: &str) -> &str {
    path.trim_end_matches('/')
        .rsplit('/')
        .next()
        .unwrap_or(path)
}

fn table(view: &CowView, style: &Style) -> Vec<String> {
    let dash = if style.ascii { "-" } else { "—" };
    let size_w = 7;
    let layer_w = 12;
    // Kind letter and space, path padding, and the gaps between columns.
    let fixed = 2 + 2 + 2 + layer_w + 2 + 2 + size_w;
    let longest_path = view.rows.iter().map(|r| r.path.chars().count()).max();
    let path_w = longest_path.unwrap_or(4).clamp(4, 24);
    let action_w = style.width.saturating_sub(fixed + path_w);
    let header = format!(
        "  {}  {}  {}  {}",
        pad("PATH", path_w + 2),
        pad("FROM LAYER", layer_w),
        pad("WHAT HAPPENED", action_w),
        format_args!("{:>size_w$}", "SIZE")
    );
    let mut lines = vec![header.trim_end().to_string()];
    for row in &view.rows {
        let layer = row.from_layer.as_deref().unwrap_or(dash);
        let size = row.size.map(decimal_size).unwrap_or_default();
        let line = format!(
            "{} {}  {}  {}  {:>size_w$}",
            row.kind.letter(),
            pad(&truncate(&row.path, path_w + 2, style), path_w + 2),
            pad(&truncate(layer, layer_w, style), layer_w),
            pad(
                &truncate(&action_text(row, style), action_w, style),
                action_w
            ),
            size,
        );
        lines.push(paint_line(line.trim_end(), paint_of(row), style));
    }
    lines
}

fn blocks(view: &CowView, style: &Style) -> Vec<String> {
    let mut lines = Vec::new();
    for row in &view.rows {
        let mut head = format!("{} {}", row.kind.letter(), row.path);
        if let Some(size) = row.size {
            head.push_str(&format!("  ({})", decimal_size(size)));
        }
        lines.push(paint_line(
            &truncate(&head, style.width, style),
            paint_of(row),
            style,
        ));
        let what = match &row.from_layer {
            Some(layer) => format!("from {layer}: {}", action_text(row, style)),
            None => action_text(row, style),
        };
        lines.extend(wrap_hanging("    ", &what, style.width, style));
    }
    lines
}

/// The idea, drawn with one real example: the original stays in its layer, the copy is changed.
fn copy_up_picture(row: &CowRow, style: &Style) -> Vec<String> {
    let up = style.glyphs().up;
    let layer = row.from_layer.as_deref().unwrap_or("image");
    let lower = format!("R/O  layer {layer}");
    let column = lower.chars().count().max(20) + 3;
    let upper = pad("R/W  container layer", column);
    let lower = pad(&lower, column);
    let wide = [
        format!("  {upper}{}   the copy, then written", row.path),
        format!("        {up} copy-up at the first write"),
        format!("  {lower}{}   original, untouched", row.path),
    ];
    let mut lines = vec![format!("how copy-up works, with {}:", row.path)];
    if wide.iter().all(|l| l.chars().count() <= style.width) {
        lines.extend(wide);
    } else {
        lines.push(format!("  R/W  {}: the copy, then written", row.path));
        lines.push(format!("    {up} copy-up at the first write"));
        lines.push(format!("  R/O  {} in {layer}: untouched", row.path));
    }
    lines
        .into_iter()
        .map(|l| truncate(&l, style.width, style))
        .collect()
}

fn paint_line(line: &str, paint: Option<Paint>, style: &Style) -> String {
    match paint {
        Some(p) => style.paint(line, p),
        None => line.to_string(),
    }
}

#[cfg(test)]
mod tests;
