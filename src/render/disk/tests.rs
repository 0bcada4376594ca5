use super::*;
use crate::render::style::display_width;

fn style(width: usize, ascii: bool) -> Style {
    Style {
        width,
        color: false,
        ascii,
    }
}

/// A container's layer dir as in reference/c_copy_on_write.txt.
fn container_layer() -> DiskView {
    let id = "7bf83903ab74e376818966d18cd5e820ac98e6d37c8258402922641aed9baf15";
    let entry = |path: String, kind, size, note: &str| DiskEntry {
        path,
        kind,
        size,
        note: (!note.is_empty()).then(|| note.to_string()),
    };
    DiskView {
        root: "/var/lib/dockerlings/linux".into(),
        entries: vec![
            entry(
                format!("overlay2/{id}"),
                EntryKind::Dir,
                None,
                "container cow: its R/W layer",
            ),
            entry(
                format!("overlay2/{id}/diff"),
                EntryKind::Dir,
                None,
                "upper dir: the changes",
            ),
            entry(
                format!("overlay2/{id}/diff/etc/motd"),
                EntryKind::File,
                Some(30),
                "copied up",
            ),
            entry(
                format!("overlay2/{id}/diff/etc/group"),
                EntryKind::Whiteout,
                None,
                "hides /etc/group",
            ),
            entry(
                format!("overlay2/{id}/diff/var"),
                EntryKind::OpaqueDir,
                None,
                "lower /var hidden",
            ),
            entry(
                format!("overlay2/{id}/link"),
                EntryKind::File,
                Some(26),
                "its short name in l/",
            ),
            entry(
                format!("overlay2/{id}/lower"),
                EntryKind::File,
                Some(57),
                "the image layers, top first",
            ),
            entry(
                format!("overlay2/{id}/work"),
                EntryKind::Dir,
                None,
                "overlay's scratch space",
            ),
            entry(
                "overlay2/l/DXDFWKA56OENLBHYVAXC3EJBFR".into(),
                EntryKind::Symlink {
                    target: format!("../{id}/diff"),
                },
                None,
                "short links keep mount options short",
            ),
        ],
    }
}

#[test]
fn lines_fit_the_width() {
    for width in [40, 50, 60, 80] {
        for ascii in [false, true] {
            let text = render_disk(&container_layer(), &style(width, ascii));
            assert!(text.lines().all(|l| display_width(l) <= width), "{text}");
        }
    }
}

#[test]
fn unicode_80() {
    insta::assert_snapshot!(render_disk(&container_layer(), &style(80, false)), @r#"
        On disk: /var/lib/dockerlings/linux
        overlay2/
        ├── 7bf83903ab74…/                      container cow: its R/W layer
        │   ├── diff/                           upper dir: the changes
        │   │   ├── etc/
        │   │   │   ├── motd 30B                copied up
        │   │   │   └── group (whiteout)        hides /etc/group
        │   │   └── var/ (opaque)               lower /var hidden
        │   ├── link 26B                        its short name in l/
        │   ├── lower 57B                       the image layers, top first
        │   └── work/                           overlay's scratch space
        └── l/
            └── DXDFWKA56OENLBHYVAXC3EJBFR → ../7bf83903ab74…/diff  short links keep mo…
        "#);
}

#[test]
fn ascii_50() {
    insta::assert_snapshot!(render_disk(&container_layer(), &style(50, true)), @r#"
        On disk: /var/lib/dockerlings/linux
        overlay2/
        |-- 7bf83903ab74.../     container cow: its R/W...
        |   |-- diff/            upper dir: the changes
        |   |   |-- etc/
        |   |   |   |-- motd 30B  copied up
        |   |   |   `-- group (whiteout)  hides /etc/group
        |   |   `-- var/ (opaque)  lower /var hidden
        |   |-- link 26B         its short name in l/
        |   |-- lower 57B        the image layers, top ...
        |   `-- work/            overlay's scratch space
        `-- l/
            `-- DXDFWKA56OENLBHYVAXC3EJBFR -> ../7bf839...
        "#);
}
