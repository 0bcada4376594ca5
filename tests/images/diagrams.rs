//! The diagrams after commit, save and export (with --diagrams, as in the REPL): what went
//! into the result. An archive written to stdout gets no diagram: it would corrupt the tar.
use std::path::Path;
use std::process::Command;

use super::text;

fn with_diagrams(root: &Path, script: &str) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args([
            "--backend",
            "sim",
            "--deterministic",
            "--diagrams",
            "--ascii",
        ])
        .arg("--root")
        .arg(root)
        .args(["-c", script])
        .env_remove("DOCKERLINGS_ROOT")
        .output()
        .unwrap()
}

#[test]
fn commit_save_and_export_draw_what_went_into_the_result() {
    let root = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let out = with_diagrams(
        root.path(),
        &format!(
            "run --name cow busybox sh -c 'echo m >> /etc/motd; rm /etc/group; rm -rf /home'; \
             commit cow cowimg:v1; save -o {w}/both.tar cowimg:v1 busybox; export -o {w}/e.tar cow",
            w = work.path().display()
        ),
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    let commit = stdout
        .split("commit cow -> image cowimg:v1")
        .nth(1)
        .expect(&stdout);
    assert!(commit.contains("2 deleted (whiteouts)"), "{commit}");
    assert!(commit.contains("| NEW  "), "{commit}");
    assert!(commit.contains("kept from busybox"), "{commit}");
    let save = stdout
        .split("save cowimg:v1 busybox -> ")
        .nth(1)
        .expect(&stdout);
    assert!(
        save.contains("shared by cowimg:v1, busybox, stored once"),
        "{save}"
    );
    assert!(save.contains("2 layer blobs (1 shared)"), "{save}");
    let export = stdout.split("export cow -> ").nth(1).expect(&stdout);
    assert!(
        export.contains("union of all 2 layers, flattened"),
        "{export}"
    );
    assert!(export.contains("4 changes"), "{export}");
}

#[test]
fn an_archive_on_stdout_gets_no_diagram() {
    let root = tempfile::tempdir().unwrap();
    let work = tempfile::tempdir().unwrap();
    let file = work.path().join("bb.tar");
    let out = with_diagrams(root.path(), &format!("save -o {} busybox", file.display()));
    assert!(
        text(&out.stdout).starts_with("save busybox -> "),
        "{}",
        text(&out.stdout)
    );
    let out = with_diagrams(root.path(), "save busybox");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(out.stdout, std::fs::read(&file).unwrap());
}
