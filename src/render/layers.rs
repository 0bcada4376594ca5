//! The layer stack of an image or container. Teaches that an image is a stack of read-only
//! layers, that a container only adds one thin writable layer on top, and that images built on
//! the same base share those layers on disk instead of copying them.
use super::frame;
use super::style::{Paint, Style, join, wrap};
use super::units::decimal_size;

/// What the layer diagram shows, filled from the store.
#[derive(Debug, Clone)]
pub struct LayerStackView {
    /// The image reference or container name the stack belongs to.
    pub title: String,
    /// The container's writable layer, when the stack is a container's.
    pub writable: Option<WritableLayer>,
    /// Image layers, top first (the base layer is last).
    pub layers: Vec<LayerRow>,
    pub totals: Option<SharingTotals>,
}

#[derive(Debug, Clone)]
pub struct WritableLayer {
    pub container: String,
    /// Bytes in the upper dir.
    pub size: u64,
    /// Paths `docker diff` would list.
    pub changes: usize,
}

#[derive(Debug, Clone)]
pub struct LayerRow {
    /// `sha256:<64 hex>`.
    pub diff_id: String,
    pub size: u64,
    /// The history entry that made the layer (`docker history`'s CREATED BY).
    pub created_by: String,
    /// Other local images that have this same layer.
    pub shared_with: Vec<String>,
}

/// Sharing across all local images.
#[derive(Debug, Clone)]
pub struct SharingTotals {
    pub images: usize,
    /// Distinct layers on disk.
    pub layers: usize,
    /// Layers used by more than one image.
    pub shared: usize,
    /// Bytes not stored twice thanks to sharing.
    pub saved_bytes: u64,
}

/// Widest box drawn, so a wide terminal does not stretch the stack across the room.
const MAX_BOX: usize = 80;

/// Draws the stack, writable layer on top, base layer at the bottom.
pub fn render_layers(view: &LayerStackView, style: &Style) -> String {
    let width = style.width.clamp(24, MAX_BOX);
    let inner = width - 4;
    let dash = if style.ascii { "-" } else { "—" };
    let mut lines = vec![style.paint(&format!("Layers of {}", view.title), Paint::Title)];

    if let Some(w) = &view.writable {
        let left = format!(
            "R/W  container layer of {} {dash} copy-on-write",
            w.container
        );
        let right = format!(
            "{}  {:>7}",
            plural(w.changes, "change"),
            decimal_size(w.size)
        );
        lines.push(frame::top(width, style));
        if left.chars().count() + right.chars().count() + 2 <= inner {
            let text = spread(&left, &right, inner);
            lines.push(frame::row(&text, Some(Paint::Writable), width, style));
        } else {
            lines.push(frame::row(&left, Some(Paint::Writable), width, style));
            let text = format!("     {right}");
            lines.push(frame::row(&text, Some(Paint::Writable), width, style));
        }
        lines.push(frame::bottom(width, style));
    }

    if view.layers.is_empty() {
        lines.push("(no image layers)".to_string());
    } else {
        lines.push(frame::top(width, style));
        let count = view.layers.len();
        for (i, layer) in view.layers.iter().enumerate() {
            if i > 0 {
                lines.push(frame::separator(width, style));
            }
            let id_and_size = format!(
                "R/O  {}  {:>7}",
                short_id(&layer.diff_id),
                decimal_size(layer.size)
            );
            let created_by = squeeze(&layer.created_by);
            // Narrow boxes give the command its own line rather than cutting it to a stub.
            if inner >= 60 {
                let head = format!("{id_and_size}  {created_by}");
                lines.push(frame::row(&head, Some(Paint::ReadOnly), width, style));
            } else {
                lines.push(frame::row(
                    &id_and_size,
                    Some(Paint::ReadOnly),
                    width,
                    style,
                ));
                let text = format!("     {created_by}");
                lines.push(frame::row(&text, Some(Paint::ReadOnly), width, style));
            }
            let mut notes = Vec::new();
            if i + 1 == count {
                notes.push("base layer".to_string());
            }
            if !layer.shared_with.is_empty() {
                notes.push(format!("shared with: {}", layer.shared_with.join(", ")));
            }
            if !notes.is_empty() {
                for l in wrap(&notes.join("; "), inner.saturating_sub(5), style) {
                    lines.push(frame::row(&format!("     {l}"), None, width, style));
                }
            }
        }
        lines.push(frame::bottom(width, style));
    }

    if let Some(t) = &view.totals {
        let text = format!(
            "{}, {}, {} shared; {} saved by sharing",
            plural(t.images, "image"),
            plural(t.layers, "layer"),
            t.shared,
            decimal_size(t.saved_bytes)
        );
        lines.extend(wrap(&text, width, style));
    }
    let explain = "R/O image layers never change and are shared by every image and container \
                   that uses them; each container writes only to its own R/W layer.";
    lines.extend(
        wrap(explain, width, style)
            .into_iter()
            .map(|l| style.paint(&l, Paint::Dim)),
    );
    join(&lines)
}

/// The 12 hex digits Docker shows for an id, without the `sha256:` prefix.
pub fn short_id(id: &str) -> String {
    id.strip_prefix("sha256:")
        .unwrap_or(id)
        .chars()
        .take(12)
        .collect()
}

fn plural(n: usize, noun: &str) -> String {
    if n == 1 {
        format!("1 {noun}")
    } else {
        format!("{n} {noun}s")
    }
}

