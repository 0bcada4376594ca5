//! Memory across pause and stop. Teaches that `pause` freezes processes and keeps their memory
//! (so `unpause` is instant), while `stop` ends them and frees it (so `start` pays again to
//! rebuild it).
use super::style::{Paint, Style, join, pad, truncate, wrap};
use super::units::binary_size;

/// What the memory diagram shows: one sample per phase of the container's life.
#[derive(Debug, Clone)]
pub struct MemoryView {
    pub container: String,
    /// Where the figures come from, e.g. "simulated model" or
    /// "cgroup v1 memory.usage_in_bytes − total_inactive_file".
    pub source: String,
    pub samples: Vec<MemSample>,
}

#[derive(Debug, Clone)]
pub struct MemSample {
    /// "running", "paused", "stopped", "started again".
    pub phase: String,
    pub bytes: u64,
    /// How long the move into this phase took (for a start: including the warm-up).
    pub latency_ms: Option<f64>,
}

const SIZE_W: usize = 9;
const MAX_PHASE_W: usize = 16;
/// Narrowest bar still worth drawing beside its annotation.
const MIN_BAR: usize = 12;

pub fn render_memory(view: &MemoryView, style: &Style) -> String {
    let mut lines: Vec<String> = wrap(
        &format!("Memory of {} across pause and stop", view.container),
        style.width,
        style,
    )
    .into_iter()
    .map(|l| style.paint(&l, Paint::Title))
    .collect();
    if view.samples.is_empty() {
        let empty = "no samples yet: pause, stop and start the container to fill this in";
        lines.extend(wrap(empty, style.width, style));
    } else {
        lines.extend(bars(view, style));
    }
    lines.push(String::new());
    let lesson = "pause freezes the processes: their memory stays resident and unpause resumes \
                  them at once. stop ends them: the memory is freed, and start has to rebuild it.";
    lines.extend(wrap(lesson, style.width, style));
    let source = format!("source: {}", view.source);
    lines.extend(
        wrap(&source, style.width, style)
            .into_iter()
            .map(|l| style.paint(&l, Paint::Dim)),
    );
    join(&lines)
}

fn bars(view: &MemoryView, style: &Style) -> Vec<String> {
    let g = style.glyphs();
    let max = view.samples.iter().map(|s| s.bytes).max().unwrap_or(0);
    let phase_w = view
        .samples
        .iter()
        .map(|s| s.phase.chars().count())
        .max()
        .unwrap_or(0)
        .min(MAX_PHASE_W);
    let notes: Vec<String> = view
        .samples
        .iter()
        .enumerate()
        .map(|(i, s)| annotation(i.checked_sub(1).map(|p| &view.samples[p]), s))
        .collect();
    let note_w = notes.iter().map(|n| n.chars().count()).max().unwrap_or(0);
    // "  phase bar size  note"
    let fixed = 2 + phase_w + 1 + 1 + SIZE_W;
    let inline_bar = style.width.saturating_sub(fixed + 2 + note_w);
    let inline = inline_bar >= MIN_BAR;
    let bar_w = if inline {
        inline_bar.min(40)
    } else {
        style.width.saturating_sub(fixed).clamp(4, 40)
    };

    let mut lines = Vec::new();
    for (sample, note) in view.samples.iter().zip(&notes) {
        let filled = if max == 0 {
            0
        } else {
            ((sample.bytes as f64 / max as f64) * bar_w as f64).round() as usize
        };
        // A few bytes still show: an empty bar must mean nothing is held.
        let filled = if sample.bytes > 0 { filled.max(1) } else { 0 };
        let full: String = std::iter::repeat_n(g.bar_full, filled).collect();
        let empty: String = std::iter::repeat_n(g.bar_empty, bar_w - filled).collect();
        let mut line = format!(
            "  {} {}{} {:>SIZE_W$}",
            pad(&truncate(&sample.phase, phase_w, style), phase_w),
            style.paint(&full, Paint::Writable),
            style.paint(&empty, Paint::Dim),
            binary_size(sample.bytes),
        );
        if inline && !note.is_empty() {
            line.push_str("  ");
            line.push_str(note);
        }
        lines.push(line);
        if !inline && !note.is_empty() {
            let indent = " ".repeat(3 + phase_w);
            let text = truncate(note, style.width.saturating_sub(indent.len()), style);
            lines.push(format!("{indent}{text}"));
        }
    }
    lines
}

/// What happened to the memory on the way into `sample`, and how long the move took.
fn annotation(previous: Option<&MemSample>, sample: &MemSample) -> String {
    let Some(prev) = previous else {
        return String::new();
    };
    let what = if sample.bytes == 0 && prev.bytes > 0 {
        "memory freed"
    } else if prev.bytes == 0 && sample.bytes > 0 {
        "rebuilt from scratch"
    } else if sample.bytes.abs_diff(prev.bytes) <= prev.bytes / 20 {
        "memory kept"
    } else if sample.bytes > prev.bytes {
        "grew"
    } else {
        "shrank"
    };
    match sample.latency_ms {
        Some(ms) => format!("{what}, took {}", duration(ms)),
        None => what.to_string(),
    }
}

