//! What `save` and `export` put into their tar. Teaches the difference students mix up:
//! save keeps images whole (every layer as its own blob, each blob once however many
//! images share it, configs with history and CMD), export flattens one container's union
//! of layers into a single file system and drops everything else.
use super::frame;
use super::layers::short_id;
use super::style::{Paint, Style, join, wrap_painted};
use super::units::decimal_size;

#[derive(Debug, Clone)]
pub struct SaveView {
    /// The file written, or "stdout".
    pub target: String,
    pub images: Vec<SavedImage>,
}

#[derive(Debug, Clone)]
pub struct SavedImage {
    /// The name it was saved under (or its short id).
    pub name: String,
    pub config_id: String,
    /// Layers base first: (diff id, size).
    pub layers: Vec<(String, u64)>,
}

#[derive(Debug, Clone)]
pub struct ExportView {
    pub target: String,
    pub container: String,
    pub image: String,
    /// Paths in the R/W layer (`docker diff`).
    pub writable_changes: usize,
    /// The image's layers, top first: (diff id, size).
    pub layers: Vec<(String, u64)>,
}

const MAX_BOX: usize = 80;

pub fn render_save(view: &SaveView, style: &Style) -> String {
    let width = style.width.clamp(40, MAX_BOX);
    let arrow = if style.ascii { "->" } else { "→" };
    let names: Vec<&str> = view.images.iter().map(|i| i.name.as_str()).collect();
    let mut lines = Vec::new();
    lines.extend(wrap_painted(
        &format!("save {} {arrow} {}", names.join(" "), view.target),
        width,
        style,
        Paint::Title,
    ));
    // Each layer blob once, in the order first met; who uses it.
    let mut blobs: Vec<(String, u64, Vec<&str>)> = Vec::new();
    for image in &view.images {
        for (diff_id, size) in &image.layers {
            match blobs.iter_mut().find(|b| b.0 == *diff_id) {
                Some(b) => b.2.push(&image.name),
                None => blobs.push((diff_id.clone(), *size, vec![&image.name])),
            }
        }
    }
    lines.push(frame::top(width, style));
    for image in &view.images {
        let text = format!(
            "config {}  {}: {} layer{}, history, CMD",
            short_id(&image.config_id),
            image.name,
            image.layers.len(),
            if image.layers.len() == 1 { "" } else { "s" }
        );
        lines.push(frame::row(&text, Some(Paint::ReadOnly), width, style));
    }
    lines.push(frame::separator(width, style));
    let mut shared = 0;
    for (diff_id, size, users) in &blobs {
        let who = if users.len() > 1 {
            shared += 1;
            format!("shared by {}, stored once", users.join(", "))
        } else {
            users.join(", ")
        };
        let text = format!(
            "layer  {}  {:>7}  {who}",
            short_id(diff_id),
            decimal_size(*size)
        );
        lines.push(frame::row(&text, Some(Paint::ReadOnly), width, style));
    }
    lines.push(frame::separator(width, style));
    lines.push(frame::row(
        "index.json  manifest.json  repositories  oci-layout",
        None,
        width,
        style,
    ));
    lines.push(frame::bottom(width, style));
    let bytes: u64 = blobs.iter().map(|b| b.1).sum();
    lines.extend(wrap_painted(
        &format!(
            "{} image{}, {} layer blob{} ({shared} shared), {} of layers. Images stay whole: \
             `load` gives back the same IDs, layers and history.",
            view.images.len(),
            if view.images.len() == 1 { "" } else { "s" },
            blobs.len(),
            if blobs.len() == 1 { "" } else { "s" },
            decimal_size(bytes)
        ),
        width,
        style,
        Paint::Dim,
    ));
    join(&lines)
}

