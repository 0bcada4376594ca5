//! An archive in Docker 20.10's legacy `docker save` layout (reference d_: `<id>/layer.tar`,
//! `<id>/json`, `<id>/VERSION`, `<config-id>.json`, manifest.json, repositories), built here
//! entry by entry, whose top layer deletes with `.wh.<name>` and replaces a directory with
//! `.wh..wh..opq`. Loaded on each backend, a container of it must see the deletions.
use std::io::Read;
use std::path::Path;

use sha2::{Digest, Sha256};
use tar::{Builder, EntryType, Header};

use super::{backends, on, text};

/// When reference d_ was recorded: the mtime of the layer entries.
const MTIME: u64 = 1_795_422_612;

fn sha(b: &[u8]) -> String {
    hex::encode(Sha256::digest(b))
}

/// One layer tar: (path, kind, mode, content), in the order given.
fn layer(entries: &[(&str, EntryType, u32, &[u8])]) -> Vec<u8> {
    let mut b = Builder::new(Vec::new());
    for (path, kind, mode, data) in entries {
        let mut h = Header::new_ustar();
        h.set_entry_type(*kind);
        h.set_mode(*mode);
        h.set_uid(0);
        h.set_gid(0);
        h.set_size(data.len() as u64);
        // moby writes the opaque marker with a zero mtime (reference d_).
        h.set_mtime(if path.ends_with(".wh..wh..opq") {
            0
        } else {
            MTIME
        });
        b.append_data(&mut h, path, *data).unwrap();
    }
    b.into_inner().unwrap()
}

/// busybox's layer tar, as this backend's `save` writes it.
fn busybox_layer(backend: &str, root: &Path) -> Vec<u8> {
    let out = on(backend, root, "save busybox");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let mut files = std::collections::HashMap::new();
    for e in tar::Archive::new(out.stdout.as_slice()).entries().unwrap() {
        let mut e = e.unwrap();
        let name = e.path().unwrap().display().to_string();
        let mut data = Vec::new();
        e.read_to_end(&mut data).unwrap();
        files.insert(name, data);
    }
    let manifest: serde_json::Value = serde_json::from_slice(&files["manifest.json"]).unwrap();
    let first = manifest[0]["Layers"][0].as_str().unwrap();
    files.remove(first).unwrap()
}

