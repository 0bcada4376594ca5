//! The container lifecycle diagram. Teaches which moves are legal from which state (straight from
//! the engine's edge table), where the container is now, what the last command did, and why a
//! refused command was refused.
mod graph;
mod wide;

use crate::engine::state::{ContainerStatus, Transition};
use crate::render::style::{Paint, Style, join, pad, wrap_hanging};

pub use graph::{label, lifecycle_graph, moves_by_pair};

/// What the lifecycle diagram shows, filled from engine state.
#[derive(Debug, Clone, Default)]
pub struct LifecycleView {
    /// The container's name, if the diagram is about one.
    pub container: Option<String>,
    pub current: Option<ContainerStatus>,
    /// The move that just happened: (from, move, to). For `create`, `from` is ignored.
    pub last: Option<(ContainerStatus, Transition, ContainerStatus)>,
    pub refused: Option<Refusal>,
    /// One explanatory line under the diagram.
    pub note: Option<String>,
}

/// A move the engine refused; the state did not change.
#[derive(Debug, Clone)]
pub struct Refusal {
    pub from: ContainerStatus,
    pub transition: Transition,
    /// Docker's wording, e.g. "cannot start a paused container, try unpause instead".
    pub reason: String,
}

/// Draws the lifecycle: the full picture when the width allows, a list of arrows otherwise.
pub fn render_lifecycle(view: &LifecycleView, style: &Style) -> String {
    let pairs = moves_by_pair();
    let g = style.glyphs();
    let mut lines = vec![style.paint(&title(view), Paint::Title)];
    let canvas = wide::draw(view, &pairs, style);
    let unplaced: Vec<_> = pairs
        .iter()
        .filter(|(k, _)| !wide::PLACED.contains(k))
        .collect();
    if canvas.width() <= style.width {
        lines.extend(canvas.lines(style));
        for ((from, to), moves) in unplaced {
            lines.push(format!(
                "also: {} {}{}{} {}",
                name(*from),
                g.h,
                label(moves),
                g.right,
                name(*to)
            ));
        }
    } else {
        lines.extend(arrow_list(view, &pairs, style));
    }
    lines.push(String::new());
    lines.extend(footer(view, style));
    join(&lines)
}

fn title(view: &LifecycleView) -> String {
    let mut t = String::from("Container lifecycle");
    if let Some(name) = &view.container {
        t.push_str(&format!(" of {name}"));
    }
    if let Some(cur) = view.current {
        t.push_str(&format!(": {}", cur.as_str()));
    }
    t
}

fn name(s: ContainerStatus) -> String {
    s.as_str().to_uppercase()
}

/// The text of a state's box and its paint: `[*RUNNING*]` marks where the container is now.
pub(crate) fn state_box(s: ContainerStatus, view: &LifecycleView) -> (String, Option<Paint>) {
    if view.current == Some(s) {
        (format!("[*{}*]", name(s)), Some(Paint::Current))
    } else {
        (format!("[ {} ]", name(s)), None)
    }
}

/// The narrow form: one arrow per pair of states, in the order a container lives them.
fn arrow_list(
    view: &LifecycleView,
    pairs: &std::collections::BTreeMap<(ContainerStatus, ContainerStatus), Vec<Transition>>,
    style: &Style,
) -> Vec<String> {
    let g = style.glyphs();
    let marked = |s: ContainerStatus| {
        if view.current == Some(s) {
            style.paint(&format!("*{}*", name(s)), Paint::Current)
        } else {
            name(s)
        }
    };
    // Arrows padded to the longest label so the target states line up.
    let longest = pairs
        .values()
        .map(|m| label(m).chars().count())
        .max()
        .unwrap_or(0);
    let arrow = |text: &str, heavy: bool, head: char| {
        let h = if heavy { g.hh } else { g.h };
        let fill: String =
            std::iter::repeat_n(h, longest.saturating_sub(text.chars().count()) + 2).collect();
        format!("{h}{h}{text}{fill}{head}")
    };
    let entry_last = view.last.is_some_and(|(_, t, _)| t == Transition::Create);
    let entry = format!(
        "  {} {} {}",
        pad(&g.entry.to_string(), 9),
        arrow(Transition::Create.as_str(), entry_last, g.right),
        marked(ContainerStatus::Created)
    );
    let mut lines = vec![if entry_last {
        style.paint(&entry, Paint::Last)
    } else {
        entry
    }];
    for ((from, to), moves) in pairs {
        let last = view.last.is_some_and(|(f, t, d)| {
            t != Transition::Create && f == *from && d == *to && moves.contains(&t)
        });
        let line = format!(
            "  {} {} {}",
            pad(&marked(*from), 9),
            arrow(&label(moves), last, g.right),
            marked(*to)
        );
        lines.push(if last {
            style.paint(&line, Paint::Last)
        } else {
            line
        });
    }
    if let Some(r) = &view.refused {
        let line = format!(
            "  {} {}",
            pad(&marked(r.from), 9),
            arrow(r.transition.as_str(), false, g.refused)
        );
        lines.push(style.paint(&line, Paint::Refused));
    }
    lines
}

/// What happened, why a move was refused, the note, and the legend.
fn footer(view: &LifecycleView, style: &Style) -> Vec<String> {
    let g = style.glyphs();
    let mut lines = Vec::new();
    if let Some((from, t, to)) = view.last {
        let from = if t == Transition::Create {
            g.entry.to_string()
        } else {
            name(from)
        };
        let text = format!(
            "last: {from} {h}{h}{}{h}{h}{} {}",
            t.as_str(),
            g.right,
            name(to),
            h = g.hh
        );
        lines.push(style.paint(&text, Paint::Last));
    }
    if let Some(r) = &view.refused {
        let head = format!(
            "refused: {} {h}{h}{}{h}{h}{} (state unchanged)",
            name(r.from),
            r.transition.as_str(),
            g.refused,
            h = g.h
        );
        lines.push(style.paint(&head, Paint::Refused));
        for l in wrap_hanging("  ", &r.reason, style.width, style) {
            lines.push(style.paint(&l, Paint::Refused));
        }
    }
    if let Some(note) = &view.note {
        lines.extend(wrap_hanging("note: ", note, style.width, style));
    }
    let legend = if style.ascii {
        "[*X*] now  ==> last move  X refused  * create/run"
    } else {
        "[*X*] now  ━━▶ last move  ✗ refused  ● create/run"
    };
    lines.push(style.paint(legend, Paint::Dim));
    lines
}

#[cfg(test)]
mod tests;
