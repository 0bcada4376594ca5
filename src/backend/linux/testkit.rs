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
