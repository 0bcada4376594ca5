use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::*;

/// A two-layer fixture: base (busybox-like) and a top layer; returns (tmp, fs).
pub(crate) fn fixture() -> (tempfile::TempDir, UnionFs) {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    let top = tmp.path().join("top");
    let upper = tmp.path().join("upper");
    for d in ["etc", "home/user", "var/log", "usr/bin", "root", "tmp"] {
        std::fs::create_dir_all(base.join(d)).unwrap();
    }
    std::fs::write(base.join("etc/motd"), "hello from the image\n").unwrap();
    std::fs::write(base.join("etc/group"), "root:x:0:\n").unwrap();
    std::fs::write(base.join("home/user/notes"), "n\n").unwrap();
    std::fs::write(base.join("var/log/syslog"), "log\n").unwrap();
    std::fs::write(base.join("usr/bin/ls"), "").unwrap();
    std::os::unix::fs::symlink("usr/bin", base.join("bin")).unwrap();
    std::fs::set_permissions(base.join("var/log"), std::fs::Permissions::from_mode(0o750)).unwrap();
    std::fs::set_permissions(
        base.join("etc/motd"),
        std::fs::Permissions::from_mode(0o600),
    )
    .unwrap();
    std::fs::create_dir_all(top.join("etc")).unwrap();
    std::fs::write(top.join("etc/app.conf"), "x=1\n").unwrap();
    std::fs::write(top.join("etc/.wh.group"), "").unwrap();
    std::fs::create_dir_all(&upper).unwrap();
    let fs = UnionFs::new(vec![top, base], upper);
    (tmp, fs)
}

fn upper_tree(upper: &Path) -> String {
    let mut out = Vec::new();
    walk(upper, upper, &mut out);
    out.sort();
    out.join("\n")
}

fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
    for e in std::fs::read_dir(dir).unwrap() {
        let p: PathBuf = e.unwrap().path();
        let rel = p.strip_prefix(root).unwrap().display().to_string();
        let m = std::fs::symlink_metadata(&p).unwrap();
        if m.is_dir() {
            out.push(format!("{rel}/ {:o}", m.permissions().mode() & 0o7777));
            walk(root, &p, out);
        } else {
            out.push(rel);
        }
    }
}

#[test]
fn merged_listing_honours_whiteouts_from_lower_layers() {
    let (_t, fs) = fixture();
    assert_eq!(fs.read_dir("/", "/etc").unwrap(), ["app.conf", "motd"]);
    assert!(matches!(
        fs.read_file("/", "/etc/group"),
        Err(FsError::NotFound)
    ));
    assert_eq!(
        fs.stat("/", "/etc/app.conf").unwrap().layer,
        Layer::Lower(0)
    );
    assert_eq!(fs.stat("/", "/etc/motd").unwrap().layer, Layer::Lower(1));
}

#[test]
fn resolve_follows_symlinks_but_never_escapes_the_root() {
    let (_t, fs) = fixture();
    assert_eq!(
        fs.resolve("/", "/bin/ls", true).unwrap(),
        ["usr", "bin", "ls"]
    );
    assert_eq!(fs.resolve("/etc", "../../../bin", false).unwrap(), ["bin"]);
    assert_eq!(
        fs.resolve("/home", "user/./../user/notes", true).unwrap(),
        ["home", "user", "notes"]
    );
    fs.symlink("/../../..", "/", "/up").unwrap();
    assert_eq!(fs.resolve("/", "/up/etc", true).unwrap(), ["etc"]);
    fs.symlink("loop", "/", "/loop").unwrap();
    assert!(matches!(
        fs.resolve("/", "/loop/x", true),
        Err(FsError::TooManyLinks)
    ));
    assert!(matches!(
        fs.resolve("/", "/etc/motd/x", true),
        Err(FsError::NotADirectory)
    ));
}

