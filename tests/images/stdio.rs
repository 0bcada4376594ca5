//! save/export to stdout and load/import from stdin, as Docker does them, in batch mode.
use std::io::Write;
use std::os::fd::OwnedFd;
use std::process::{Command, Stdio};

use super::{dockerlings, text};

fn binary(root: &std::path::Path) -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_dockerlings"));
    c.args(["--backend", "sim", "--deterministic", "--root"])
        .arg(root)
        .env_remove("DOCKERLINGS_ROOT");
    c
}

/// Runs `script` with `-c`, `input` piped to its stdin.
fn with_stdin(root: &std::path::Path, args: &[&str], input: &[u8]) -> std::process::Output {
    let mut child = binary(root)
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    let input = input.to_vec();
    // A writer thread, so a child that never reads cannot deadlock the test.
    let writer = std::thread::spawn(move || {
        let _ = stdin.write_all(&input);
    });
    let out = child.wait_with_output().unwrap();
    writer.join().unwrap();
    out
}

/// A pseudo-terminal's follower side, and the leader kept open while the child runs.
fn pty() -> (OwnedFd, OwnedFd) {
    let p = nix::pty::openpty(None, None).unwrap();
    (p.master, p.slave)
}

#[test]
fn save_writes_the_archive_to_a_redirected_stdout_byte_for_byte() {
    let root = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("bb.tar");
    let out = dockerlings(root.path(), &format!("save -o {} busybox", file.display()));
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = dockerlings(root.path(), "save busybox");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    // stdout carries the archive and nothing else.
    assert_eq!(out.stdout, std::fs::read(&file).unwrap());
    assert_eq!(text(&out.stderr), "");
}

#[test]
fn save_and_export_refuse_a_terminal_stdout_with_dockers_words() {
    let root = tempfile::tempdir().unwrap();
    for script in ["save busybox", "create --name ctr busybox; export ctr"] {
        let (_leader, follower) = pty();
        let out = binary(root.path())
            .args(["-c", script])
            .stdout(Stdio::from(follower))
            .stderr(Stdio::piped())
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{script}");
        assert_eq!(
            text(&out.stderr).lines().last(),
            Some("cowardly refusing to save to a terminal. Use the -o flag or redirect"),
            "{script}"
        );
    }
}

#[test]
fn load_reads_stdin_when_the_script_comes_from_dash_c() {
    let root = tempfile::tempdir().unwrap();
    let out = dockerlings(
        root.path(),
        "tag busybox mine:v1; run --name ctr mine:v1 sh -c 'echo hi > /f'; commit ctr mine:v2; \
         rm ctr",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let archive = dockerlings(root.path(), "save mine:v2").stdout;
    let out = dockerlings(root.path(), "rmi mine:v2");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let out = with_stdin(
        root.path(),
        &["-c", "load; run --rm mine:v2 cat /f"],
        &archive,
    );
    assert_eq!(
        text(&out.stdout),
        "Loaded image: mine:v2\nhi\n",
        "{}",
        text(&out.stderr)
    );
    assert_eq!(out.status.code(), Some(0));
}

#[test]
fn load_from_stdin_is_refused_when_stdin_is_the_script_or_a_terminal() {
    let root = tempfile::tempdir().unwrap();
    let out = with_stdin(root.path(), &[], b"load\nimport - x:v1\n");
    assert_eq!(out.status.code(), Some(1));
    let err = text(&out.stderr);
    assert_eq!(
        err.matches("stdin carries the script itself").count(),
        2,
        "{err}"
    );

    // An empty stdin is not an image, nor an export: Docker's daemon hits EOF.
    let out = with_stdin(root.path(), &["-c", "load"], b"");
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "Error response from daemon: unexpected EOF\n"
    );

    let (_leader, follower) = pty();
    let out = binary(root.path())
        .args(["-c", "load"])
        .stdin(Stdio::from(follower))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(
        text(&out.stderr),
        "requested load from stdin, but stdin is empty\n"
    );
}

#[test]
fn export_to_stdout_then_import_from_stdin_flattens_the_container() {
    let root = tempfile::tempdir().unwrap();
    let out = dockerlings(
        root.path(),
        "run --name ctr busybox sh -c 'echo one > /one; rm /etc/passwd'",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let exported = dockerlings(root.path(), "export ctr");
    assert_eq!(
        exported.status.code(),
        Some(0),
        "{}",
        text(&exported.stderr)
    );
    let names: Vec<String> = tar::Archive::new(exported.stdout.as_slice())
        .entries()
        .unwrap()
        .map(|e| e.unwrap().path().unwrap().display().to_string())
        .collect();
    assert!(names.contains(&"one".to_string()), "{names:?}");
    assert!(!names.iter().any(|n| n == "etc/passwd"), "{names:?}");
    let out = with_stdin(
        root.path(),
        &[
            "-c",
            "import -m piped - flat:v1; run --rm flat:v1 cat /one; \
             history --format '{{.Comment}}' flat:v1",
        ],
        &exported.stdout,
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let lines: Vec<&str> = stdout.lines().collect();
    assert!(lines[0].starts_with("sha256:"), "{stdout}");
    assert_eq!(&lines[1..], ["one", "piped"], "{stdout}");
}
