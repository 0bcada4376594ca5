//! The hand-laid lifecycle picture: the states on one row in the order a container lives them,
//! moves back to RUNNING as arcs above, removal as drops into a REMOVED bar below. Each arrow is
//! placed in a fixed slot but labelled from the graph; pairs without a slot are listed after it.
use std::collections::BTreeMap;

use super::graph::label;
use super::{LifecycleView, state_box};
use crate::engine::state::{ContainerStatus as S, ContainerStatus, Transition};
use crate::render::canvas::Canvas;
use crate::render::style::{Paint, Style};

type Pairs = BTreeMap<(ContainerStatus, ContainerStatus), Vec<Transition>>;

/// Rows of the picture, top to bottom.
const ARC_OUTER: usize = 0;
const ARC_MIDDLE: usize = 1;
const ARC_INNER: usize = 2;
const LABEL_ROW: usize = 3;
const STATE_ROW: usize = 4;
const DROP_LABEL_ROW: usize = 6;
const BUS_ROW: usize = 8;

/// The order of states along the row.
const ROW: [ContainerStatus; 4] = [S::Created, S::Running, S::Paused, S::Exited];

/// The pairs this layout has a slot for; anything else in the table is listed under the picture.
pub const PLACED: [(ContainerStatus, ContainerStatus); 11] = [
    (S::Created, S::Running),
    (S::Running, S::Paused),
    (S::Paused, S::Exited),
    (S::Paused, S::Running),
    (S::Running, S::Exited),
    (S::Exited, S::Running),
    (S::Running, S::Running),
    (S::Created, S::Removed),
    (S::Running, S::Removed),
    (S::Paused, S::Removed),
    (S::Exited, S::Removed),
];

/// How one arrow is drawn: light, or heavy and painted when it carried the last move.
#[derive(Clone, Copy)]
struct Pen {
    heavy: bool,
    paint: Option<Paint>,
}

/// Draws the picture onto a canvas; the caller checks that it fits the width.
pub fn draw(view: &LifecycleView, pairs: &Pairs, style: &Style) -> Canvas {
    let g = style.glyphs();
    let mut c = Canvas::new();
    let pen = |from: ContainerStatus, to: ContainerStatus| -> Pen {
        let last = view
            .last
            .is_some_and(|(f, t, dest)| t != Transition::Create && f == from && dest == to);
        Pen {
            heavy: last,
            paint: last.then_some(Paint::Last),
        }
    };
    let text_of = |from, to| pairs.get(&(from, to)).map(|m| label(m));

    // Entry arrow, then states and the forward arrows between them.
    let entry_last = view.last.is_some_and(|(_, t, _)| t == Transition::Create);
    let entry_pen = Pen {
        heavy: entry_last,
        paint: entry_last.then_some(Paint::Last),
    };
    c.put(0, STATE_ROW, g.entry, None);
    let mut x = 1;
    x = forward_arrow(
        &mut c,
        x,
        Some(Transition::Create.as_str().to_string()),
        entry_pen,
        style,
    );
    let mut box_x = [0usize; 4];
    for (i, state) in ROW.iter().enumerate() {
        box_x[i] = x;
        let (text, paint) = state_box(*state, view);
        c.text(x, STATE_ROW, &text, paint);
        x += text.chars().count();
        if let Some(next) = ROW.get(i + 1) {
            x = forward_arrow(&mut c, x, text_of(*state, *next), pen(*state, *next), style);
        }
    }
    let [created, running, paused, exited] = box_x;

    // Arcs above: outermost first so the inner ones nest without crossing.
    let arcs = [
        (S::Exited, S::Running, exited + 7, running + 1, ARC_OUTER),
        (S::Running, S::Exited, running + 3, exited + 4, ARC_MIDDLE),
        (S::Paused, S::Running, paused + 4, running + 9, ARC_INNER),
    ];
    for (from, to, x_from, x_to, row) in arcs {
        if let Some(text) = text_of(from, to) {
            arc_above(&mut c, x_from, x_to, row, &text, pen(from, to), style);
        }
    }

    // restart: a small loop under RUNNING, out on the left leg, back in on the right.
    if let Some(text) = text_of(S::Running, S::Running) {
        let p = pen(S::Running, S::Running);
        let (h, v, bl, br) = if p.heavy {
            (g.hh, g.hv, g.hbl, g.hbr)
        } else {
            (g.h, g.v, g.bl, g.br)
        };
        c.put(running + 1, STATE_ROW + 1, v, p.paint);
        c.put(running + 3, STATE_ROW + 1, g.up, p.paint);
        c.put(running + 1, STATE_ROW + 2, bl, p.paint);
        c.put(running + 2, STATE_ROW + 2, h, p.paint);
        c.put(running + 3, STATE_ROW + 2, br, p.paint);
        let lx = (running + 2).saturating_sub(text.chars().count() / 2);
        c.text(lx, STATE_ROW + 3, &text, p.paint);
    }

    // Removal: each state drops into the REMOVED bar.
    let drops = [
        (S::Created, created + 5),
        (S::Running, running + 7),
        (S::Paused, paused + 5),
        (S::Exited, exited + 5),
    ];
    let mut bus = (usize::MAX, 0);
    for (from, dx) in drops {
        if let Some(text) = text_of(from, S::Removed) {
            let p = pen(from, S::Removed);
            let v = if p.heavy { g.hv } else { g.v };
            c.vline(dx, STATE_ROW + 1, BUS_ROW - 2, v, p.paint);
            c.put(dx, BUS_ROW - 1, g.down, p.paint);
            c.text(dx + 2, DROP_LABEL_ROW, &text, p.paint);
            bus = (bus.0.min(dx), bus.1.max(dx));
        }
    }
    if bus.0 <= bus.1 {
        c.hline(bus.0, bus.1, BUS_ROW, g.h, None);
        let (text, paint) = state_box(S::Removed, view);
        let mid = (bus.0 + bus.1) / 2;
        let tx = mid.saturating_sub(text.chars().count() / 2);
        c.text(tx - 1, BUS_ROW, &format!(" {text} "), None);
        c.text(tx, BUS_ROW, &text, paint);
        if view.refused.as_ref().is_some_and(|r| r.from == S::Removed) {
            c.put(
                tx + text.chars().count(),
                BUS_ROW,
                g.refused,
                Some(Paint::Refused),
            );
        }
    }

    // A refused move: a mark right under the state it was tried from, clear of the arrows
    // leaving it (the footer names the move and the reason).
    if let Some(refusal) = &view.refused
        && let Some(i) = ROW.iter().position(|s| *s == refusal.from)
    {
        let offset = if refusal.from == S::Running { 5 } else { 1 };
        c.put(
            box_x[i] + offset,
            STATE_ROW + 1,
            g.refused,
            Some(Paint::Refused),
        );
    }
    c
}

