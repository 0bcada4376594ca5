//! What `commit` made: the image's layers kept as they are (shared, not copied) and one new
//! layer on top, tarred from the container's writable layer — with its deletions turned
//! into whiteouts. Teaches that commit freezes the R/W layer into an R/O one and nothing
//! below it changes.
use super::frame;
use super::layers::short_id;
use super::style::{Paint, Style, join, wrap, wrap_painted};
use super::units::decimal_size;

#[derive(Debug, Clone)]
pub struct CommitView {
    pub container: String,
    /// "sha256:<hex>" of the new image.
    pub image_id: String,
    /// The new image's tag, if commit gave one.
    pub tag: Option<String>,
    /// The image the container ran (what its layers were kept from).
    pub parent: String,
    /// The parent's layers, top first: (diff id, size).
    pub kept: Vec<(String, u64)>,
    /// The layer made from the R/W layer; None when the container changed nothing.
    pub new_layer: Option<NewLayer>,
}

#[derive(Debug, Clone)]
pub struct NewLayer {
    pub diff_id: String,
    pub size: u64,
    /// Paths added or changed (`docker diff` A and C).
    pub written: usize,
    /// Paths deleted: whiteouts in the tar (`.wh.<name>`).
    pub whiteouts: usize,
    /// Directories replaced whole (`.wh..wh..opq`).
    pub opaque: usize,
}

const MAX_BOX: usize = 80;

pub fn render_commit(view: &CommitView, style: &Style) -> String {
    let width = style.width.clamp(34, MAX_BOX);
    let arrow = if style.ascii { "->" } else { "→" };
    let down = if style.ascii { "|" } else { "│" };
    let head = if style.ascii { "v" } else { "▼" };
    let name = match &view.tag {
        Some(t) => format!("{t} ({})", short_id(&view.image_id)),
        None => short_id(&view.image_id),
    };
    let title = format!("commit {} {arrow} image {name}", view.container);
    let mut lines = wrap_painted(&title, width, style, Paint::Title);
    match &view.new_layer {
        Some(l) => {
            let mut what = format!("R/W layer of {}: {} written", view.container, l.written);
            if l.whiteouts > 0 {
                what.push_str(&format!(", {} deleted (whiteouts)", l.whiteouts));
            }
            if l.opaque > 0 {
                what.push_str(&format!(", {} dir(s) replaced (opaque)", l.opaque));
            }
            lines.extend(wrap_painted(&what, width, style, Paint::Writable));
            lines.push(format!("   {down}  tarred into one new layer"));
            lines.push(format!("   {head}"));
        }
        None => lines.extend(wrap(
            &format!(
                "R/W layer of {}: no changes, so no new layer (an empty history entry)",
                view.container
            ),
            width,
            style,
        )),
    }
    lines.push(frame::top(width, style));
    if let Some(l) = &view.new_layer {
        let text = format!(
            "NEW  {}  {:>7}  from the R/W layer",
            short_id(&l.diff_id),
            decimal_size(l.size)
        );
        lines.push(frame::row(&text, Some(Paint::Writable), width, style));
    }
    for (i, (diff_id, size)) in view.kept.iter().enumerate() {
        if i > 0 || view.new_layer.is_some() {
            lines.push(frame::separator(width, style));
        }
        let text = format!(
            "R/O  {}  {:>7}  kept from {}",
            short_id(diff_id),
            decimal_size(*size),
            view.parent
        );
        lines.push(frame::row(&text, Some(Paint::ReadOnly), width, style));
    }
    lines.push(frame::bottom(width, style));
    let kept = view.kept.len();
    let summary = format!(
        "{kept} layer{} kept as is (shared with {}, not copied) + {} new. The container \
         runs on, on its own R/W layer.",
        if kept == 1 { "" } else { "s" },
        view.parent,
        usize::from(view.new_layer.is_some()),
    );
    lines.extend(wrap_painted(&summary, width, style, Paint::Dim));
    join(&lines)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::style::display_width;

    fn view() -> CommitView {
        CommitView {
            container: "cow".into(),
            image_id: format!("sha256:19294f051c3e{}", "0".repeat(52)),
            tag: Some("cowimg:v1".into()),
            parent: "busybox".into(),
            kept: vec![(format!("sha256:0907f8fb3e13{}", "1".repeat(52)), 1_054_720)],
            new_layer: Some(NewLayer {
                diff_id: format!("sha256:6ecf7ca062f2{}", "2".repeat(52)),
                size: 42,
                written: 5,
                whiteouts: 2,
                opaque: 1,
            }),
        }
    }

    #[test]
    fn unicode_80() {
        insta::assert_snapshot!(render_commit(&view(), &Style::plain(80, false)), @r"
        commit cow → image cowimg:v1 (19294f051c3e)
        R/W layer of cow: 5 written, 2 deleted (whiteouts), 1 dir(s) replaced (opaque)
           │  tarred into one new layer
           ▼
        ┌──────────────────────────────────────────────────────────────────────────────┐
        │ NEW  6ecf7ca062f2      42B  from the R/W layer                               │
        ├──────────────────────────────────────────────────────────────────────────────┤
        │ R/O  0907f8fb3e13   1.05MB  kept from busybox                                │
        └──────────────────────────────────────────────────────────────────────────────┘
        1 layer kept as is (shared with busybox, not copied) + 1 new. The container runs
        on, on its own R/W layer.
        ");
    }

    #[test]
    fn ascii_40_without_changes() {
        let mut v = view();
        v.new_layer = None;
        v.tag = None;
        insta::assert_snapshot!(render_commit(&v, &Style::plain(40, true)), @r"
            commit cow -> image 19294f051c3e
            R/W layer of cow: no changes, so no new
            layer (an empty history entry)
            +--------------------------------------+
            | R/O  0907f8fb3e13   1.05MB  kept ... |
            +--------------------------------------+
            1 layer kept as is (shared with busybox,
            not copied) + 0 new. The container runs
            on, on its own R/W layer.
        ");
    }

    #[test]
    fn lines_fit_the_width() {
        for width in [34, 50, 80, 120] {
            for ascii in [false, true] {
                let text = render_commit(&view(), &Style::plain(width, ascii));
                assert!(
                    text.lines().all(|l| display_width(l) <= width.min(MAX_BOX)),
                    "{text}"
                );
            }
        }
    }
}
