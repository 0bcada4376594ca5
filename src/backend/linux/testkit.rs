//! Helpers for `linux_` tests: they need root and the kernel; without them they skip with a
//! printed line, unless DOCKERLINGS_REQUIRE_LINUX=1, where a skip is a failure.

/// Whether a kernel test can run here. Panics (fails the test) instead of skipping when required.
pub fn kernel_tests_allowed(test: &str) -> bool {
    let required = std::env::var("DOCKERLINGS_REQUIRE_LINUX").is_ok_and(|v| v == "1");
    let reason = if !nix::unistd::geteuid().is_root() {
        Some("not root")
    } else if !can_mount() {
        Some("cannot mount (no CAP_SYS_ADMIN?)")
    } else {
        None
    };
    match reason {
        None => true,
        Some(why) if required => panic!("{test}: DOCKERLINGS_REQUIRE_LINUX=1 but {why}"),
        Some(why) => {
            println!("skipping {test}: {why}");
            false
        }
    }
}

/// Try a tmpfs mount on a temp dir and take it down again.
fn can_mount() -> bool {
    use nix::mount::{MntFlags, MsFlags, mount, umount2};
    let Ok(dir) = tempfile::tempdir() else {
        return false;
    };
    let ok = mount(
        Some("tmpfs"),
        dir.path(),
        Some("tmpfs"),
        MsFlags::empty(),
        None::<&str>,
    )
    .is_ok();
    if ok {
        let _ = umount2(dir.path(), MntFlags::MNT_DETACH);
    }
    ok
}

/// A store-like overlay2/ holding one base layer unpacked from the host image, with the
/// container's dirs planned (not mounted). Returns (tempdir, plan).
pub fn host_rootfs() -> (tempfile::TempDir, crate::backend::RootfsPlan) {
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("overlay2");
    let base = root.join("base");
    std::fs::create_dir_all(base.join("diff")).unwrap();
    std::fs::create_dir_all(root.join("l")).unwrap();
    let plan = super::host_image::plan_from_host().unwrap();
    let bytes = super::host_image::write_tar(&plan, Vec::new()).unwrap();
    tar::Archive::new(bytes.as_slice())
        .unpack(base.join("diff"))
        .unwrap();
    std::os::unix::fs::symlink("../base/diff", root.join("l/BASE")).unwrap();
    let c = root.join("ctr");
    let plan = crate::backend::RootfsPlan {
        overlay_root: root.clone(),
        lower_dirs: vec![base.join("diff")],
        lower_links: vec!["l/BASE".into()],
        upper: c.join("diff"),
        work: c.join("work"),
        merged: c.join("merged"),
    };
    (tmp, plan)
}
