//! What is on disk, as an annotated tree (`show disk`). Teaches where images and containers
//! really live: overlay2 layer dirs with diff/ link lower work/, the short l/ links, the image
//! database, container configs — each path with a note saying what it is for.
use super::style::{Paint, Style, join, pad, truncate, wrap};
use super::units::decimal_size;

/// The tree to draw: paths relative to `root`, in the order they should appear under their parent.
#[derive(Debug, Clone)]
pub struct DiskView {
    pub root: String,
    pub entries: Vec<DiskEntry>,
}

#[derive(Debug, Clone)]
pub struct DiskEntry {
    /// `/`-separated, relative to the root; missing parent dirs are drawn implicitly.
    pub path: String,
    pub kind: EntryKind,
    pub size: Option<u64>,
    /// What the path is for, e.g. "upper dir: the container's changes".
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum EntryKind {
    Dir,
    File,
    Symlink {
        target: String,
    },
    /// `.wh.` file or 0:0 char device hiding a lower path.
    Whiteout,
    /// Directory marked opaque (`.wh..wh..opq` / `trusted.overlay.opaque=y`).
    OpaqueDir,
}

#[derive(Debug, Default)]
struct Node {
    name: String,
    entry: Option<DiskEntry>,
    children: Vec<Node>,
}

/// Names longer than this (64-hex ids) are shortened to their first 12 characters.
const LONG_NAME: usize = 26;

pub fn render_disk(view: &DiskView, style: &Style) -> String {
    let mut lines: Vec<String> = wrap(&format!("On disk: {}", view.root), style.width, style)
        .into_iter()
        .map(|l| style.paint(&l, Paint::Title))
        .collect();
    if view.entries.is_empty() {
        lines.push("(empty)".to_string());
        return join(&lines);
    }
    let mut root = Node::default();
    for entry in &view.entries {
        let parts: Vec<&str> = entry.path.split('/').filter(|p| !p.is_empty()).collect();
        insert(&mut root, &parts, entry);
    }
    let mut rows = Vec::new();
    for (i, child) in root.children.iter().enumerate() {
        flatten(
            child,
            "",
            i + 1 == root.children.len(),
            true,
            style,
            &mut rows,
        );
    }
    // Notes line up in one column, unless that would leave them too little room.
    let name_w = rows.iter().map(|r| r.0.chars().count()).max().unwrap_or(0);
    let note_col = (name_w + 2).min(style.width / 2);
    for (tree, note, paint) in rows {
        let tree = truncate(&tree, style.width, style);
        let tree_w = tree.chars().count();
        let painted = match paint {
            Some(p) => style.paint(&tree, p),
            None => tree,
        };
        let line = match note {
            Some(note) if tree_w + 6 <= style.width => {
                let start = if tree_w + 2 <= note_col {
                    note_col
                } else {
                    tree_w + 2
                };
                let room = style.width - start;
                let note = style.paint(&truncate(&note, room, style), Paint::Dim);
                format!("{}{note}", pad(&painted, start))
            }
            _ => painted,
        };
        lines.push(line);
    }
    join(&lines)
}

fn insert(node: &mut Node, parts: &[&str], entry: &DiskEntry) {
    let Some((first, rest)) = parts.split_first() else {
        node.entry = Some(entry.clone());
        return;
    };
    let pos = match node.children.iter().position(|c| c.name == *first) {
        Some(pos) => pos,
        None => {
            node.children.push(Node {
                name: first.to_string(),
                ..Node::default()
            });
            node.children.len() - 1
        }
    };
    insert(&mut node.children[pos], rest, entry);
}

/// One row per node: the tree text, its note, and its paint.
type Row = (String, Option<String>, Option<Paint>);

fn flatten(node: &Node, prefix: &str, last: bool, top: bool, style: &Style, rows: &mut Vec<Row>) {
    let (branch, corner, stem) = if style.ascii {
        ("|-- ", "`-- ", "|   ")
    } else {
        ("├── ", "└── ", "│   ")
    };
    let connector = if top {
        ""
    } else if last {
        corner
    } else {
        branch
    };
    let entry = node.entry.as_ref();
    let is_dir = !node.children.is_empty()
        || entry.is_some_and(|e| matches!(e.kind, EntryKind::Dir | EntryKind::OpaqueDir));
    let mut name = short_name(&node.name, style);
    if is_dir {
        name.push('/');
    }
    let arrow = style.glyphs().arrow;
    let mut paint = None;
    match entry.map(|e| &e.kind) {
        Some(EntryKind::Symlink { target }) => {
            let target: Vec<String> = target.split('/').map(|p| short_name(p, style)).collect();
            name.push_str(&format!(" {arrow} {}", target.join("/")));
        }
        Some(EntryKind::Whiteout) => {
            name.push_str(" (whiteout)");
            paint = Some(Paint::Refused);
        }
        Some(EntryKind::OpaqueDir) => name.push_str(" (opaque)"),
        _ => {}
    }
    if let Some(size) = entry.and_then(|e| e.size) {
        name.push_str(&format!(" {}", decimal_size(size)));
    }
    let note = entry.and_then(|e| e.note.clone());
    rows.push((format!("{prefix}{connector}{name}"), note, paint));
    let child_prefix = if top {
        prefix.to_string()
    } else if last {
        format!("{prefix}    ")
    } else {
        format!("{prefix}{stem}")
    };
    for (i, child) in node.children.iter().enumerate() {
        let child_last = i + 1 == node.children.len();
        flatten(child, &child_prefix, child_last, false, style, rows);
    }
}

fn short_name(name: &str, style: &Style) -> String {
    if name.chars().count() > LONG_NAME {
        let head: String = name.chars().take(12).collect();
        format!("{head}{}", style.glyphs().ellipsis)
    } else {
        name.to_string()
    }
}

#[cfg(test)]
mod tests;