/// ` ───▶ ` with its label on the row above; returns the column after it.
fn forward_arrow(c: &mut Canvas, x: usize, text: Option<String>, pen: Pen, style: &Style) -> usize {
    let g = style.glyphs();
    let Some(text) = text else {
        return x + 4;
    };
    let width = text.chars().count().max(3) + 2;
    let h = if pen.heavy { g.hh } else { g.h };
    c.hline(x + 1, x + width - 3, STATE_ROW, h, pen.paint);
    c.put(x + width - 2, STATE_ROW, g.right, pen.paint);
    let lx = x + (width - text.chars().count()) / 2;
    c.text(lx, LABEL_ROW, &text, pen.paint);
    x + width
}

/// An arc over the state row from `x_from` to `x_to`, its horizontal on `row`, the label on it.
fn arc_above(
    c: &mut Canvas,
    x_from: usize,
    x_to: usize,
    row: usize,
    text: &str,
    pen: Pen,
    style: &Style,
) {
    let g = style.glyphs();
    let (h, v, tl, tr) = if pen.heavy {
        (g.hh, g.hv, g.htl, g.htr)
    } else {
        (g.h, g.v, g.tl, g.tr)
    };
    let (left, right) = (x_from.min(x_to), x_from.max(x_to));
    c.hline(left, right, row, h, pen.paint);
    c.put(left, row, tl, pen.paint);
    c.put(right, row, tr, pen.paint);
    c.vline(x_from, row + 1, STATE_ROW - 1, v, pen.paint);
    if row + 1 < STATE_ROW - 1 {
        c.vline(x_to, row + 1, STATE_ROW - 2, v, pen.paint);
    }
    c.put(x_to, STATE_ROW - 1, g.down, pen.paint);
    let framed = format!(" {text} ");
    let lx = (left + right + 1).saturating_sub(framed.chars().count()) / 2;
    c.text(lx.max(left + 1), row, &framed, pen.paint);
}