pub fn render_export(view: &ExportView, style: &Style) -> String {
    let width = style.width.clamp(40, MAX_BOX);
    let arrow = if style.ascii { "->" } else { "→" };
    let mut lines = Vec::new();
    lines.extend(wrap_painted(
        &format!("export {} {arrow} {}", view.container, view.target),
        width,
        style,
        Paint::Title,
    ));
    lines.push(frame::top(width, style));
    let rw = format!(
        "R/W  container layer of {}  {} change{}",
        view.container,
        view.writable_changes,
        if view.writable_changes == 1 { "" } else { "s" }
    );
    lines.push(frame::row(&rw, Some(Paint::Writable), width, style));
    for (diff_id, size) in &view.layers {
        let text = format!(
            "R/O  {}  {:>7}  {}",
            short_id(diff_id),
            decimal_size(*size),
            view.image
        );
        lines.push(frame::row(&text, Some(Paint::ReadOnly), width, style));
    }
    lines.push(frame::bottom(width, style));
    let down = if style.ascii { "|" } else { "│" };
    let head = if style.ascii { "v" } else { "▼" };
    lines.push(format!(
        "   {down}  union of all {} layers, flattened",
        view.layers.len() + 1
    ));
    lines.push(format!("   {head}"));
    lines.push(frame::top(width, style));
    lines.push(frame::row(
        "one tar: the container's file system",
        None,
        width,
        style,
    ));
    lines.push(frame::bottom(width, style));
    lines.extend(wrap_painted(
        "Gone: the layers, the image's history, CMD, ENV and the rest of its config; \
         deleted files are simply absent (no whiteouts). `import` makes it a one-layer image \
         with no CMD; `save` is the command that keeps images whole.",
        width,
        style,
        Paint::Dim,
    ));
    join(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::style::display_width;

    fn id(prefix: &str) -> String {
        format!("sha256:{prefix}{}", "0".repeat(64 - prefix.len()))
    }

    fn save_view() -> SaveView {
        let base = (id("0907f8fb3e13"), 1_105_408);
        SaveView {
            target: "both.tar".into(),
            images: vec![
                SavedImage {
                    name: "cowimg:v1".into(),
                    config_id: id("19294f051c3e"),
                    layers: vec![base.clone(), (id("6ecf7ca062f2"), 8_704)],
                },
                SavedImage {
                    name: "busybox".into(),
                    config_id: id("2e4eea24457d"),
                    layers: vec![base],
                },
            ],
        }
    }

    fn export_view() -> ExportView {
        ExportView {
            target: "cow.tar".into(),
            container: "cow".into(),
            image: "cowimg:v1".into(),
            writable_changes: 3,
            layers: vec![(id("6ecf7ca062f2"), 8_704), (id("0907f8fb3e13"), 1_105_408)],
        }
    }

    #[test]
    fn save_unicode_80() {
        insta::assert_snapshot!(render_save(&save_view(), &Style::plain(80, false)), @r"
            save cowimg:v1 busybox → both.tar
            ┌──────────────────────────────────────────────────────────────────────────────┐
            │ config 19294f051c3e  cowimg:v1: 2 layers, history, CMD                       │
            │ config 2e4eea24457d  busybox: 1 layer, history, CMD                          │
            ├──────────────────────────────────────────────────────────────────────────────┤
            │ layer  0907f8fb3e13   1.11MB  shared by cowimg:v1, busybox, stored once      │
            │ layer  6ecf7ca062f2    8.7kB  cowimg:v1                                      │
            ├──────────────────────────────────────────────────────────────────────────────┤
            │ index.json  manifest.json  repositories  oci-layout                          │
            └──────────────────────────────────────────────────────────────────────────────┘
            2 images, 2 layer blobs (1 shared), 1.11MB of layers. Images stay whole: `load`
            gives back the same IDs, layers and history.
        ");
    }

    #[test]
    fn export_ascii_50() {
        insta::assert_snapshot!(render_export(&export_view(), &Style::plain(50, true)), @r"
            export cow -> cow.tar
            +------------------------------------------------+
            | R/W  container layer of cow  3 changes         |
            | R/O  6ecf7ca062f2    8.7kB  cowimg:v1          |
            | R/O  0907f8fb3e13   1.11MB  cowimg:v1          |
            +------------------------------------------------+
               |  union of all 3 layers, flattened
               v
            +------------------------------------------------+
            | one tar: the container's file system           |
            +------------------------------------------------+
            Gone: the layers, the image's history, CMD, ENV
            and the rest of its config; deleted files are
            simply absent (no whiteouts). `import` makes it a
            one-layer image with no CMD; `save` is the command
            that keeps images whole.
        ");
    }

    #[test]
    fn lines_fit_the_width() {
        for width in [40, 50, 80, 120] {
            for ascii in [false, true] {
                let s = Style::plain(width, ascii);
                for text in [
                    render_save(&save_view(), &s),
                    render_export(&export_view(), &s),
                ] {
                    assert!(
                        text.lines().all(|l| display_width(l) <= width.min(MAX_BOX)),
                        "{text}"
                    );
                }
            }
        }
    }
}
