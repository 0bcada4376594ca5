//! What skopeo writes from our archives — Docker's legacy docker-archive and OCI archives
//! with gzip-compressed layers — loads here, and a container of the loaded image runs and
//! shows the image's files, on the simulator and (when the machine allows) the kernel.
use std::path::Path;
use std::process::Command;

use super::{backends, on, text};

fn tool(dir: &Path, prog: &str, args: &[&str]) -> String {
    let o = Command::new(prog)
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap_or_else(|e| panic!("{prog} is needed (apt-get install skopeo umoci): {e}"));
    assert!(o.status.success(), "{prog} {args:?}: {}", text(&o.stderr));
    text(&o.stdout)
}

/// The files a container of `image` sees, loaded from `archive` into a fresh root.
fn load_and_look(backend: &str, archive: &Path, image: &str) -> String {
    let root = tempfile::tempdir().unwrap();
    let out = on(
        backend,
        root.path(),
        &format!(
            "load -i {}; run --rm {image} sh -c 'cat /data/x; ls /etc'",
            archive.display()
        ),
    );
    let stdout = text(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{backend} {image}: {stdout}{}",
        text(&out.stderr)
    );
    assert!(
        stdout.starts_with(&format!("Loaded image: {image}\nhi\n")),
        "{backend} {image}: {stdout}"
    );
    stdout
}

#[test]
fn sim_and_linux_load_skopeo_docker_and_oci_archives_and_run_them() {
    for backend in backends("sim_and_linux_load_skopeo_docker_and_oci_archives_and_run_them") {
        let root = tempfile::tempdir().unwrap();
        let work = tempfile::tempdir().unwrap();
        let out = on(
            backend,
            root.path(),
            &format!(
                "run --name ctr busybox sh -c 'mkdir /data; echo hi > /data/x; rm /etc/passwd'; \
                 commit ctr img:v1; rm ctr; save -o {} img:v1",
                work.path().join("ours.tar").display()
            ),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{backend}: {}",
            text(&out.stderr)
        );
        let w = work.path();
        tool(
            w,
            "skopeo",
            &[
                "copy",
                "docker-archive:ours.tar",
                "docker-archive:sk-docker.tar:img:v2",
            ],
        );
        tool(
            w,
            "skopeo",
            &[
                "copy",
                "docker-archive:ours.tar",
                "oci-archive:sk-oci.tar:img:v3",
            ],
        );
        tool(
            w,
            "skopeo",
            &[
                "copy",
                "--dest-compress",
                "--dest-compress-format",
                "gzip",
                "--dest-compress-level",
                "9",
                "docker-archive:ours.tar",
                "oci-archive:sk-gz.tar:img:v4",
            ],
        );
        // skopeo's OCI archives carry gzip layers: the case this test is about.
        for archive in ["sk-oci.tar", "sk-gz.tar"] {
            let raw = tool(
                w,
                "skopeo",
                &["inspect", "--raw", &format!("oci-archive:{archive}")],
            );
            assert!(raw.contains("tar+gzip"), "{archive}: {raw}");
        }
        for (archive, image) in [
            ("sk-docker.tar", "img:v2"),
            ("sk-oci.tar", "img:v3"),
            ("sk-gz.tar", "img:v4"),
        ] {
            let seen = load_and_look(backend, &w.join(archive), image);
            assert!(
                !seen.contains("\npasswd\n"),
                "{backend} {image}: whiteout lost: {seen}"
            );
            assert!(seen.contains("\ngroup\n"), "{backend} {image}: {seen}");
        }
    }
}