/// The legacy archive of `legacy:v1`: busybox, a layer adding files, a layer deleting some.
fn legacy_archive(base: Vec<u8>) -> Vec<u8> {
    let dir = EntryType::Directory;
    let file = EntryType::Regular;
    let middle = layer(&[
        ("etc/", dir, 0o755, b""),
        ("etc/motd", file, 0o644, b"hello from the image\n"),
        ("etc/removed.conf", file, 0o644, b"gone soon\n"),
        ("home/", dir, 0o755, b""),
        ("home/student/", dir, 0o755, b""),
        ("home/student/notes", file, 0o644, b"notes\n"),
        ("var/", dir, 0o755, b""),
        ("var/old/", dir, 0o755, b""),
        ("var/old/cache", file, 0o644, b"old\n"),
        ("var/stale", file, 0o644, b"stale\n"),
    ]);
    // As reference d_'s committed layer: .wh.<name> files 0600, the opaque marker.
    let top = layer(&[
        ("data/", dir, 0o755, b""),
        ("data/x", file, 0o644, b"x\n"),
        ("etc/", dir, 0o755, b""),
        ("etc/.wh.removed.conf", file, 0o600, b""),
        ("etc/motd", file, 0o644, b"hello from the image\nmodified\n"),
        (".wh.home", file, 0o600, b""),
        ("var/", dir, 0o755, b""),
        ("var/.wh..wh..opq", file, 0o755, b""),
        ("var/fresh", file, 0o644, b"fresh\n"),
    ]);
    let layers = [base, middle, top];
    let diff_ids: Vec<String> = layers
        .iter()
        .map(|l| format!("sha256:{}", sha(l)))
        .collect();
    let cmd = serde_json::json!(["sh"]);
    let config = serde_json::to_vec(&serde_json::json!({
        "architecture": "amd64",
        "config": {"Cmd": cmd, "Env": ["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"]},
        "created": "2026-11-23T08:30:12.071968893Z",
        "docker_version": "20.10.24+dfsg1",
        "history": [
            {"created": "2026-11-23T08:29:42.578975932Z", "comment": "busybox-static rootfs"},
            {"created": "2026-11-23T08:30:00Z", "created_by": "sh -c 'add files'"},
            {"created": "2026-11-23T08:30:12.071968893Z", "created_by": "sh -c 'delete some'"}
        ],
        "os": "linux",
        "rootfs": {"type": "layers", "diff_ids": diff_ids}
    }))
    .unwrap();
    let config_id = sha(&config);
    // v1 ids: any stable digest per layer, chained to the parent, as moby's v1 ids are.
    let mut ids: Vec<String> = Vec::new();
    for d in &diff_ids {
        let parent = ids.last().cloned().unwrap_or_default();
        ids.push(sha(format!("{parent} {d}").as_bytes()));
    }
    let mut b = Builder::new(Vec::new());
    let mut add = |path: &str, kind: EntryType, mode: u32, data: &[u8], mtime: u64| {
        let mut h = Header::new_ustar();
        h.set_entry_type(kind);
        h.set_mode(mode);
        h.set_size(data.len() as u64);
        h.set_mtime(mtime);
        b.append_data(&mut h, path, data).unwrap();
    };
    for (i, id) in ids.iter().enumerate() {
        let parent = (i > 0).then(|| ids[i - 1].clone());
        let json = serde_json::to_vec(&serde_json::json!({
            "id": id, "parent": parent, "created": "2026-11-23T08:30:12.071968893Z",
            "os": "linux", "architecture": "amd64"
        }))
        .unwrap();
        add(&format!("{id}/"), dir, 0o755, b"", MTIME);
        add(&format!("{id}/VERSION"), file, 0o644, b"1.0", MTIME);
        add(&format!("{id}/json"), file, 0o644, &json, MTIME);
        add(&format!("{id}/layer.tar"), file, 0o644, &layers[i], MTIME);
    }
    add(&format!("{config_id}.json"), file, 0o644, &config, MTIME);
    let manifest = serde_json::to_vec(&serde_json::json!([{
        "Config": format!("{config_id}.json"),
        "RepoTags": ["legacy:v1"],
        "Layers": ids.iter().map(|id| format!("{id}/layer.tar")).collect::<Vec<_>>()
    }]))
    .unwrap();
    add("manifest.json", file, 0o644, &manifest, 0);
    let top_id = ids.last().cloned().unwrap_or_default();
    let repositories = format!(r#"{{"legacy":{{"v1":"{top_id}"}}}}"#);
    add("repositories", file, 0o644, repositories.as_bytes(), 0);
    b.into_inner().unwrap()
}

#[test]
fn sim_and_linux_load_and_run_a_docker_20_legacy_archive_with_whiteouts() {
    for backend in backends("sim_and_linux_load_and_run_a_docker_20_legacy_archive_with_whiteouts")
    {
        let root = tempfile::tempdir().unwrap();
        let work = tempfile::tempdir().unwrap();
        let archive = work.path().join("legacy.tar");
        std::fs::write(
            &archive,
            legacy_archive(busybox_layer(backend, root.path())),
        )
        .unwrap();
        let out = on(
            backend,
            root.path(),
            &format!(
                "load -i {}; run --name lc legacy:v1 sh -c \
                 'ls -a /var; ls /; ls /etc; cat /etc/motd /data/x; echo new > /var/mine; rm /var/fresh'; \
                 diff lc; rm lc",
                archive.display()
            ),
        );
        let stdout = text(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{backend}: {stdout}{}",
            text(&out.stderr)
        );
        let lines: Vec<&str> = stdout.lines().collect();
        assert_eq!(lines[0], "Loaded image: legacy:v1", "{backend}: {stdout}");
        // The opaque /var shows only the top layer's entries: no old/, no stale, no marker.
        let var: Vec<&str> = lines[1..]
            .iter()
            .take_while(|l| **l != "bin")
            .copied()
            .filter(|l| *l != "." && *l != "..")
            .collect();
        assert_eq!(var, ["fresh"], "{backend}: {stdout}");
        // The whited-out /home and /etc/removed.conf are gone; nothing named .wh. shows.
        assert!(!lines.contains(&"home"), "{backend}: {stdout}");
        assert!(lines.contains(&"data"), "{backend}: {stdout}");
        assert!(!lines.contains(&"removed.conf"), "{backend}: {stdout}");
        assert!(lines.contains(&"motd"), "{backend}: {stdout}");
        assert!(!stdout.contains(".wh."), "{backend}: {stdout}");
        assert!(
            stdout.contains("hello from the image\nmodified\nx\n"),
            "{backend}: {stdout}"
        );
        // docker diff shows the container's own changes only, not the image's whiteouts.
        let diff: Vec<&str> = lines
            .iter()
            .skip_while(|l| !l.starts_with("C ") && !l.starts_with("A ") && !l.starts_with("D "))
            .take_while(|l| **l != "lc")
            .copied()
            .collect();
        assert_eq!(
            diff,
            ["C /var", "D /var/fresh", "A /var/mine"],
            "{backend}: {stdout}"
        );
    }
}
