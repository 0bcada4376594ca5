//! Issue 3's image side through the binary: commit/save/load round trips keep diffIDs, a
//! hostile or non-image archive is refused with the store unchanged.
use std::path::Path;
use std::process::{Command, Output};

#[path = "images/crash.rs"]
mod crash;
#[path = "images/diagrams.rs"]
mod diagrams;
#[path = "images/interop.rs"]
mod interop;
#[path = "images/legacy.rs"]
mod legacy;
#[path = "images/stdio.rs"]
mod stdio;

fn dockerlings(root: &Path, script: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(["--backend", "sim", "--deterministic", "--root"])
        .arg(root)
        .args(["-c", script])
        .env_remove("DOCKERLINGS_ROOT")
        .output()
        .expect("the binary runs")
}

fn sha256_hex(b: &[u8]) -> String {
    use sha2::Digest;
    hex::encode(sha2::Sha256::digest(b))
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// Every file name under the store's image and layer dirs (what a failed load must not change).
fn store_listing(root: &Path) -> Vec<String> {
    let mut out = Vec::new();
    for sub in ["image", "overlay2"] {
        let mut stack = vec![root.join(sub)];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).unwrap().flatten() {
                let p = e.path();
                out.push(p.strip_prefix(root).unwrap().display().to_string());
                if p.is_dir() && !p.is_symlink() {
                    stack.push(p);
                }
            }
        }
    }
    out.sort();
    out
}

