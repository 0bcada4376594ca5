use std::fs;

use sha2::{Digest, Sha256};

use super::*;

fn listing(tar_bytes: &[u8]) -> Vec<String> {
    let mut archive = tar::Archive::new(tar_bytes);
    archive
        .entries()
        .unwrap()
        .map(|e| {
            let e = e.unwrap();
            let h = e.header();
            format!(
                "{:o} {} {}",
                h.mode().unwrap(),
                h.mtime().unwrap(),
                e.path().unwrap().display()
            )
        })
        .collect()
}

const FIXED: TarOptions = TarOptions {
    fixed_mtime: Some(1_735_689_600),
    owners_from_disk: false,
};

#[test]
fn simulator_whiteouts_stay_wh_entries_in_walk_order() {
    let dir = tempfile::tempdir().unwrap();
    let up = dir.path();
    fs::create_dir_all(up.join("etc")).unwrap();
    fs::create_dir_all(up.join("var")).unwrap();
    fs::create_dir_all(up.join("data")).unwrap();
    fs::write(up.join("etc/motd"), "hello\nmodified\n").unwrap();
    fs::write(up.join("etc/.wh.group"), "").unwrap();
    fs::write(up.join(".wh.home"), "").unwrap();
    fs::write(up.join("var/.wh..wh..opq"), "").unwrap();
    fs::write(up.join("var/fresh"), "fresh\n").unwrap();
    fs::write(up.join("data/x"), "x\n").unwrap();
    std::os::unix::fs::symlink("/proc/mounts", up.join("etc/mtab")).unwrap();
    let bytes = write_upper_tar(up, Vec::new(), FIXED).unwrap();
    let names: Vec<String> = listing(&bytes)
        .iter()
        .map(|l| l.rsplit(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "data/",
            "data/x",
            "etc/",
            "etc/.wh.group",
            "etc/motd",
            "etc/mtab",
            ".wh.home",
            "var/",
            "var/.wh..wh..opq",
            "var/fresh"
        ]
    );
    let lines = listing(&bytes);
    assert!(lines.contains(&"600 1735689600 etc/.wh.group".to_string()));
}

#[test]
fn output_is_deterministic_and_an_empty_layer_is_the_empty_tar() {
    let dir = tempfile::tempdir().unwrap();
    let empty = write_upper_tar(dir.path(), Vec::new(), FIXED).unwrap();
    let digest = format!("sha256:{}", hex::encode(Sha256::digest(&empty)));
    assert_eq!(digest, EMPTY_TAR_DIFF_ID);
    fs::write(dir.path().join("a"), "1").unwrap();
    let one = write_upper_tar(dir.path(), Vec::new(), FIXED).unwrap();
    let two = write_upper_tar(dir.path(), Vec::new(), FIXED).unwrap();
    assert_eq!(one, two);
    assert_ne!(one, empty);
}

/// Needs root (mknod, trusted.* xattrs), as the kernel's own upper dirs do.
#[test]
fn linux_kernel_whiteouts_become_wh_entries() {
    if !crate::backend::linux::testkit::kernel_tests_allowed(
        "linux_kernel_whiteouts_become_wh_entries",
    ) {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let up = dir.path();
    fs::create_dir_all(up.join("etc")).unwrap();
    fs::create_dir_all(up.join("var")).unwrap();
    fs::write(up.join("var/fresh"), "fresh\n").unwrap();
    nix::sys::stat::mknod(
        &up.join("etc/group"),
        nix::sys::stat::SFlag::S_IFCHR,
        nix::sys::stat::Mode::empty(),
        0,
    )
    .unwrap();
    nix::sys::stat::mknod(
        &up.join("home"),
        nix::sys::stat::SFlag::S_IFCHR,
        nix::sys::stat::Mode::empty(),
        0,
    )
    .unwrap();
    let c = std::ffi::CString::new(up.join("var").to_str().unwrap()).unwrap();
    // SAFETY: NUL-terminated strings, value length passed.
    let rc = unsafe {
        libc::lsetxattr(
            c.as_ptr(),
            c"trusted.overlay.opaque".as_ptr(),
            b"y".as_ptr().cast(),
            1,
            0,
        )
    };
    assert_eq!(rc, 0, "setting trusted.overlay.opaque");
    let bytes = write_upper_tar(up, Vec::new(), FIXED).unwrap();
    let names: Vec<String> = listing(&bytes)
        .iter()
        .map(|l| l.rsplit(' ').next().unwrap().to_string())
        .collect();
    assert_eq!(
        names,
        [
            "etc/",
            "etc/.wh.group",
            ".wh.home",
            "var/",
            "var/.wh..wh..opq",
            "var/fresh"
        ]
    );
}
