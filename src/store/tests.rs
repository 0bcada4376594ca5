use std::fs;
use std::io::Read;
use std::os::unix::fs::PermissionsExt;

use sha2::{Digest, Sha256};
use tar::{EntryType, Header};

use super::*;

fn entry(name: &str, kind: EntryType, mode: u32, link: Option<&str>, data: &[u8]) -> Vec<u8> {
    let mut h = Header::new_ustar();
    // Written byte by byte so that hostile names the tar crate would refuse get through.
    let old = h.as_old_mut();
    old.name = [0; 100];
    old.name[..name.len()].copy_from_slice(name.as_bytes());
    if let Some(link) = link {
        old.linkname[..link.len()].copy_from_slice(link.as_bytes());
    }
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_size(data.len() as u64);
    h.set_mtime(1_700_000_000);
    h.set_uid(0);
    h.set_gid(0);
    h.set_cksum();
    let mut out = h.as_bytes().to_vec();
    out.extend_from_slice(data);
    out.resize(out.len().div_ceil(512) * 512, 0);
    out
}

fn tar_of(entries: &[Vec<u8>]) -> Vec<u8> {
    let mut out: Vec<u8> = entries.concat();
    out.extend_from_slice(&[0u8; 1024]);
    out
}

fn sha(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn base_tar() -> Vec<u8> {
    tar_of(&[
        entry("etc/", EntryType::Directory, 0o755, None, b""),
        entry(
            "etc/motd",
            EntryType::Regular,
            0o644,
            None,
            b"hello from the image\n",
        ),
        entry("etc/group", EntryType::Regular, 0o644, None, b"root:x:0:\n"),
        entry("bin/", EntryType::Directory, 0o755, None, b""),
        entry("bin/busybox", EntryType::Regular, 0o755, None, &[7u8; 1000]),
        entry("bin/ls", EntryType::Link, 0o755, Some("bin/busybox"), b""),
        entry("bin/sh", EntryType::Symlink, 0o777, Some("busybox"), b""),
        entry("home/", EntryType::Directory, 0o755, None, b""),
        entry("var/", EntryType::Directory, 0o755, None, b""),
        entry("var/old", EntryType::Regular, 0o600, None, b"old"),
        entry("tmp/", EntryType::Directory, 0o1777, None, b""),
    ])
}

fn top_tar() -> Vec<u8> {
    tar_of(&[
        entry("etc/", EntryType::Directory, 0o755, None, b""),
        entry("etc/.wh.group", EntryType::Regular, 0o600, None, b""),
        entry(".wh.home", EntryType::Regular, 0o600, None, b""),
        entry("var/", EntryType::Directory, 0o755, None, b""),
        entry("var/.wh..wh..opq", EntryType::Regular, 0o755, None, b""),
        entry("var/fresh", EntryType::Regular, 0o644, None, b"fresh\n"),
    ])
}

fn open_sim() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), BackendKind::Sim).unwrap();
    (dir, store)
}

fn listing(dir: &Path) -> String {
    let mut out = Vec::new();
    let mut stack = vec![dir.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            let m = fs::symlink_metadata(&p).unwrap();
            let rel = p.strip_prefix(dir).unwrap().display().to_string();
            let kind = if m.file_type().is_symlink() {
                format!("-> {}", fs::read_link(&p).unwrap().display())
            } else if m.is_dir() {
                stack.push(p.clone());
                "dir".to_string()
            } else {
                format!("{} bytes", m.len())
            };
            out.push(format!(
                "{rel} {:o} {kind}",
                m.permissions().mode() & 0o7777
            ));
        }
    }
    out.sort();
    out.join("\n")
}

