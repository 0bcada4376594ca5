use std::fs;
use std::io::Cursor;

use sha2::{Digest, Sha256};

use super::*;
use crate::image::builtin::layer::LayerBuilder;

fn digest(b: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(b)))
}

fn layer() -> Vec<u8> {
    let mut b = LayerBuilder::new();
    b.file("etc/motd", 0o644, "hello\n");
    b.build()
}

fn config_for(layers: &[&[u8]]) -> Vec<u8> {
    let ids: Vec<String> = layers.iter().map(|l| digest(l)).collect();
    serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": ids}
    }))
    .unwrap()
}

fn saved(tar: &[u8]) -> Vec<u8> {
    let config = config_for(&[tar]);
    let owned = tar.to_vec();
    let images = [SaveImage {
        config,
        tags: vec![(
            "docker.io/library/demo:v1".to_string(),
            "demo:v1".to_string(),
        )],
        layers: vec![SaveLayer {
            diff_id: digest(tar),
            len: None,
            open: Box::new(move || {
                Ok(Box::new(Cursor::new(owned.clone())) as Box<dyn std::io::Read>)
            }),
        }],
    }];
    write_save(&images, Vec::new()).unwrap()
}

/// A tar built entry by entry, with raw names (the tar crate's own API refuses `..`).
fn raw_tar(entries: &[(&str, tar::EntryType, &[u8], Option<&str>)]) -> Vec<u8> {
    let mut out = Vec::new();
    for (name, kind, data, link) in entries {
        let mut h = tar::Header::new_ustar();
        h.as_old_mut().name[..name.len()].copy_from_slice(name.as_bytes());
        h.set_entry_type(*kind);
        h.set_mode(0o644);
        h.set_size(data.len() as u64);
        if let Some(l) = link {
            h.as_old_mut().linkname[..l.len()].copy_from_slice(l.as_bytes());
        }
        h.set_cksum();
        out.extend_from_slice(h.as_bytes());
        out.extend_from_slice(data);
        out.resize(out.len().div_ceil(512) * 512, 0);
    }
    out.resize(out.len() + 1024, 0);
    out
}

#[test]
fn save_is_reproducible_and_loads_back() {
    let tar = layer();
    let a = saved(&tar);
    assert_eq!(a, saved(&tar), "byte-for-byte reproducible");
    let dir = tempfile::tempdir().unwrap();
    let skipped = unpack_archive(a.as_slice(), dir.path()).unwrap();
    assert!(skipped.is_empty());
    for f in ["oci-layout", "index.json", "manifest.json", "repositories"] {
        assert!(dir.path().join(f).exists(), "{f}");
    }
    let images = read_archive(dir.path(), &[]).unwrap();
    assert_eq!(images.len(), 1);
    assert_eq!(images[0].tags, ["demo:v1"]);
    assert_eq!(fs::read(&images[0].layers[0].path).unwrap(), tar);
    assert!(!images[0].layers[0].gzip);
}

#[test]
fn a_plain_oci_archive_loads_by_its_index() {
    let tar = layer();
    let dir = tempfile::tempdir().unwrap();
    unpack_archive(saved(&tar).as_slice(), dir.path()).unwrap();
    fs::remove_file(dir.path().join("manifest.json")).unwrap();
    fs::remove_file(dir.path().join("repositories")).unwrap();
    let images = read_archive(dir.path(), &[]).unwrap();
    assert_eq!(images[0].tags, ["docker.io/library/demo:v1"]);
}

