//! kill -9 in the middle of commit, save, load and rmi: the process is stopped at named
//! points (DOCKERLINGS_TEST_PAUSE_AT, a debug-build test hook) and killed with SIGKILL;
//! the next process must find a clean store — ps, images, inspect work, every listed image
//! is whole, nothing is left in tmp/, no layer or layer dir is orphaned — and the same
//! operation, tried again, succeeds (an rmi that had untagged is finished instead).
use std::io::{BufRead, BufReader};
use std::path::Path;
use std::process::{Command, Stdio};

use super::{dockerlings, text};

/// Runs `script` until it announces `point`, then kills it with SIGKILL.
fn kill_at(root: &Path, point: &str, script: &str) {
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(["--backend", "sim", "--deterministic", "--root"])
        .arg(root)
        .args(["-c", script])
        .env_remove("DOCKERLINGS_ROOT")
        .env("DOCKERLINGS_TEST_PAUSE_AT", point)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let stderr = child.stderr.take().unwrap();
    let mut seen = String::new();
    for line in BufReader::new(stderr).lines() {
        let line = line.unwrap();
        if line == format!("dockerlings-test: paused at {point}") {
            child.kill().unwrap(); // SIGKILL
            child.wait().unwrap();
            return;
        }
        seen.push_str(&line);
        seen.push('\n');
    }
    let status = child.wait().unwrap();
    panic!("{script:?} never reached {point} ({status}): {seen}");
}

fn hex(id: &str) -> &str {
    id.strip_prefix("sha256:").unwrap_or(id)
}

fn read(path: &Path) -> String {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .trim()
        .to_string()
}

/// The store is whole: every image's layers registered with their dirs, every layer and
/// layer dir needed by someone, no dangling short link, tmp/ empty.
fn assert_consistent(root: &Path, case: &str) {
    let db = root.join("image/overlay2/layerdb/sha256");
    let mut needed = std::collections::BTreeSet::new();
    for e in std::fs::read_dir(root.join("image/overlay2/imagedb/content/sha256")).unwrap() {
        let e = e.unwrap();
        let config: serde_json::Value =
            serde_json::from_slice(&std::fs::read(e.path()).unwrap()).unwrap();
        let mut chain: Option<String> = None;
        for d in config["rootfs"]["diff_ids"].as_array().unwrap() {
            let d = d.as_str().unwrap();
            let c = match &chain {
                None => d.to_string(),
                Some(p) => format!(
                    "sha256:{}",
                    super::sha256_hex(format!("{p} {d}").as_bytes())
                ),
            };
            let cache = read(&db.join(hex(&c)).join("cache-id"));
            assert!(
                root.join("overlay2").join(&cache).join("diff").is_dir(),
                "{case}: image {:?} lacks layer dir {cache}",
                e.file_name()
            );
            needed.insert(hex(&c).to_string());
            chain = Some(c);
        }
    }
    let mut dirs = std::collections::BTreeSet::new();
    for e in std::fs::read_dir(root.join("image/overlay2/layerdb/mounts")).unwrap() {
        let p = e.unwrap().path();
        dirs.insert(read(&p.join("mount-id")));
        dirs.insert(read(&p.join("init-id")));
        let mut next = std::fs::read_to_string(p.join("parent")).ok();
        while let Some(c) = next {
            let c = c.trim().to_string();
            next = std::fs::read_to_string(db.join(hex(&c)).join("parent")).ok();
            needed.insert(hex(&c).to_string());
        }
    }
    for e in std::fs::read_dir(&db).unwrap() {
        let e = e.unwrap();
        let name = e.file_name().to_string_lossy().into_owned();
        assert!(
            needed.contains(&name),
            "{case}: layer {name} is needed by nobody"
        );
        dirs.insert(read(&e.path().join("cache-id")));
    }
    for e in std::fs::read_dir(root.join("overlay2")).unwrap() {
        let name = e.unwrap().file_name().to_string_lossy().into_owned();
        assert!(
            name == "l" || dirs.contains(&name),
            "{case}: orphan overlay2/{name}"
        );
    }
    let content = root.join("image/overlay2/imagedb/content/sha256");
    for e in std::fs::read_dir(root.join("image/overlay2/imagedb/metadata/sha256")).unwrap() {
        let name = e.unwrap().file_name();
        assert!(
            content.join(&name).exists(),
            "{case}: metadata of no image: {name:?}"
        );
    }
    for e in std::fs::read_dir(root.join("overlay2/l")).unwrap() {
        let p = e.unwrap().path();
        assert!(p.exists(), "{case}: dangling link {}", p.display());
    }
    let tmp: Vec<_> = std::fs::read_dir(root.join("tmp")).unwrap().collect();
    assert!(tmp.is_empty(), "{case}: tmp/ keeps {tmp:?}");
}

