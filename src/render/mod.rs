//! Pure renderers: a view of engine state in, diagram text out. No I/O, no clock, no globals;
//! width, colour and ASCII come in through `Style`.
pub mod arch;
pub mod archive;
pub mod canvas;
pub mod commit;
pub mod cow;
pub mod disk;
pub mod frame;
pub mod layers;
pub mod lifecycle;
pub mod memory;
pub mod ns;
pub mod style;
pub mod template;
pub mod units;

pub use style::{Paint, Style};

#[cfg(test)]
mod colour_tests {
    //! Colour only adds escape codes: stripped, the coloured text is the plain text.
    use super::*;
    use crate::engine::state::{ContainerStatus as S, Transition as T};

    fn strip_ansi(s: &str) -> String {
        let mut out = String::new();
        let mut in_escape = false;
        for c in s.chars() {
            if in_escape {
                in_escape = c != 'm';
            } else if c == '\x1b' {
                in_escape = true;
            } else {
                out.push(c);
            }
        }
        out
    }

    fn both(render: impl Fn(&Style) -> String) {
        for width in [50, 80] {
            for ascii in [false, true] {
                let plain = Style {
                    width,
                    color: false,
                    ascii,
                };
                let color = Style {
                    color: true,
                    ..plain
                };
                let painted = render(&color);
                assert!(painted.contains('\x1b'), "no colour at all:\n{painted}");
                assert_eq!(strip_ansi(&painted), render(&plain));
            }
        }
    }

    #[test]
    fn every_renderer_colours_without_changing_the_text() {
        both(|s| {
            let view = lifecycle::LifecycleView {
                container: Some("web".into()),
                current: Some(S::Paused),
                last: Some((S::Running, T::Pause, S::Paused)),
                refused: Some(lifecycle::Refusal {
                    from: S::Paused,
                    transition: T::Start,
                    reason: "cannot start a paused container, try unpause instead".into(),
                }),
                note: Some("pause froze the cgroup".into()),
            };
            lifecycle::render_lifecycle(&view, s)
        });
        both(|s| {
            let view = layers::LayerStackView {
                title: "busybox:latest".into(),
                writable: Some(layers::WritableLayer {
                    container: "web".into(),
                    size: 10,
                    changes: 1,
                }),
                layers: vec![layers::LayerRow {
                    diff_id: format!("sha256:{}", "a".repeat(64)),
                    size: 4_260_000,
                    created_by: "ADD file in /".into(),
                    shared_with: vec!["alpine".into()],
                }],
                totals: None,
            };
            layers::render_layers(&view, s)
        });
        both(|s| {
            let view = cow::CowView {
                container: "cow".into(),
                image: "busybox".into(),
                rows: vec![cow::CowRow {
                    kind: cow::ChangeKind::Changed,
                    path: "/etc/motd".into(),
                    from_layer: Some("6472e4ee35f4".into()),
                    action: cow::CowAction::CopiedUp,
                    size: Some(30),
                }],
            };
            cow::render_cow(&view, s)
        });
        both(|s| {
            let view = memory::MemoryView {
                container: "mem".into(),
                source: "simulated model".into(),
                samples: vec![
                    memory::MemSample {
                        phase: "running".into(),
                        bytes: 100 << 20,
                        latency_ms: None,
                    },
                    memory::MemSample {
                        phase: "stopped".into(),
                        bytes: 0,
                        latency_ms: Some(600.0),
                    },
                ],
            };
            memory::render_memory(&view, s)
        });
        both(|s| {
            let view = arch::ArchView {
                command: Some("docker pull busybox".into()),
                touches: arch::ArchTouch {
                    client: true,
                    daemon: true,
                    registry: true,
                    objects: vec!["image busybox".into()],
                },
            };
            arch::render_arch(&view, s)
        });
        both(|s| {
            let view = disk::DiskView {
                root: "/r".into(),
                entries: vec![disk::DiskEntry {
                    path: "overlay2/x/diff/etc/group".into(),
                    kind: disk::EntryKind::Whiteout,
                    size: None,
                    note: Some("hides /etc/group".into()),
                }],
            };
            disk::render_disk(&view, s)
        });
        both(|s| {
            let view = commit::CommitView {
                container: "cow".into(),
                image_id: format!("sha256:{}", "b".repeat(64)),
                tag: Some("cowimg:v1".into()),
                parent: "busybox".into(),
                kept: vec![(format!("sha256:{}", "a".repeat(64)), 1_000)],
                new_layer: Some(commit::NewLayer {
                    diff_id: format!("sha256:{}", "c".repeat(64)),
                    size: 10,
                    written: 1,
                    whiteouts: 1,
                    opaque: 0,
                }),
            };
            commit::render_commit(&view, s)
        });
        both(|s| {
            let layers = vec![(format!("sha256:{}", "a".repeat(64)), 1_000)];
            let save = archive::SaveView {
                target: "x.tar".into(),
                images: vec![archive::SavedImage {
                    name: "busybox".into(),
                    config_id: format!("sha256:{}", "b".repeat(64)),
                    layers: layers.clone(),
                }],
            };
            let export = archive::ExportView {
                target: "e.tar".into(),
                container: "cow".into(),
                image: "busybox".into(),
                writable_changes: 2,
                layers,
            };
            archive::render_save(&save, s) + &archive::render_export(&export, s)
        });
    }
}