#[test]
fn the_legacy_layout_loads_with_its_symlinked_layers() {
    let tar = layer();
    let config = config_for(&[&tar, &tar]);
    let cfg_hex = hex::encode(Sha256::digest(&config));
    let manifest = format!(
        r#"[{{"Config":"{cfg_hex}.json","RepoTags":["old:v1"],"Layers":["aaa/layer.tar","bbb/layer.tar"]}}]"#
    );
    let archive = raw_tar(&[
        ("aaa/", tar::EntryType::Directory, b"", None),
        ("aaa/layer.tar", tar::EntryType::Regular, &tar, None),
        ("bbb/", tar::EntryType::Directory, b"", None),
        (
            "bbb/layer.tar",
            tar::EntryType::Symlink,
            b"",
            Some("../aaa/layer.tar"),
        ),
        (
            &format!("{cfg_hex}.json"),
            tar::EntryType::Regular,
            &config,
            None,
        ),
        (
            "manifest.json",
            tar::EntryType::Regular,
            manifest.as_bytes(),
            None,
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    unpack_archive(archive.as_slice(), dir.path()).unwrap();
    let images = read_archive(dir.path(), &[]).unwrap();
    assert_eq!(images[0].tags, ["old:v1"]);
    assert_eq!(images[0].layers.len(), 2);
}

#[test]
fn dot_dot_entries_are_refused_and_nothing_lands_outside() {
    let outer = tempfile::tempdir().unwrap();
    let dest = outer.path().join("scratch");
    fs::create_dir(&dest).unwrap();
    let archive = raw_tar(&[("../evil", tar::EntryType::Regular, b"x", None)]);
    let err = unpack_archive(archive.as_slice(), &dest).unwrap_err();
    assert!(matches!(err, ArchiveError::Hostile { .. }), "{err}");
    assert!(!outer.path().join("evil").exists());
}

#[test]
fn an_absolute_symlink_in_an_image_archive_is_refused() {
    let archive = raw_tar(&[
        ("manifest.json", tar::EntryType::Regular, b"[]", None),
        (
            "x/layer.tar",
            tar::EntryType::Symlink,
            b"",
            Some("/etc/passwd"),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let skipped = unpack_archive(archive.as_slice(), dir.path()).unwrap();
    assert!(!dir.path().join("x/layer.tar").exists());
    let err = read_archive(dir.path(), &skipped).unwrap_err();
    assert!(matches!(err, ArchiveError::Hostile { .. }), "{err}");
}

#[test]
fn a_symlink_climbing_out_is_refused() {
    let archive = raw_tar(&[("a/l", tar::EntryType::Symlink, b"", Some("../../x"))]);
    let dir = tempfile::tempdir().unwrap();
    assert!(unpack_archive(archive.as_slice(), dir.path()).is_err());
}

#[test]
fn an_export_tarball_is_not_an_image_archive() {
    let archive = raw_tar(&[
        ("bin/", tar::EntryType::Directory, b"", None),
        ("bin/sh", tar::EntryType::Regular, b"x", None),
        (
            "etc/mtab",
            tar::EntryType::Symlink,
            b"",
            Some("/proc/mounts"),
        ),
    ]);
    let dir = tempfile::tempdir().unwrap();
    let skipped = unpack_archive(archive.as_slice(), dir.path()).unwrap();
    match read_archive(dir.path(), &skipped) {
        Err(ArchiveError::NotImageArchive { first_dir }) => assert_eq!(first_dir, "bin"),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_layer_that_does_not_match_its_diff_id_is_refused() {
    let tar = layer();
    let mut archive = saved(&tar);
    let dir = tempfile::tempdir().unwrap();
    unpack_archive(archive.as_slice(), dir.path()).unwrap();
    let blob = dir
        .path()
        .join(format!("blobs/sha256/{}", &digest(&tar)[7..]));
    fs::write(&blob, b"corrupt").unwrap();
    let err = read_archive(dir.path(), &[]).unwrap_err();
    assert!(matches!(err, ArchiveError::DigestMismatch { .. }), "{err}");
    // A truncated archive fails cleanly too.
    archive.truncate(archive.len() / 2 + 3);
    let dir = tempfile::tempdir().unwrap();
    assert!(
        unpack_archive(archive.as_slice(), dir.path()).is_err()
            || read_archive(dir.path(), &[]).is_err()
    );
}

fn gzip(bytes: &[u8]) -> Vec<u8> {
    use std::io::Write;
    let mut e = flate2::write::GzEncoder::new(Vec::new(), flate2::Compression::fast());
    e.write_all(bytes).unwrap();
    e.finish().unwrap()
}

/// A legacy docker-archive whose one layer blob is `blob`, the config naming `diff_id`.
fn legacy_with_blob(blob: &[u8], diff_ids: &[String]) -> Vec<u8> {
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64", "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": diff_ids}
    }))
    .unwrap();
    let manifest = r#"[{"Config":"c.json","RepoTags":["gz:v1"],"Layers":["l/layer.tar"]}]"#;
    raw_tar(&[
        ("l/", tar::EntryType::Directory, b"", None),
        ("l/layer.tar", tar::EntryType::Regular, blob, None),
        ("c.json", tar::EntryType::Regular, &config, None),
        (
            "manifest.json",
            tar::EntryType::Regular,
            manifest.as_bytes(),
            None,
        ),
    ])
}

#[test]
fn a_gzip_layer_is_checked_against_the_diff_id_of_its_uncompressed_tar() {
    let tar = layer();
    let archive = legacy_with_blob(&gzip(&tar), &[digest(&tar)]);
    let dir = tempfile::tempdir().unwrap();
    unpack_archive(archive.as_slice(), dir.path()).unwrap();
    let images = read_archive(dir.path(), &[]).unwrap();
    let l = &images[0].layers[0];
    assert!(l.gzip);
    let mut unpacked = Vec::new();
    std::io::Read::read_to_end(&mut l.open().unwrap(), &mut unpacked).unwrap();
    assert_eq!(unpacked, tar, "open() yields the uncompressed tar");
}

#[test]
fn a_gzip_layer_whose_diff_id_is_the_compressed_digest_is_refused() {
    let tar = layer();
    let gz = gzip(&tar);
    // The digest of the blob as stored, as a careless writer would put it.
    let archive = legacy_with_blob(&gz, &[digest(&gz)]);
    let dir = tempfile::tempdir().unwrap();
    unpack_archive(archive.as_slice(), dir.path()).unwrap();
    match read_archive(dir.path(), &[]) {
        Err(ArchiveError::DigestMismatch { actual, .. }) => assert_eq!(actual, digest(&tar)),
        other => panic!("{other:?}"),
    }
}

#[test]
fn a_truncated_gzip_layer_is_a_bad_tar_not_a_panic() {
    let tar = layer();
    let gz = gzip(&tar);
    let archive = legacy_with_blob(&gz[..gz.len() / 2], &[digest(&tar)]);
    let dir = tempfile::tempdir().unwrap();
    unpack_archive(archive.as_slice(), dir.path()).unwrap();
    let err = read_archive(dir.path(), &[]).unwrap_err();
    assert!(matches!(err, ArchiveError::BadTar(_)), "{err:?}");
}

#[test]
fn garbage_is_refused_in_printable_words() {
    let garbage: Vec<u8> = (0..3000u32).map(|i| (i * 7919 % 251) as u8).collect();
    let dir = tempfile::tempdir().unwrap();
    let err = unpack_archive(garbage.as_slice(), dir.path()).unwrap_err();
    let text = err.to_string();
    assert!(matches!(err, ArchiveError::BadTar(_)), "{text}");
    assert!(
        text.chars().all(|c| c.is_ascii_graphic() || c == ' '),
        "{text:?}"
    );
}