fn ok(root: &Path, script: &str, case: &str) -> String {
    let out = dockerlings(root, script);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{case}: {script}: {}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    text(&out.stdout)
}

/// A root with a stopped container `ctr2` on image two:v1 (two layers over busybox) and
/// two:v1 saved to `archive`.
fn prepared(archive: &Path) -> tempfile::TempDir {
    let root = tempfile::tempdir().unwrap();
    ok(
        root.path(),
        &format!(
            "run --name ctr busybox sh -c 'echo a > /a; mkdir /d; echo b > /d/b; rm /etc/group'; \
             commit ctr base:v1; rm ctr; run --name ctr2 base:v1 sh -c 'echo c > /c'; \
             commit ctr2 two:v1; run --name ctr3 base:v1 sh -c 'echo e > /e'; \
             save -o {} two:v1",
            archive.display()
        ),
        "setup",
    );
    root
}

fn copy_root(from: &Path) -> tempfile::TempDir {
    let to = tempfile::tempdir().unwrap();
    let st = Command::new("cp")
        .args(["-a", "--"])
        .arg(format!("{}/.", from.display()))
        .arg(to.path())
        .status()
        .unwrap();
    assert!(st.success());
    to
}

#[test]
fn kill_9_during_commit_save_load_rmi_leaves_a_store_that_opens_clean() {
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("two.tar");
    let base = prepared(&archive);
    let out_file = work.path().join("out.tar");
    let save = format!("save -o {} two:v1", out_file.display());
    let load = format!("load -i {}", archive.display());
    // (point, what runs before the operation, the operation)
    let cases: [(&str, &str, &str); 15] = [
        ("commit:after-tar", "", "commit ctr3 three:v1"),
        ("store:layer-before-register", "", "commit ctr3 three:v1"),
        ("commit:after-layer", "", "commit ctr3 three:v1"),
        ("commit:after-parent-link", "", "commit ctr3 three:v1"),
        ("commit:after-config", "", "commit ctr3 three:v1"),
        ("save:after-layer", "", &save),
        ("save:before-rename", "", &save),
        ("load:after-unpack", "rm ctr2; rmi two:v1", &load),
        ("store:layer-before-register", "rm ctr2; rmi two:v1", &load),
        ("load:after-layer", "rm ctr2; rmi two:v1", &load),
        ("load:after-config", "rm ctr2; rmi two:v1", &load),
        ("rmi:after-untag", "rm ctr2", "rmi two:v1"),
        ("rmi:after-config", "rm ctr2", "rmi two:v1"),
        ("store:layer-unregistered", "rm ctr2", "rmi two:v1"),
        ("rmi:after-layer", "rm ctr2", "rmi two:v1"),
    ];
    for (point, before, op) in cases {
        let case = format!("{point} in {op:?}");
        let root = copy_root(base.path());
        let r = root.path();
        if !before.is_empty() {
            ok(r, before, &case);
        }
        let _ = std::fs::remove_file(&out_file);
        let two = ok(r, "images -q --no-trunc two:v1", &case);
        kill_at(r, point, op);
        if op.starts_with("save") {
            // Never a truncated archive under the final name.
            assert!(
                !out_file.exists(),
                "{case}: a partial archive was left as out.tar"
            );
        }
        // The next process opens the store cleanly and lists only whole images.
        let listed = ok(r, "ps -a; images; image inspect base:v1", &case);
        assert!(!listed.contains("Error"), "{case}: {listed}");
        assert_consistent(r, &case);
        let ids = ok(r, "images -a -q", &case);
        for id in ids.lines() {
            ok(r, &format!("history {id}; image inspect {id}"), &case);
        }
        // The operation again.
        if op.starts_with("rmi") {
            let tags = ok(r, "images --format '{{.Repository}}:{{.Tag}}'", &case);
            if tags.lines().any(|t| t == "two:v1") {
                ok(r, op, &case);
            }
            // Deleted, by the retry or, when it had untagged, by the next process.
            let out = dockerlings(r, &format!("image inspect {}", two.trim()));
            assert_eq!(out.status.code(), Some(1), "{case}: {}", text(&out.stdout));
        } else {
            ok(r, op, &case);
        }
        if op.starts_with("commit") {
            assert_eq!(ok(r, "run --rm three:v1 cat /e", &case), "e\n", "{case}");
        }
        if op.starts_with("load") {
            assert_eq!(
                ok(r, "run --rm two:v1 cat /c /a", &case),
                "c\na\n",
                "{case}"
            );
        }
        if op.starts_with("save") {
            assert_eq!(
                std::fs::read(&out_file).unwrap(),
                std::fs::read(&archive).unwrap(),
                "{case}"
            );
        }
        assert_consistent(r, &case);
    }
}