/// Collapses runs of whitespace (history entries carry `#(nop)  CMD` double spaces and newlines).
fn squeeze(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `left` and `right` on one line of `width`, right-aligned when there is room.
fn spread(left: &str, right: &str, width: usize) -> String {
    let used = left.chars().count() + right.chars().count();
    if used + 2 <= width {
        format!("{left}{}{right}", " ".repeat(width - used))
    } else {
        format!("{left}  {right}")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::style::display_width;

    fn web_container() -> LayerStackView {
        LayerStackView {
            title: "web (nginx:latest)".into(),
            writable: Some(WritableLayer {
                container: "web".into(),
                size: 1_234,
                changes: 3,
            }),
            layers: vec![
                LayerRow {
                    diff_id: format!("sha256:{}", "c".repeat(64)),
                    size: 1_200,
                    created_by: "/bin/sh -c #(nop)  CMD [\"nginx\" \"-g\" \"daemon off;\"]".into(),
                    shared_with: vec![],
                },
                LayerRow {
                    diff_id: format!("sha256:b2{}", "0".repeat(62)),
                    size: 54_300_000,
                    created_by: "/bin/sh -c apt-get update && apt-get install -y nginx".into(),
                    shared_with: vec![],
                },
                LayerRow {
                    diff_id: format!("sha256:a1{}", "f".repeat(62)),
                    size: 72_800_000,
                    created_by: "/bin/sh -c #(nop) ADD file:0e3f in /".into(),
                    shared_with: vec!["python:3".into(), "ubuntu:22.04".into()],
                },
            ],
            totals: Some(SharingTotals {
                images: 3,
                layers: 5,
                shared: 1,
                saved_bytes: 145_600_000,
            }),
        }
    }

    #[test]
    fn lines_fit_the_width() {
        for width in [60, 80, 120] {
            let text = render_layers(&web_container(), &Style::plain(width, false));
            assert!(text.lines().all(|l| display_width(l) <= width), "{text}");
        }
    }

    #[test]
    fn unicode_80() {
        insta::assert_snapshot!(render_layers(&web_container(), &Style::plain(80, false)), @r#"
            Layers of web (nginx:latest)
            ┌──────────────────────────────────────────────────────────────────────────────┐
            │ R/W  container layer of web — copy-on-write               3 changes   1.23kB │
            └──────────────────────────────────────────────────────────────────────────────┘
            ┌──────────────────────────────────────────────────────────────────────────────┐
            │ R/O  cccccccccccc    1.2kB  /bin/sh -c #(nop) CMD ["nginx" "-g" "daemon off… │
            ├──────────────────────────────────────────────────────────────────────────────┤
            │ R/O  b20000000000   54.3MB  /bin/sh -c apt-get update && apt-get install -y… │
            ├──────────────────────────────────────────────────────────────────────────────┤
            │ R/O  a1ffffffffff   72.8MB  /bin/sh -c #(nop) ADD file:0e3f in /             │
            │      base layer; shared with: python:3, ubuntu:22.04                         │
            └──────────────────────────────────────────────────────────────────────────────┘
            3 images, 5 layers, 1 shared; 146MB saved by sharing
            R/O image layers never change and are shared by every image and container that
            uses them; each container writes only to its own R/W layer.
            "#);
    }

    #[test]
    fn ascii_50() {
        insta::assert_snapshot!(render_layers(&web_container(), &Style::plain(50, true)), @r#"
            Layers of web (nginx:latest)
            +------------------------------------------------+
            | R/W  container layer of web - copy-on-write    |
            |      3 changes   1.23kB                        |
            +------------------------------------------------+
            +------------------------------------------------+
            | R/O  cccccccccccc    1.2kB                     |
            |      /bin/sh -c #(nop) CMD ["nginx" "-g" "d... |
            +------------------------------------------------+
            | R/O  b20000000000   54.3MB                     |
            |      /bin/sh -c apt-get update && apt-get i... |
            +------------------------------------------------+
            | R/O  a1ffffffffff   72.8MB                     |
            |      /bin/sh -c #(nop) ADD file:0e3f in /      |
            |      base layer; shared with: python:3,        |
            |      ubuntu:22.04                              |
            +------------------------------------------------+
            3 images, 5 layers, 1 shared; 146MB saved by
            sharing
            R/O image layers never change and are shared by
            every image and container that uses them; each
            container writes only to its own R/W layer.
            "#);
    }

    #[test]
    fn ascii_80_image_only() {
        let view = LayerStackView {
            title: "busybox:latest".into(),
            writable: None,
            layers: vec![LayerRow {
                diff_id: format!("sha256:01{}", "2".repeat(62)),
                size: 4_260_000,
                created_by: "/bin/sh -c #(nop) ADD file:busybox in /".into(),
                shared_with: vec![],
            }],
            totals: None,
        };
        insta::assert_snapshot!(render_layers(&view, &Style::plain(80, true)), @r#"
            Layers of busybox:latest
            +------------------------------------------------------------------------------+
            | R/O  012222222222   4.26MB  /bin/sh -c #(nop) ADD file:busybox in /          |
            |      base layer                                                              |
            +------------------------------------------------------------------------------+
            R/O image layers never change and are shared by every image and container that
            uses them; each container writes only to its own R/W layer.
            "#);
    }

    #[test]
    fn unicode_50_colour() {
        let color = Style {
            width: 50,
            color: true,
            ascii: false,
        };
        let text = render_layers(&web_container(), &color);
        assert!(text.contains("\x1b[32mR/W"));
        assert!(text.contains("\x1b[36mR/O"));
        assert!(text.lines().all(|l| display_width(l) <= 50));
    }
}