fn duration(ms: f64) -> String {
    if ms >= 1000.0 {
        format!("{:.2} s", ms / 1000.0)
    } else if ms >= 10.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{ms:.1} ms")
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::render::style::display_width;

    /// The figures of reference/e_pause_vs_stop_memory.txt.
    fn reference_run() -> MemoryView {
        let sample = |phase: &str, bytes, latency_ms| MemSample {
            phase: phase.into(),
            bytes,
            latency_ms,
        };
        MemoryView {
            container: "mem".into(),
            source: "cgroup v1 memory.usage_in_bytes − total_inactive_file".into(),
            samples: vec![
                sample("running", 105_824_256, None),
                sample("paused", 105_824_256, Some(41.0)),
                sample("unpaused", 105_906_176, Some(45.0)),
                sample("stopped", 0, Some(628.0)),
                sample("started again", 106_037_248, Some(1324.0)),
            ],
        }
    }

    #[test]
    fn lines_fit_the_width() {
        for width in [50, 60, 80, 120] {
            let text = render_memory(&reference_run(), &Style::plain(width, false));
            assert!(text.lines().all(|l| display_width(l) <= width), "{text}");
        }
    }

    #[test]
    fn annotations_follow_the_figures() {
        let kept = annotation(
            Some(&MemSample {
                phase: "running".into(),
                bytes: 100,
                latency_ms: None,
            }),
            &MemSample {
                phase: "paused".into(),
                bytes: 100,
                latency_ms: Some(0.4),
            },
        );
        assert_eq!(kept, "memory kept, took 0.4 ms");
    }

    #[test]
    fn unicode_80() {
        insta::assert_snapshot!(render_memory(&reference_run(), &Style::plain(80, false)), @r#"
            Memory of mem across pause and stop
              running       ███████████████████  100.9MiB
              paused        ███████████████████  100.9MiB  memory kept, took 41 ms
              unpaused      ███████████████████    101MiB  memory kept, took 45 ms
              stopped       ░░░░░░░░░░░░░░░░░░░        0B  memory freed, took 628 ms
              started again ███████████████████  101.1MiB  rebuilt from scratch, took 1.32 s

            pause freezes the processes: their memory stays resident and unpause resumes
            them at once. stop ends them: the memory is freed, and start has to rebuild it.
            source: cgroup v1 memory.usage_in_bytes − total_inactive_file
            "#);
    }

    #[test]
    fn ascii_80() {
        insta::assert_snapshot!(render_memory(&reference_run(), &Style::plain(80, true)), @r#"
            Memory of mem across pause and stop
              running       ###################  100.9MiB
              paused        ###################  100.9MiB  memory kept, took 41 ms
              unpaused      ###################    101MiB  memory kept, took 45 ms
              stopped       ...................        0B  memory freed, took 628 ms
              started again ###################  101.1MiB  rebuilt from scratch, took 1.32 s

            pause freezes the processes: their memory stays resident and unpause resumes
            them at once. stop ends them: the memory is freed, and start has to rebuild it.
            source: cgroup v1 memory.usage_in_bytes − total_inactive_file
            "#);
    }

    #[test]
    fn unicode_50() {
        insta::assert_snapshot!(render_memory(&reference_run(), &Style::plain(50, false)), @r#"
            Memory of mem across pause and stop
              running       ████████████████████████  100.9MiB
              paused        ████████████████████████  100.9MiB
                            memory kept, took 41 ms
              unpaused      ████████████████████████    101MiB
                            memory kept, took 45 ms
              stopped       ░░░░░░░░░░░░░░░░░░░░░░░░        0B
                            memory freed, took 628 ms
              started again ████████████████████████  101.1MiB
                            rebuilt from scratch, took 1.32 s

            pause freezes the processes: their memory stays
            resident and unpause resumes them at once. stop
            ends them: the memory is freed, and start has to
            rebuild it.
            source: cgroup v1 memory.usage_in_bytes −
            total_inactive_file
            "#);
    }

    #[test]
    fn ascii_50_empty() {
        let view = MemoryView {
            container: "mem".into(),
            source: "simulated model".into(),
            samples: vec![],
        };
        insta::assert_snapshot!(render_memory(&view, &Style::plain(50, true)), @r#"
            Memory of mem across pause and stop
            no samples yet: pause, stop and start the
            container to fill this in

            pause freezes the processes: their memory stays
            resident and unpause resumes them at once. stop
            ends them: the memory is freed, and start has to
            rebuild it.
            source: simulated model
            "#);
    }
}