#[test]
fn commit_save_rmi_load_keeps_the_ids_and_diff_ids() {
    let root = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("img.tar");
    let script = format!(
        "run -d --name ctr busybox sleep 999; exec ctr sh -c 'echo hi > /x; rm /etc/passwd'; \
         commit ctr img:v1; image inspect --format '{{{{.Id}}}} {{{{json .RootFS.Layers}}}}' img:v1; \
         save -o {a} img:v1; rmi img:v1; load -i {a}; \
         image inspect --format '{{{{.Id}}}} {{{{json .RootFS.Layers}}}}' img:v1",
        a = archive.display()
    );
    let out = dockerlings(root.path(), &script);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    let before = lines
        .iter()
        .find(|l| l.starts_with("sha256:") && l.contains('['))
        .unwrap();
    let after = lines.last().unwrap();
    assert_eq!(before, after, "{stdout}");
    assert!(stdout.contains("Loaded image: img:v1\n"), "{stdout}");
    // Saving twice gives the same bytes.
    let again = work.path().join("again.tar");
    let out = dockerlings(root.path(), &format!("save -o {} img:v1", again.display()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        std::fs::read(&archive).unwrap(),
        std::fs::read(&again).unwrap()
    );
}

#[test]
fn loading_an_export_or_a_hostile_archive_changes_nothing() {
    let root = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let export = work.path().join("fs.tar");
    let out = dockerlings(
        root.path(),
        &format!(
            "create --name ctr busybox; export -o {} ctr",
            export.display()
        ),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let before = store_listing(root.path());
    let out = dockerlings(root.path(), &format!("load -i {}", export.display()));
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert!(err.starts_with("open "), "{err}");
    assert!(
        err.lines()
            .next()
            .unwrap()
            .ends_with("/bin/json: no such file or directory"),
        "{err}"
    );
    assert!(err.contains("use `import`"), "{err}");
    assert_eq!(store_listing(root.path()), before);

    // An image archive whose layer is a symlink to an absolute path.
    let hostile = work.path().join("hostile.tar");
    {
        let f = std::fs::File::create(&hostile).unwrap();
        let mut b = tar::Builder::new(f);
        let mut h = tar::Header::new_ustar();
        h.set_size(2);
        h.set_mode(0o644);
        b.append_data(&mut h, "manifest.json", &b"[]"[..]).unwrap();
        let mut l = tar::Header::new_ustar();
        l.set_entry_type(tar::EntryType::Symlink);
        l.set_size(0);
        b.append_link(&mut l, "x/layer.tar", "/etc/passwd").unwrap();
        b.finish().unwrap();
    }
    let out = dockerlings(root.path(), &format!("load -i {}", hostile.display()));
    assert_eq!(out.status.code(), Some(1));
    assert!(
        text(&out.stderr).contains("absolute symlink"),
        "{}",
        text(&out.stderr)
    );
    assert_eq!(store_listing(root.path()), before);
}

/// The linux backend can run here (root, overlayfs, cgroups); skips with a printed line
/// otherwise, fails instead under DOCKERLINGS_REQUIRE_LINUX=1.
fn kernel_allowed(test: &str) -> bool {
    let required = std::env::var("DOCKERLINGS_REQUIRE_LINUX").is_ok_and(|v| v == "1");
    match dockerlings::backend::linux::probe() {
        Ok(()) => true,
        Err(why) => {
            assert!(
                !required,
                "{test}: DOCKERLINGS_REQUIRE_LINUX=1 but the linux backend cannot run: {why}"
            );
            println!("skipping {test} on linux: {why}");
            false
        }
    }
}

/// The backends a test runs on: the simulator always, the kernel when allowed.
fn backends(test: &str) -> Vec<&'static str> {
    let mut b = vec!["sim"];
    if kernel_allowed(test) {
        b.push("linux");
    }
    b
}

/// Runs `script` on `backend`. The kernel runs are not --deterministic: seeded container
/// ids would share cgroup names with other runs on this machine.
fn on(backend: &str, root: &Path, script: &str) -> Output {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockerlings"));
    c.args(["--backend", backend, "--root"])
        .arg(root)
        .args(["-c", script])
        .env_remove("DOCKERLINGS_ROOT");
    if backend == "sim" {
        c.arg("--deterministic");
    }
    c.output().expect("the binary runs")
}

#[test]
fn linux_commit_turns_kernel_whiteouts_into_wh_entries_and_round_trips() {
    if !kernel_allowed("linux_commit_turns_kernel_whiteouts_into_wh_entries_and_round_trips") {
        return;
    }
    let root = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("img.tar");
    // Not --deterministic: its seeded container ids would share cgroup names with other
    // runs on this machine.
    let run = |script: &str| {
        Command::new(env!("CARGO_BIN_EXE_dockerlings"))
            .args(["--backend", "linux", "--root"])
            .arg(root.path())
            .args(["-c", script])
            .env_remove("DOCKERLINGS_ROOT")
            .output()
            .expect("the binary runs")
    };
    let out = run("run --name ctr busybox sh -c 'mkdir /data; echo x > /data/x; rm -rf /tmp'");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = run(&format!(
        "commit -m demo ctr img:v1; save -o {a} img:v1; rmi img:v1; load -i {a}; \
         run --rm img:v1 cat /data/x; rm ctr",
        a = archive.display()
    ));
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    assert!(stdout.contains("Loaded image: img:v1\nx\n"), "{stdout}");
    // The top layer blob holds `.wh.tmp`, not a char device.
    let mut outer = tar::Archive::new(std::fs::File::open(&archive).unwrap());
    let mut names = Vec::new();
    for e in outer.entries().unwrap() {
        let e = e.unwrap();
        if e.path().unwrap().starts_with("blobs") && e.header().size().unwrap() < 100_000 {
            let mut inner = tar::Archive::new(e);
            if let Ok(entries) = inner.entries() {
                for i in entries.flatten() {
                    names.push(i.path().unwrap().display().to_string());
                }
            }
        }
    }
    assert!(names.contains(&".wh.tmp".to_string()), "{names:?}");
    assert!(names.contains(&"data/x".to_string()), "{names:?}");
}

/// Real OCI tools read what `save` writes (design §7: a missing tool fails, it does not skip).
#[test]
fn interop_skopeo_and_umoci_read_a_saved_archive() {
    for tool in ["skopeo", "umoci"] {
        let found = Command::new(tool).arg("--version").output();
        assert!(
            found.is_ok_and(|o| o.status.success()),
            "{tool} is needed (apt-get install skopeo umoci; .ci/run installs them)"
        );
    }
    let root = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let archive = work.path().join("img.tar");
    let out = dockerlings(
        root.path(),
        &format!(
            "run -d --name ctr busybox sleep 999; exec ctr sh -c 'echo hi > /x; rm /etc/passwd'; \
             commit ctr img:v1; save -o {} img:v1",
            archive.display()
        ),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let tool = |prog: &str, args: &[&str]| {
        let o = Command::new(prog)
            .args(args)
            .current_dir(work.path())
            .output()
            .unwrap();
        assert!(o.status.success(), "{prog} {args:?}: {}", text(&o.stderr));
        text(&o.stdout)
    };
    let raw = tool("skopeo", &["inspect", "--raw", "oci-archive:img.tar"]);
    assert!(
        raw.contains("application/vnd.oci.image.manifest.v1+json"),
        "{raw}"
    );
    let info = tool("skopeo", &["inspect", "docker-archive:img.tar"]);
    assert!(info.contains("\"Layers\""), "{info}");
    // umoci wants an OCI layout dir: the archive unpacked, addressed by its ref.name.
    let layout = work.path().join("layout");
    std::fs::create_dir(&layout).unwrap();
    tar::Archive::new(std::fs::File::open(&archive).unwrap())
        .unpack(&layout)
        .unwrap();
    tool(
        "umoci",
        &["unpack", "--rootless", "--image", "layout:v1", "bundle"],
    );
    let rootfs = work.path().join("bundle/rootfs");
    assert_eq!(std::fs::read_to_string(rootfs.join("x")).unwrap(), "hi\n");
    assert!(!rootfs.join("etc/passwd").exists(), "the whiteout applied");
    // And what skopeo writes in Docker's legacy layout loads back.
    tool(
        "skopeo",
        &[
            "copy",
            "docker-archive:img.tar",
            "docker-archive:back.tar:img:v2",
        ],
    );
    let back = work.path().join("back.tar");
    let out = dockerlings(root.path(), &format!("load -i {}", back.display()));
    assert_eq!(
        text(&out.stdout),
        "Loaded image: img:v2\n",
        "{}",
        text(&out.stderr)
    );
}
