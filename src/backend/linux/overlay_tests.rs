use std::fs;
use std::os::unix::fs::symlink;
use std::path::{Path, PathBuf};

use super::*;

/// A store-like overlay2/ with `n` layers (layer 0 = base), each with a file `layerN`, laid out
/// with 64-hex cache ids and `l/` short links like Docker's. Returns (tempdir, plan).
fn stack(n: usize) -> (tempfile::TempDir, RootfsPlan) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("overlay2");
    fs::create_dir_all(root.join("l")).unwrap();
    let mut links = vec![];
    let mut dirs = vec![];
    for i in 0..n {
        let id = format!("{:064x}", i + 1);
        let diff = root.join(&id).join("diff");
        fs::create_dir_all(&diff).unwrap();
        fs::write(diff.join(format!("layer{i}")), format!("{i}\n")).unwrap();
        let short = format!("SHORT{i:021}");
        symlink(format!("../{id}/diff"), root.join("l").join(&short)).unwrap();
        links.push(format!("l/{short}"));
        dirs.push(diff);
    }
    links.reverse();
    dirs.reverse();
    let cid = root.join(format!("{:064x}", 0xc0ffee));
    let plan = RootfsPlan {
        overlay_root: root.clone(),
        lower_dirs: dirs,
        lower_links: links,
        upper: cid.join("diff"),
        work: cid.join("work"),
        merged: cid.join("merged"),
    };
    (tmp, plan)
}

#[test]
fn options_are_relative_to_overlay_root() {
    let (_t, plan) = stack(2);
    insta::assert_snapshot!(mount_options(&plan), @"lowerdir=l/SHORT000000000000000000001:l/SHORT000000000000000000000,upperdir=0000000000000000000000000000000000000000000000000000000000c0ffee/diff,workdir=0000000000000000000000000000000000000000000000000000000000c0ffee/work");
}

#[test]
fn no_lowers_is_an_error() {
    let (_t, mut plan) = stack(1);
    plan.lower_links.clear();
    assert!(matches!(
        mount(&plan, false),
        Err(OverlayError::NoLowers { .. })
    ));
}

#[test]
fn mountinfo_points_are_unescaped() {
    let info =
        "22 1 8:1 / / rw - ext4 /dev/vda rw\n99 22 0:50 / /tmp/a\\040b rw - overlay overlay rw\n";
    assert_eq!(
        mount_points(info),
        vec![PathBuf::from("/"), PathBuf::from("/tmp/a b")]
    );
}

fn whiteout(path: &Path) {
    nix::sys::stat::mknod(
        path,
        nix::sys::stat::SFlag::S_IFCHR,
        nix::sys::stat::Mode::empty(),
        0,
    )
    .unwrap();
}

fn set_opaque(dir: &Path) {
    let p = std::ffi::CString::new(dir.as_os_str().as_encoded_bytes()).unwrap();
    // SAFETY: valid C strings and buffer.
    let rc = unsafe {
        libc::setxattr(
            p.as_ptr(),
            c"trusted.overlay.opaque".as_ptr(),
            b"y".as_ptr().cast(),
            1,
            0,
        )
    };
    assert_eq!(rc, 0, "{}", std::io::Error::last_os_error());
}

/// Run `check` with the stack mounted; always unmount, then assert nothing is left mounted.
fn with_mount(plan: &RootfsPlan, check: impl FnOnce(&Path) + std::panic::UnwindSafe) {
    with_mount_as(plan, false, check)
}

fn with_mount_as(
    plan: &RootfsPlan,
    volatile: bool,
    check: impl FnOnce(&Path) + std::panic::UnwindSafe,
) {
    mount(plan, volatile).unwrap();
    let outcome = std::panic::catch_unwind(|| check(&plan.merged));
    let unmounted = unmount(&plan.merged);
    outcome.unwrap();
    unmounted.unwrap();
    assert!(!is_mounted(&plan.merged).unwrap());
    assert!(!plan.merged.exists());
}

#[test]
fn linux_overlay_union_and_whiteouts() {
    if !crate::backend::linux::testkit::kernel_tests_allowed("linux_overlay_union_and_whiteouts") {
        return;
    }
    let (_t, plan) = stack(3);
    // Middle layer (1) deletes the base's file with a whiteout and replaces dir d opaquely.
    let base = &plan.lower_dirs[2];
    fs::create_dir_all(base.join("d")).unwrap();
    fs::write(base.join("d/old"), "old").unwrap();
    let mid = &plan.lower_dirs[1];
    whiteout(&mid.join("layer0"));
    fs::create_dir_all(mid.join("d")).unwrap();
    fs::write(mid.join("d/new"), "new").unwrap();
    set_opaque(&mid.join("d"));
    let plan2 = plan.clone();
    with_mount(&plan, move |merged| {
        assert!(is_mounted(merged).unwrap());
        let mut names: Vec<_> = fs::read_dir(merged)
            .unwrap()
            .map(|e| e.unwrap().file_name().into_string().unwrap())
            .collect();
        names.sort();
        assert_eq!(names, ["d", "layer1", "layer2"]);
        assert_eq!(fs::read_dir(merged.join("d")).unwrap().count(), 1);
        // Copy-up: a write lands in the upper dir, lowers are untouched.
        fs::write(merged.join("layer2"), "changed").unwrap();
        assert_eq!(
            fs::read_to_string(plan2.upper.join("layer2")).unwrap(),
            "changed"
        );
        assert_eq!(
            fs::read_to_string(plan2.lower_dirs[0].join("layer2")).unwrap(),
            "2\n"
        );
    });
}

#[test]
fn linux_overlay_mounts_over_100_layers() {
    if !crate::backend::linux::testkit::kernel_tests_allowed("linux_overlay_mounts_over_100_layers")
    {
        return;
    }
    let (_t, plan) = stack(120);
    // With absolute 64-hex paths this would not fit in a page; the short links do.
    let absolute: usize = plan
        .lower_dirs
        .iter()
        .map(|d| d.as_os_str().len() + 1)
        .sum();
    assert!(absolute > 4096);
    with_mount(&plan, |merged| {
        assert_eq!(fs::read_dir(merged).unwrap().count(), 120);
        assert_eq!(fs::read_to_string(merged.join("layer0")).unwrap(), "0\n");
    });
}

/// `run --rm`: the overlay is mounted `volatile` (no sync of an upper dir about to be deleted).
#[test]
fn linux_overlay_of_an_auto_removed_container_is_volatile() {
    if !crate::backend::linux::testkit::kernel_tests_allowed(
        "linux_overlay_of_an_auto_removed_container_is_volatile",
    ) {
        return;
    }
    let (_t, plan) = stack(1);
    // The second volatile mount of the same dirs works too (a start that failed half-way).
    for volatile in [false, true, true] {
        let plan = plan.clone();
        with_mount_as(&plan, volatile, move |merged| {
            let mountinfo = fs::read_to_string("/proc/self/mountinfo").unwrap();
            let line = mountinfo
                .lines()
                .find(|l| l.contains(&*merged.to_string_lossy()))
                .expect("the overlay is mounted");
            assert_eq!(line.contains("volatile"), volatile, "{line}");
        });
    }
}
