use super::*;
use crate::render::style::display_width;

fn style(width: usize, ascii: bool) -> Style {
    Style {
        width,
        color: false,
        ascii,
    }
}

/// The changes of reference/c_copy_on_write.txt (`docker diff cow`).
fn cow_scenario() -> CowView {
    let base = Some("6472e4ee35f4".to_string());
    let row = |kind, path: &str, from_layer: Option<String>, action, size| CowRow {
        kind,
        path: path.into(),
        from_layer,
        action,
        size,
    };
    use ChangeKind::*;
    use CowAction::*;
    CowView {
        container: "cow".into(),
        image: "busybox:latest".into(),
        rows: vec![
            row(Changed, "/etc/motd", base.clone(), CopiedUp, Some(30)),
            row(Deleted, "/etc/group", base.clone(), Whiteout, None),
            row(Added, "/root/new.txt", None, New, Some(4)),
            row(Changed, "/var", base.clone(), OpaqueDir, None),
            row(Added, "/var/fresh", None, New, Some(6)),
            row(Deleted, "/home", base, Whiteout, None),
        ],
    }
}

#[test]
fn lines_fit_the_width() {
    for width in [50, 60, 72, 80, 120] {
        for ascii in [false, true] {
            let text = render_cow(&cow_scenario(), &style(width, ascii));
            assert!(
                text.lines().all(|l| display_width(l) <= width),
                "{width}:\n{text}"
            );
        }
    }
}

#[test]
fn colour_marks_kinds() {
    let color = Style {
        width: 80,
        color: true,
        ascii: false,
    };
    let text = render_cow(&cow_scenario(), &color);
    assert!(text.contains("\x1b[1;31mD /etc/group"));
    assert!(text.contains("\x1b[32mA /root/new.txt"));
}

#[test]
fn empty_upper_dir() {
    let view = CowView {
        container: "idle".into(),
        image: "busybox:latest".into(),
        rows: vec![],
    };
    insta::assert_snapshot!(render_cow(&view, &style(80, false)), @r#"
        Copy-on-write: container idle on image busybox:latest
        no changes: the writable layer is empty
        The image layers are unchanged: every change above lives in this container's R/W
        layer, and other containers of the image still see the originals.
        "#);
}

#[test]
fn unicode_80() {
    insta::assert_snapshot!(render_cow(&cow_scenario(), &style(80, false)), @r#"
        Copy-on-write: container cow on image busybox:latest
          PATH             FROM LAYER    WHAT HAPPENED                              SIZE
        C /etc/motd        6472e4ee35f4  copied up → R/W, then changed               30B
        D /etc/group       6472e4ee35f4  whiteout .wh.group hides it
        A /root/new.txt    —             new: only in the R/W layer                   4B
        C /var             6472e4ee35f4  opaque dir: hides all below
        A /var/fresh       —             new: only in the R/W layer                   6B
        D /home            6472e4ee35f4  whiteout .wh.home hides it

        how copy-up works, with /etc/motd:
          R/W  container layer      /etc/motd   the copy, then written
                ▲ copy-up at the first write
          R/O  layer 6472e4ee35f4   /etc/motd   original, untouched
        The image layers are unchanged: every change above lives in this container's R/W
        layer, and other containers of the image still see the originals.
        "#);
}

#[test]
fn ascii_80() {
    insta::assert_snapshot!(render_cow(&cow_scenario(), &style(80, true)), @r#"
        Copy-on-write: container cow on image busybox:latest
          PATH             FROM LAYER    WHAT HAPPENED                              SIZE
        C /etc/motd        6472e4ee35f4  copied up -> R/W, then changed              30B
        D /etc/group       6472e4ee35f4  whiteout .wh.group hides it
        A /root/new.txt    -             new: only in the R/W layer                   4B
        C /var             6472e4ee35f4  opaque dir: hides all below
        A /var/fresh       -             new: only in the R/W layer                   6B
        D /home            6472e4ee35f4  whiteout .wh.home hides it

        how copy-up works, with /etc/motd:
          R/W  container layer      /etc/motd   the copy, then written
                ^ copy-up at the first write
          R/O  layer 6472e4ee35f4   /etc/motd   original, untouched
        The image layers are unchanged: every change above lives in this container's R/W
        layer, and other containers of the image still see the originals.
        "#);
}

#[test]
fn unicode_50() {
    insta::assert_snapshot!(render_cow(&cow_scenario(), &style(50, false)), @r#"
        Copy-on-write: container cow on image
        busybox:latest
        C /etc/motd  (30B)
            from 6472e4ee35f4: copied up → R/W, then
            changed
        D /etc/group
            from 6472e4ee35f4: whiteout .wh.group hides it
        A /root/new.txt  (4B)
            new: only in the R/W layer
        C /var
            from 6472e4ee35f4: opaque dir: hides all below
        A /var/fresh  (6B)
            new: only in the R/W layer
        D /home
            from 6472e4ee35f4: whiteout .wh.home hides it

        how copy-up works, with /etc/motd:
          R/W  /etc/motd: the copy, then written
            ▲ copy-up at the first write
          R/O  /etc/motd in 6472e4ee35f4: untouched
        The image layers are unchanged: every change above
        lives in this container's R/W layer, and other
        containers of the image still see the originals.
        "#);
}

#[test]
fn ascii_50() {
    insta::assert_snapshot!(render_cow(&cow_scenario(), &style(50, true)), @r#"
        Copy-on-write: container cow on image
        busybox:latest
        C /etc/motd  (30B)
            from 6472e4ee35f4: copied up -> R/W, then
            changed
        D /etc/group
            from 6472e4ee35f4: whiteout .wh.group hides it
        A /root/new.txt  (4B)
            new: only in the R/W layer
        C /var
            from 6472e4ee35f4: opaque dir: hides all below
        A /var/fresh  (6B)
            new: only in the R/W layer
        D /home
            from 6472e4ee35f4: whiteout .wh.home hides it

        how copy-up works, with /etc/motd:
          R/W  /etc/motd: the copy, then written
            ^ copy-up at the first write
          R/O  /etc/motd in 6472e4ee35f4: untouched
        The image layers are unchanged: every change above
        lives in this container's R/W layer, and other
        containers of the image still see the originals.
        "#);
}