#[test]
fn open_creates_dockers_layout_and_refuses_other_backend() {
    let (dir, store) = open_sim();
    assert!(store.is_new());
    for p in [
        "overlay2/l",
        "image/overlay2/imagedb/content/sha256",
        "image/overlay2/imagedb/metadata/sha256",
        "image/overlay2/layerdb/sha256",
        "containers",
        "tmp",
    ] {
        assert!(dir.path().join(p).is_dir(), "{p}");
    }
    let repos = fs::read_to_string(dir.path().join("image/overlay2/repositories.json")).unwrap();
    assert_eq!(repos, r#"{"Repositories":{}}"#);
    drop(store);
    let again = Store::open(dir.path(), BackendKind::Sim).unwrap();
    assert!(!again.is_new());
    let err = Store::open(dir.path(), BackendKind::Linux).unwrap_err();
    let root = fs::canonicalize(dir.path()).unwrap();
    assert_eq!(
        err.to_string(),
        format!(
            "the root {} was made by the sim backend; use --backend sim, or another --root",
            root.display()
        )
    );
}

/// Another store on `root` (as another process would open it) gets the lock only once
/// `held` is dropped.
fn assert_excludes_until_dropped(root: &Path, held: StoreLock) {
    let path = root.to_path_buf();
    let (tx, rx) = std::sync::mpsc::channel();
    let waiter = std::thread::spawn(move || {
        let other = Store::open(&path, BackendKind::Sim).unwrap();
        let _g = other.lock().unwrap();
        tx.send(()).unwrap();
    });
    assert!(
        rx.recv_timeout(std::time::Duration::from_millis(200))
            .is_err()
    );
    drop(held);
    rx.recv_timeout(std::time::Duration::from_secs(5)).unwrap();
    waiter.join().unwrap();
}

#[test]
fn lock_excludes_a_second_holder_until_dropped() {
    let (dir, store) = open_sim();
    assert_excludes_until_dropped(dir.path(), store.lock().unwrap());
    // Taken again through the lock file the store keeps open, it still excludes.
    assert_excludes_until_dropped(dir.path(), store.lock().unwrap());
}

#[test]
fn write_atomic_replaces_and_leaves_no_temporaries() {
    let (dir, store) = open_sim();
    let target = dir.path().join("containers/x");
    store.write_atomic(&target, b"one").unwrap();
    store.write_atomic(&target, b"two").unwrap();
    assert_eq!(fs::read(&target).unwrap(), b"two");
    assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
}

#[test]
fn import_layer_extracts_hashes_and_reproduces_the_tar() {
    let (_dir, store) = open_sim();
    let base_bytes = base_tar();
    let base = store.import_layer(None, base_bytes.as_slice()).unwrap();
    assert_eq!(base.diff_id, sha(&base_bytes));
    assert_eq!(base.chain_id, base.diff_id);
    assert_eq!(base.parent, None);
    assert_eq!(base.size, 21 + 10 + 1000 + 3);
    let diff = store.layer_diff_dir(&base);
    insta::assert_snapshot!(listing(&diff), @r#"
bin 755 dir
bin/busybox 755 1000 bytes
bin/ls 755 1000 bytes
bin/sh 777 -> busybox
etc 755 dir
etc/group 644 10 bytes
etc/motd 644 21 bytes
home 755 dir
tmp 1777 dir
var 755 dir
var/old 600 3 bytes
"#);
    let ino = |p: &str| std::os::unix::fs::MetadataExt::ino(&fs::metadata(diff.join(p)).unwrap());
    assert_eq!(ino("bin/ls"), ino("bin/busybox"));
    let layer_dir = store.layer_dir(&base);
    assert!(!layer_dir.join("lower").exists());
    assert!(layer_dir.join("committed").exists() && layer_dir.join("work").is_dir());
    let link = store.layer_link(&base.cache_id).unwrap();
    assert_eq!(link.len(), 26);
    let target = fs::read_link(store.overlay_root().join("l").join(&link)).unwrap();
    assert_eq!(target, Path::new(&format!("../{}/diff", base.cache_id)));

    let top_bytes = top_tar();
    let top = store
        .import_layer(Some(&base.chain_id), top_bytes.as_slice())
        .unwrap();
    assert_eq!(top.chain_id, chain_id(Some(&base.diff_id), &top.diff_id));
    assert_eq!(top.parent.as_deref(), Some(base.chain_id.as_str()));
    insta::assert_snapshot!(listing(&store.layer_diff_dir(&top)), @r#"
.wh.home 600 0 bytes
etc 755 dir
etc/.wh.group 600 0 bytes
var 755 dir
var/.wh..wh..opq 755 0 bytes
var/fresh 644 6 bytes
"#);
    let lower = fs::read_to_string(store.layer_dir(&top).join("lower")).unwrap();
    assert_eq!(lower, format!("l/{link}"));
    assert_eq!(store.layer(&top.chain_id).unwrap(), top);

    for (layer, bytes) in [(&base, &base_bytes), (&top, &top_bytes)] {
        let mut again = Vec::new();
        store
            .layer_tar(&layer.chain_id)
            .unwrap()
            .read_to_end(&mut again)
            .unwrap();
        assert_eq!(sha(&again), layer.diff_id);
        assert_eq!(&again, bytes);
        let len = store.layer_tar(&layer.chain_id).unwrap().tar_len();
        assert_eq!(len, bytes.len() as u64, "the length known without reading");
    }

    let dup = store.import_layer(None, base_bytes.as_slice()).unwrap();
    assert_eq!(dup, base);
    assert_eq!(fs::read_dir(store.overlay_root()).unwrap().count(), 3); // l + 2 layers
    assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
}

#[test]
fn tar_written_by_the_tar_crate_with_long_names_round_trips() {
    let (_dir, store) = open_sim();
    let mut builder = tar::Builder::new(Vec::new());
    let long = format!("usr/share/{}/file.txt", "x".repeat(150));
    let mut h = Header::new_gnu();
    h.set_size(5);
    h.set_mode(0o644);
    builder.append_data(&mut h, &long, &b"hello"[..]).unwrap();
    let bytes = builder.into_inner().unwrap();
    let layer = store.import_layer(None, bytes.as_slice()).unwrap();
    assert_eq!(
        fs::read(store.layer_diff_dir(&layer).join(&long)).unwrap(),
        b"hello"
    );
    let mut again = Vec::new();
    store
        .layer_tar(&layer.chain_id)
        .unwrap()
        .read_to_end(&mut again)
        .unwrap();
    assert_eq!(again, bytes);
}

#[test]
fn hostile_tars_are_refused_and_leave_nothing_behind() {
    // The symlinks these tars try to write through point here, never at the host's own
    // dirs: if the guard ever failed, the write would land in this scratch dir (checked
    // below), not in /etc of the machine running the tests as root.
    let outside_dir = tempfile::tempdir().unwrap();
    let outside = outside_dir.path().to_string_lossy().into_owned();
    let cases: Vec<(&str, Vec<u8>)> = vec![
        (
            "dotdot",
            tar_of(&[entry("../evil", EntryType::Regular, 0o644, None, b"x")]),
        ),
        (
            "nested dotdot",
            tar_of(&[entry("a/../../evil", EntryType::Regular, 0o644, None, b"x")]),
        ),
        (
            "through symlink",
            tar_of(&[
                entry("etc", EntryType::Symlink, 0o777, Some(&outside), b""),
                entry("etc/passwd", EntryType::Regular, 0o644, None, b"x"),
            ]),
        ),
        (
            // The dir was made, then replaced by a symlink: what is known of it goes too.
            "through a dir replaced by a symlink",
            tar_of(&[
                entry("etc/", EntryType::Directory, 0o755, None, b""),
                entry("etc/motd", EntryType::Regular, 0o644, None, b"x"),
                entry("etc", EntryType::Symlink, 0o777, Some(&outside), b""),
                entry("etc/passwd", EntryType::Regular, 0o644, None, b"x"),
            ]),
        ),
        (
            "hardlink through a dir replaced by a symlink",
            tar_of(&[
                entry("etc/motd", EntryType::Regular, 0o644, None, b"x"),
                entry("etc", EntryType::Symlink, 0o777, Some(&outside), b""),
                entry("p", EntryType::Link, 0o644, Some("etc/secret"), b""),
            ]),
        ),
        (
            "escaping symlink",
            tar_of(&[entry(
                "a/b",
                EntryType::Symlink,
                0o777,
                Some("../../x"),
                b"",
            )]),
        ),
        (
            "escaping hardlink",
            tar_of(&[entry("a", EntryType::Link, 0o644, Some("../x"), b"")]),
        ),
        (
            "truncated",
            entry("big", EntryType::Regular, 0o644, None, &[1u8; 600])[..700].to_vec(),
        ),
    ];
    for (what, bytes) in cases {
        let (_dir, store) = open_sim();
        std::fs::write(outside_dir.path().join("secret"), b"s").unwrap();
        let result = store.import_layer(None, bytes.as_slice());
        assert!(result.is_err(), "{what} was accepted");
        assert!(
            !outside_dir.path().join("passwd").exists(),
            "{what} wrote outside the layer"
        );
        assert_eq!(
            fs::read_dir(store.overlay_root()).unwrap().count(),
            1,
            "{what}"
        );
        assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0, "{what}");
        assert_eq!(store.list_layers().unwrap().len(), 0, "{what}");
    }
    let (_dir, store) = open_sim();
    let abs = tar_of(&[
        entry("/etc/x", EntryType::Regular, 0o644, None, b"x"),
        entry("dev/null", EntryType::Char, 0o666, None, b""),
        entry("ok", EntryType::Symlink, 0o777, Some("/proc/mounts"), b""),
    ]);
    let layer = store.import_layer(None, abs.as_slice()).unwrap();
    insta::assert_snapshot!(listing(&store.layer_diff_dir(&layer)), @r#"
dev 755 dir
etc 755 dir
etc/x 644 1 bytes
ok 777 -> /proc/mounts
"#);
}

#[test]
fn rw_layers_sit_on_init_and_image_layers() {
    let (dir, store) = open_sim();
    store.set_deterministic_seed(Some("test".into()));
    let base = store.import_layer(None, base_tar().as_slice()).unwrap();
    let top = store
        .import_layer(Some(&base.chain_id), top_tar().as_slice())
        .unwrap();
    let init = InitFiles {
        hostname: "f75c19081b1e".into(),
    };
    let plan = store
        .create_rw_layer("c1", Some(&top.chain_id), &init, super::Durability::Durable)
        .unwrap();
    assert_eq!(plan.lower_dirs.len(), 3);
    assert!(
        plan.lower_dirs[0].ends_with(format!("{}-init/diff", store.rw_layer_id("c1").unwrap()))
    );
    assert_eq!(plan.lower_dirs[1], store.layer_diff_dir(&top));
    assert_eq!(plan.lower_dirs[2], store.layer_diff_dir(&base));
    assert!(plan.upper.is_dir() && plan.work.is_dir());
    assert_eq!(
        plan.lower_links[1],
        format!("l/{}", store.layer_link(&top.cache_id).unwrap())
    );
    let init_dir = plan.lower_dirs[0].clone();
    insta::assert_snapshot!(listing(&init_dir), @r#"
.dockerenv 755 0 bytes
dev 755 dir
dev/console 755 0 bytes
dev/pts 755 dir
dev/shm 755 dir
etc 755 dir
etc/hostname 644 13 bytes
etc/hosts 644 173 bytes
etc/mtab 777 -> /proc/mounts
etc/resolv.conf 644 38 bytes
"#);
    assert_eq!(
        fs::read_to_string(init_dir.join("etc/hostname")).unwrap(),
        "f75c19081b1e\n"
    );
    assert_eq!(store.rootfs_plan("c1").unwrap(), plan);
    // Remembered, and as another process reads it from disk.
    let other = Store::open(dir.path(), BackendKind::Sim).unwrap();
    assert_eq!(other.rootfs_plan("c1").unwrap(), plan);
    assert_eq!(
        store.layers_used_by_containers(),
        vec![top.chain_id.clone(), base.chain_id.clone()]
    );
    store.remove_rw_layer("c1").unwrap();
    assert_eq!(fs::read_dir(store.overlay_root()).unwrap().count(), 3);
    assert_eq!(
        fs::read_dir(store.overlay_root().join("l"))
            .unwrap()
            .count(),
        2
    );
    assert!(store.rootfs_plan("c1").is_err());
}

#[test]
fn images_tags_resolution_and_deletion() {
    use crate::image::{ImageConfig, Reference};
    let (_dir, store) = open_sim();
    let base = store.import_layer(None, base_tar().as_slice()).unwrap();
    let top = store
        .import_layer(Some(&base.chain_id), top_tar().as_slice())
        .unwrap();
    let mut config = ImageConfig {
        architecture: "amd64".into(),
        os: "linux".into(),
        ..Default::default()
    };
    config.rootfs.diff_ids = vec![base.diff_id.clone()];
    let base_id = store.put_image_config(&config.to_bytes().unwrap()).unwrap();
    config.rootfs.diff_ids.push(top.diff_id.clone());
    let bytes = config.to_bytes().unwrap();
    let top_id = store.put_image_config(&bytes).unwrap();
    assert_eq!(top_id, sha(&bytes));
    assert_eq!(store.image_config_bytes(&top_id).unwrap(), bytes);
    assert_eq!(
        store
            .image_layers(&store.image_config(&top_id).unwrap())
            .unwrap(),
        vec![base.clone(), top.clone()]
    );
    store.set_image_parent(&top_id, &base_id).unwrap();
    assert_eq!(store.image_parent(&top_id), Some(base_id.clone()));

    store
        .set_tag(&Reference::parse("busybox").unwrap(), &base_id)
        .unwrap();
    store
        .set_tag(&Reference::parse("cowimg:v1").unwrap(), &top_id)
        .unwrap();
    assert_eq!(
        store.resolve_image("docker.io/library/busybox:latest"),
        Some(base_id.clone())
    );
    assert_eq!(store.resolve_image("cowimg:v1"), Some(top_id.clone()));
    assert_eq!(store.resolve_image(&top_id[7..19]), Some(top_id.clone()));
    assert_eq!(store.resolve_image(&top_id), Some(top_id.clone()));
    assert_eq!(store.resolve_image("cowimg"), None);
    let repos = fs::read_to_string(store.repositories_path()).unwrap();
    assert_eq!(
        repos,
        format!(
            r#"{{"Repositories":{{"busybox":{{"busybox:latest":"{base_id}"}},"cowimg":{{"cowimg:v1":"{top_id}"}}}}}}"#
        )
    );
    assert_eq!(
        store
            .remove_tag(&Reference::parse("cowimg:v1").unwrap())
            .unwrap(),
        Some(top_id.clone())
    );
    assert_eq!(store.tags().unwrap().len(), 1);

    // The base layer is still the busybox image's: only the top goes.
    let removed = store.delete_image(&top_id, &[]).unwrap();
    assert_eq!(removed, vec![top.chain_id.clone()]);
    assert!(store.layer(&base.chain_id).is_ok());
    // A container's layers survive their image.
    let removed = store
        .delete_image(&base_id, std::slice::from_ref(&base.chain_id))
        .unwrap();
    assert!(removed.is_empty());
    assert_eq!(store.list_image_ids().unwrap(), Vec::<String>::new());
}

/// The kernel form of whiteouts needs root (mknod, trusted.* xattrs).
#[test]
fn linux_store_turns_whiteouts_into_kernel_form_when_root() {
    if !nix::unistd::geteuid().is_root() {
        assert!(
            std::env::var_os("DOCKERLINGS_REQUIRE_LINUX").is_none(),
            "needs root"
        );
        return;
    }
    use std::os::unix::fs::{FileTypeExt, MetadataExt};
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), BackendKind::Linux).unwrap();
    let base = store.import_layer(None, base_tar().as_slice()).unwrap();
    let top_bytes = top_tar();
    let top = store
        .import_layer(Some(&base.chain_id), top_bytes.as_slice())
        .unwrap();
    let diff = store.layer_diff_dir(&top);
    for hidden in ["etc/group", "home"] {
        let m = fs::symlink_metadata(diff.join(hidden)).unwrap();
        assert!(m.file_type().is_char_device() && m.rdev() == 0, "{hidden}");
    }
    assert!(!diff.join("etc/.wh.group").exists() && !diff.join("var/.wh..wh..opq").exists());
    let mut value = [0u8; 8];
    let path = std::ffi::CString::new(diff.join("var").to_str().unwrap()).unwrap();
    let n = unsafe {
        libc::lgetxattr(
            path.as_ptr(),
            c"trusted.overlay.opaque".as_ptr(),
            value.as_mut_ptr().cast(),
            8,
        )
    };
    assert_eq!(&value[..n.max(0) as usize], b"y");
    let mut again = Vec::new();
    store
        .layer_tar(&top.chain_id)
        .unwrap()
        .read_to_end(&mut again)
        .unwrap();
    assert_eq!(again, top_bytes);
}

#[test]
fn recover_releases_what_an_unfinished_transaction_left_and_keeps_what_images_need() {
    let (dir, store) = open_sim();
    let kept = store.import_layer(None, base_tar().as_slice()).unwrap();
    let config = format!(
        r#"{{"architecture":"amd64","os":"linux","rootfs":{{"type":"layers","diff_ids":["{}"]}}}}"#,
        kept.diff_id
    );
    store.put_image_config(config.as_bytes()).unwrap();
    // A load killed after registering a layer on top, and after leaving a stray dir.
    let txn = store.begin_txn("load").unwrap();
    let stray = store
        .import_layer(
            Some(&kept.chain_id),
            tar_of(&[entry("x", EntryType::Regular, 0o644, None, b"x")]).as_slice(),
        )
        .unwrap();
    fs::create_dir_all(dir.path().join("overlay2/deadbeef/diff")).unwrap();
    // A commit killed between its parent link and its config.
    let stray_image = format!("sha256:{}", "e".repeat(64));
    store.set_image_parent(&stray_image, &kept.diff_id).unwrap();
    std::mem::forget(txn);
    assert_eq!(store.recover().unwrap().unfinished, ["load"]);
    assert!(
        store.layer(&stray.chain_id).is_err(),
        "the unneeded layer is released"
    );
    assert!(!dir.path().join("overlay2").join(&stray.cache_id).exists());
    assert!(!dir.path().join("overlay2/deadbeef").exists());
    assert_eq!(
        store.image_parent(&stray_image),
        None,
        "the stray metadata dir is gone"
    );
    assert!(
        store.layer(&kept.chain_id).is_ok(),
        "the image's layer stays"
    );
    assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
    // A clean root: nothing to do.
    assert_eq!(store.recover().unwrap(), Recovered::default());
}

#[test]
fn recover_releases_nothing_while_an_image_config_is_unreadable() {
    let (dir, store) = open_sim();
    let layer = store.import_layer(None, base_tar().as_slice()).unwrap();
    let bad = dir
        .path()
        .join("image/overlay2/imagedb/content/sha256")
        .join("a".repeat(64));
    fs::write(&bad, b"not json").unwrap();
    std::mem::forget(store.begin_txn("load").unwrap());
    store.recover().unwrap();
    assert!(store.layer(&layer.chain_id).is_ok());
}

#[test]
fn a_layer_removed_and_registered_again_is_read_again() {
    let (_t, store) = open_sim();
    let first = store.import_layer(None, base_tar().as_slice()).unwrap();
    assert_eq!(store.layer(&first.chain_id).unwrap(), first);
    store.remove_layer(&first.chain_id).unwrap();
    assert!(matches!(
        store.layer(&first.chain_id),
        Err(StoreError::NoSuchLayer(_))
    ));
    // Same chain, a new cache id (random): the record kept from before must not be used.
    let again = store.import_layer(None, base_tar().as_slice()).unwrap();
    assert_ne!(again.cache_id, first.cache_id);
    assert_eq!(
        store.layer(&again.chain_id).unwrap().cache_id,
        again.cache_id
    );
}

/// A new root spreads the subdirectories of its churning dirs over ext4's block groups
/// (spread.rs), where the filesystem has the flag; elsewhere nothing is asked of it.
#[test]
fn a_new_root_spreads_its_churning_dirs_where_the_filesystem_can() {
    let probe = tempfile::tempdir().unwrap();
    super::spread::spread_subdirs(probe.path());
    if !super::spread::spreads_subdirs(probe.path()) {
        println!("skipping: this filesystem has no top-of-hierarchy flag");
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path().join("root");
    let store = Store::open(&root, BackendKind::Sim).unwrap();
    for dir in [
        store.root().to_path_buf(),
        store.root().join("containers"),
        store.overlay_root(),
        store.tmp_dir(),
        store.root().join("image/overlay2/layerdb/mounts"),
        store.root().join("image/overlay2/layerdb/sha256"),
    ] {
        assert!(super::spread::spreads_subdirs(&dir), "{}", dir.display());
    }
    assert!(!super::spread::spreads_subdirs(
        &store.overlay_root().join("l")
    ));
}

/// A tar file whose layer is registered already (on the same parent) is hashed, not
/// extracted again: nothing is written, nothing synced. A new one, or the same bytes on
/// another parent, is imported as `import_layer` would; bytes that are no tar fail alike.
#[test]
fn import_layer_file_extracts_only_a_layer_not_registered_yet() {
    let (dir, store) = open_sim();
    let file_of = |name: &str, bytes: &[u8]| {
        let path = dir.path().join(name);
        fs::write(&path, bytes).unwrap();
        (fs::File::open(&path).unwrap(), path)
    };
    let (f, p) = file_of("base.tar", &base_tar());
    let base = store.import_layer_file(None, f, &p).unwrap();
    assert_eq!(
        base,
        store.import_layer(None, base_tar().as_slice()).unwrap()
    );
    let syncs = crate::store::syncs_so_far();
    let (f, p) = file_of("again.tar", &base_tar());
    assert_eq!(store.import_layer_file(None, f, &p).unwrap(), base);
    assert_eq!(
        crate::store::syncs_so_far(),
        syncs,
        "the same tar was imported again"
    );
    assert_eq!(fs::read_dir(store.tmp_dir()).unwrap().count(), 0);
    let (f, p) = file_of("on-top.tar", &base_tar());
    let on_top = store
        .import_layer_file(Some(&base.chain_id), f, &p)
        .unwrap();
    assert_eq!(on_top.parent.as_deref(), Some(base.chain_id.as_str()));
    assert_ne!(on_top.chain_id, base.chain_id);
    let (f, p) = file_of("junk.tar", &[7u8; 1000]);
    assert!(store.import_layer_file(None, f, &p).is_err());
}

/// Extracted as root, each entry gets its header's owner and its exact mode: setuid and
/// setgid bits survive (the chown comes first; it would clear them), a foreign owner is
/// given, a mode the umask would narrow is kept.
#[test]
fn extraction_keeps_special_mode_bits_and_owners() {
    use std::os::unix::fs::MetadataExt;
    let owned = |name: &str, mode: u32, uid: u64| {
        let mut e = entry(name, EntryType::Regular, mode, None, b"x");
        let mut h = Header::from_byte_slice(&e[..512]).clone();
        h.set_uid(uid);
        h.set_gid(uid);
        h.set_cksum();
        e[..512].copy_from_slice(h.as_bytes());
        e
    };
    let tar = tar_of(&[
        entry("bin/", EntryType::Directory, 0o755, None, b""),
        owned("bin/su", 0o4755, 0),
        owned("bin/wall", 0o2755, 0),
        owned("bin/open", 0o777, 0),
        owned("bin/theirs", 0o644, 1000),
    ]);
    let (_dir, store) = open_sim();
    let layer = store.import_layer(None, tar.as_slice()).unwrap();
    let diff = store.layer_diff_dir(&layer);
    let meta = |p: &str| fs::symlink_metadata(diff.join(p)).unwrap();
    assert_eq!(meta("bin/su").mode() & 0o7777, 0o4755);
    assert_eq!(meta("bin/wall").mode() & 0o7777, 0o2755);
    assert_eq!(meta("bin/open").mode() & 0o7777, 0o777);
    if nix::unistd::geteuid().is_root() {
        assert_eq!(
            (meta("bin/theirs").uid(), meta("bin/theirs").gid()),
            (1000, 1000)
        );
        assert_eq!((meta("bin/su").uid(), meta("bin/su").gid()), (0, 0));
    }
}
