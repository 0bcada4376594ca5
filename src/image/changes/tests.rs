use std::path::PathBuf;

use super::*;
use crate::backend::sim::unionfs::UnionFs;

/// The busybox-like image of reference/c_copy_on_write.txt, split over two lowers.
fn image(tmp: &Path) -> Vec<PathBuf> {
    let base = tmp.join("base");
    let init = tmp.join("init");
    for d in ["etc", "home", "var", "root", "bin"] {
        std::fs::create_dir_all(base.join(d)).unwrap();
    }
    std::fs::write(base.join("etc/motd"), "hello from the image\n").unwrap();
    std::fs::write(base.join("etc/group"), "root:x:0:\n").unwrap();
    std::fs::write(base.join("etc/passwd"), "root:x:0:0:root:/root:/bin/sh\n").unwrap();
    std::fs::create_dir_all(init.join("etc")).unwrap();
    std::fs::write(init.join("etc/hostname"), "").unwrap();
    vec![init, base]
}

fn render(changes: &[Change]) -> String {
    let lines: Vec<String> = changes
        .iter()
        .map(|c| {
            format!(
                "{c} origin={:?}{}",
                c.origin_layer,
                if c.opaque { " opaque" } else { "" }
            )
        })
        .collect();
    lines.join("\n")
}

#[test]
fn reference_scenario_through_the_sim_unionfs() {
    let tmp = tempfile::tempdir().unwrap();
    let lowers = image(tmp.path());
    let upper = tmp.path().join("upper");
    std::fs::create_dir(&upper).unwrap();
    let fs = UnionFs::new(lowers.clone(), upper.clone());
    // echo modified >> /etc/motd; echo new > /root/new.txt; mkdir -p /data && echo x > /data/x;
    // rm /etc/group; rm -rf /home; rm -rf /var && mkdir /var && echo fresh > /var/fresh
    fs.write_file("/", "/etc/motd", b"modified\n", true)
        .unwrap();
    fs.write_file("/", "/root/new.txt", b"new\n", false)
        .unwrap();
    fs.mkdir_all("/", "/data").unwrap();
    fs.write_file("/", "/data/x", b"x\n", false).unwrap();
    fs.remove("/", "/etc/group", false).unwrap();
    fs.remove("/", "/home", true).unwrap();
    fs.remove("/", "/var", true).unwrap();
    fs.mkdir("/", "/var").unwrap();
    fs.write_file("/", "/var/fresh", b"fresh\n", false).unwrap();

    let got = changes(&upper, &lowers).unwrap();
    insta::assert_snapshot!(render(&got), @r"
    A /data origin=None
    A /data/x origin=None
    C /etc origin=Some(0)
    D /etc/group origin=Some(1)
    C /etc/motd origin=Some(1)
    D /home origin=Some(1)
    C /root origin=Some(1)
    A /root/new.txt origin=None
    C /var origin=Some(1) opaque
    A /var/fresh origin=None
    ");
}

#[test]
fn kernel_whiteouts_and_opaque_xattr() {
    // mknod and trusted.* xattrs need root; CI runs as root.
    if nix::unistd::geteuid().as_raw() != 0 {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let lowers = image(tmp.path());
    let upper = tmp.path().join("upper");
    std::fs::create_dir_all(upper.join("var")).unwrap();
    std::fs::create_dir_all(upper.join("etc")).unwrap();
    std::fs::write(upper.join("var/fresh"), "fresh\n").unwrap();
    for p in ["etc/group", "home"] {
        nix::sys::stat::mknod(
            &upper.join(p),
            nix::sys::stat::SFlag::S_IFCHR,
            nix::sys::stat::Mode::empty(),
            0,
        )
        .unwrap();
    }
    let var = std::ffi::CString::new(upper.join("var").as_os_str().as_bytes()).unwrap();
    // SAFETY: NUL-terminated strings, value length passed.
    let rc = unsafe {
        libc::lsetxattr(
            var.as_ptr(),
            c"trusted.overlay.opaque".as_ptr(),
            b"y".as_ptr().cast(),
            1,
            0,
        )
    };
    if rc != 0 {
        return; // filesystem without trusted xattrs (tmpfs in a user namespace)
    }
    let got = changes(&upper, &lowers).unwrap();
    insta::assert_snapshot!(render(&got), @r"
    C /etc origin=Some(0)
    D /etc/group origin=Some(1)
    D /home origin=Some(1)
    C /var origin=Some(1) opaque
    A /var/fresh origin=None
    ");
}

#[test]
fn whiteout_in_a_lower_layer_hides_the_original() {
    let tmp = tempfile::tempdir().unwrap();
    let mut lowers = image(tmp.path());
    let top = tmp.path().join("top");
    std::fs::create_dir_all(top.join("etc")).unwrap();
    std::fs::write(top.join("etc/.wh.motd"), "").unwrap();
    lowers.insert(0, top);
    let upper = tmp.path().join("upper");
    std::fs::create_dir_all(upper.join("etc")).unwrap();
    std::fs::write(upper.join("etc/motd"), "again\n").unwrap();
    let got = changes(&upper, &lowers).unwrap();
    assert_eq!(got[1].to_string(), "A /etc/motd");
}