#[test]
fn append_copies_up_with_mode_and_parent_dir_mode() {
    let (_t, fs) = fixture();
    fs.write_file("/", "/etc/motd", b"modified\n", true)
        .unwrap();
    fs.write_file("/", "/var/log/new", b"x", false).unwrap();
    assert_eq!(
        fs.read_file("/", "/etc/motd").unwrap(),
        b"hello from the image\nmodified\n"
    );
    let st = fs.stat("/", "/etc/motd").unwrap();
    assert_eq!((st.layer, st.mode), (Layer::Upper, 0o600));
    insta::assert_snapshot!(upper_tree(fs.upper()), @r"
    etc/ 755
    etc/motd
    var/ 755
    var/log/ 750
    var/log/new
    ");
}

#[test]
fn deletes_write_whiteouts_and_recreated_dir_is_opaque() {
    let (_t, fs) = fixture();
    fs.remove("/", "/etc/motd", false).unwrap();
    fs.remove("/", "/home", true).unwrap();
    fs.remove("/", "/var", true).unwrap();
    fs.mkdir("/", "/var").unwrap();
    fs.write_file("/", "/var/fresh", b"fresh\n", false).unwrap();
    fs.write_file("/", "/tmp/t", b"", false).unwrap();
    fs.remove("/", "/tmp/t", false).unwrap();
    assert_eq!(fs.read_dir("/", "/var").unwrap(), ["fresh"]);
    assert!(matches!(fs.stat("/", "/home"), Err(FsError::NotFound)));
    assert!(matches!(fs.read_dir("/", "/home"), Err(FsError::NotFound)));
    assert_eq!(fs.read_dir("/", "/etc").unwrap(), ["app.conf"]);
    insta::assert_snapshot!(upper_tree(fs.upper()), @r"
    .wh.home
    etc/ 755
    etc/.wh.motd
    tmp/ 755
    var/ 755
    var/.wh..wh..opq
    var/fresh
    ");
}

#[test]
fn errors_use_coreutils_wording() {
    let (_t, fs) = fixture();
    let msg = |r: Result<(), FsError>| r.unwrap_err().to_string();
    assert_eq!(
        msg(fs.remove("/", "/nope", false)),
        "No such file or directory"
    );
    assert_eq!(msg(fs.remove("/", "/etc", false)), "Is a directory");
    assert_eq!(msg(fs.mkdir("/", "/etc")), "File exists");
    assert_eq!(msg(fs.rmdir("/", "/home")), "Directory not empty");
    assert_eq!(
        msg(fs.write_file("/", "/etc/motd/x", b"", false)),
        "Not a directory"
    );
    assert_eq!(
        msg(fs.write_file("/", "/etc", b"", false)),
        "Is a directory"
    );
}

#[test]
fn rename_copy_chmod_touch_and_mkdir_p() {
    let (_t, fs) = fixture();
    fs.rename("/", "/home/user/notes", "/root/notes").unwrap();
    assert_eq!(fs.read_file("/", "/root/notes").unwrap(), b"n\n");
    assert!(fs.read_dir("/", "/home/user").unwrap().is_empty());
    fs.copy("/", "/var", "/srv", true).unwrap();
    assert_eq!(fs.read_file("/", "/srv/log/syslog").unwrap(), b"log\n");
    fs.chmod("/", "/usr/bin/ls", 0o755).unwrap();
    assert_eq!(fs.stat("/", "/bin/ls").unwrap().mode, 0o755);
    fs.touch("/", "/a").unwrap();
    assert_eq!(fs.stat("/", "/a").unwrap().size, 0);
    fs.mkdir_all("/tmp", "x/y/z").unwrap();
    assert!(fs.is_dir("/", "/tmp/x/y/z"));
    fs.mkdir_all("/", "/tmp/x/y").unwrap();
    assert!(std::fs::symlink_metadata(fs.lowers()[1].join("tmp/x")).is_err());
}

#[test]
fn recreating_a_deleted_file_drops_its_whiteout() {
    let (_t, fs) = fixture();
    fs.remove("/", "/etc/motd", false).unwrap();
    fs.write_file("/", "/etc/motd", b"new\n", false).unwrap();
    assert_eq!(fs.read_file("/", "/etc/motd").unwrap(), b"new\n");
    assert!(!fs.upper().join("etc/.wh.motd").exists());
}

#[test]
fn a_lower_layer_given_as_a_symlink_to_its_tree_is_read_through_it() {
    // A scratch root's image layers are symlinks to the template's trees.
    let (t, _) = fixture();
    let shared = t.path().join("shared-base");
    std::os::unix::fs::symlink(t.path().join("base"), &shared).unwrap();
    let fs = UnionFs::new(vec![t.path().join("top"), shared], t.path().join("upper"));
    assert_eq!(fs.stat("/", "/").unwrap().kind, FileKind::Dir);
    assert_eq!(
        fs.read_dir("/", "/").unwrap(),
        ["bin", "etc", "home", "root", "tmp", "usr", "var"]
    );
    assert_eq!(
        fs.read_file("/", "/etc/motd").unwrap(),
        b"hello from the image\n"
    );
}

#[test]
fn a_write_forgets_only_the_lookups_it_can_change() {
    let (t, fs) = fixture();
    assert!(fs.exists("/", "/etc/motd"));
    assert!(fs.exists("/", "/var/log/syslog"));
    let var_log_mtime = fs.stat("/", "/var/log").unwrap().mtime;
    // Behind the union's back (no layer ever changes like this): a lookup still
    // remembered answers as before, a forgotten one sees the disk.
    std::fs::remove_file(t.path().join("base/etc/motd")).unwrap();
    fs.write_file("/", "/var/log/new", b"x", false).unwrap();
    assert!(
        fs.exists("/", "/etc/motd"),
        "an unrelated lookup was forgotten"
    );
    assert_eq!(fs.read_dir("/", "/var/log").unwrap(), ["new", "syslog"]);
    assert!(fs.stat("/", "/var/log").unwrap().mtime >= var_log_mtime);
    assert_eq!(fs.stat("/", "/var/log").unwrap().layer, Layer::Upper);
    // A removed tree is forgotten below it, a recreated dir hides what was there.
    fs.remove("/", "/var", true).unwrap();
    assert!(matches!(
        fs.stat("/", "/var/log/syslog"),
        Err(FsError::NotFound)
    ));
    fs.mkdir("/", "/var").unwrap();
    assert!(fs.read_dir("/", "/var").unwrap().is_empty());
    assert!(matches!(fs.stat("/", "/var/log"), Err(FsError::NotFound)));
    fs.write_file("/", "/etc/group", b"g\n", false).unwrap();
    assert_eq!(fs.read_file("/", "/etc/group").unwrap(), b"g\n");
}

/// A layer holding a file beside its own whiteout (a tar that says both) shows the file,
/// as Docker's extraction leaves it: the whiteout hides only what lies below. A whiteout
/// alone still hides.
#[test]
fn a_file_beside_its_whiteout_in_one_layer_shows() {
    let (t, fs) = fixture();
    let top = t.path().join("top");
    std::fs::write(top.join("etc/.wh.motd"), "").unwrap();
    std::fs::write(top.join("etc/motd"), "from the top layer\n").unwrap();
    let fs = UnionFs::new(fs.lowers().to_vec(), fs.upper().to_path_buf());
    assert_eq!(
        fs.read_file("/", "/etc/motd").unwrap(),
        b"from the top layer\n"
    );
    assert!(matches!(
        fs.read_file("/", "/etc/group"),
        Err(FsError::NotFound)
    ));
}

/// An empty upper dir is not looked in, until the first write puts something there.
#[test]
fn a_lookup_before_the_first_write_does_not_hide_what_the_write_makes() {
    let (_t, fs) = fixture();
    assert_eq!(fs.stat("/", "/etc/motd").unwrap().layer, Layer::Lower(1));
    assert!(matches!(fs.stat("/", "/etc/new"), Err(FsError::NotFound)));
    fs.write_file("/", "/etc/new", b"n\n", false).unwrap();
    fs.write_file("/", "/etc/motd", b"m\n", false).unwrap();
    assert_eq!(fs.stat("/", "/etc/new").unwrap().layer, Layer::Upper);
    assert_eq!(fs.stat("/", "/etc/motd").unwrap().layer, Layer::Upper);
    // A fresh view of the same dirs (the next command's) finds the upper dir no longer empty.
    let again = UnionFs::new(fs.lowers().to_vec(), fs.upper().to_path_buf());
    assert_eq!(again.read_file("/", "/etc/motd").unwrap(), b"m\n");
}

/// Lookups remembered during a write (those it has not touched yet) never answer
/// differently from a view that remembers nothing: after every operation, every probe
/// path looks the same through the long-lived view and through a fresh one.
#[test]
fn remembered_lookups_agree_with_a_fresh_view_after_every_write() {
    let (_t, fs) = fixture();
    let probes = [
        "/",
        "/etc",
        "/etc/motd",
        "/etc/group",
        "/etc/app.conf",
        "/home",
        "/home/user",
        "/home/user/notes",
        "/var",
        "/var/log",
        "/var/log/syslog",
        "/usr/bin/ls",
        "/bin/ls",
        "/srv",
        "/srv/a",
        "/srv/a/b",
        "/srv/a/b/c",
        "/root/x",
        "/moved",
        "/moved/user/notes",
        "/copy/user/notes",
        "/link",
    ];
    let look = |view: &UnionFs| -> Vec<String> {
        let mut out = Vec::new();
        for p in probes {
            let stat = view
                .lstat("/", p)
                .map(|s| (s.kind, s.mode, s.layer, s.size));
            let listing = view.read_dir("/", p).ok();
            out.push(format!("{p}: {stat:?} {listing:?}"));
        }
        out
    };
    type Op = Box<dyn Fn(&UnionFs) -> Result<(), FsError>>;
    let ops: Vec<(&str, Op)> = vec![
        (
            "append",
            Box::new(|f| f.write_file("/", "/etc/motd", b"+\n", true)),
        ),
        ("mkdir -p", Box::new(|f| f.mkdir_all("/", "/srv/a/b/c"))),
        (
            "write deep",
            Box::new(|f| f.write_file("/", "/srv/a/b/c/f", b"f", false)),
        ),
        ("cp -r", Box::new(|f| f.copy("/", "/home", "/copy", true))),
        ("mv", Box::new(|f| f.rename("/", "/home", "/moved"))),
        ("rm -rf", Box::new(|f| f.remove("/", "/var", true))),
        ("mkdir opaque", Box::new(|f| f.mkdir("/", "/var"))),
        (
            "recreate",
            Box::new(|f| f.write_file("/", "/etc/group", b"g\n", false)),
        ),
        ("symlink", Box::new(|f| f.symlink("/srv/a", "/", "/link"))),
        ("chmod", Box::new(|f| f.chmod("/", "/usr/bin/ls", 0o700))),
        ("touch", Box::new(|f| f.touch("/", "/root/x"))),
        ("rm", Box::new(|f| f.remove("/", "/etc/app.conf", false))),
    ];
    look(&fs);
    for (name, op) in ops {
        op(&fs).unwrap_or_else(|e| panic!("{name}: {e}"));
        let fresh = UnionFs::new(fs.lowers().to_vec(), fs.upper().to_path_buf());
        assert_eq!(look(&fs), look(&fresh), "after {name}");
    }
}
