//! The binary as a user meets it: batch mode, persistence, exit codes, replay.
use std::process::{Command, Output};

fn dockerlings(root: &std::path::Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(["--backend", "sim", "--deterministic", "--root"])
        .arg(root)
        .args(args)
        .env_remove("DOCKERLINGS_ROOT")
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

#[test]
fn batch_mode_prints_exactly_what_docker_prints_and_state_persists() {
    let root = tempfile::tempdir().unwrap();
    let out = dockerlings(
        root.path(),
        &[
            "-c",
            "run -d --name web busybox sleep 99; ps --format '{{.Names}} {{.Status}}'",
        ],
    );
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let lines: Vec<&str> = stdout.lines().collect();
    assert_eq!(lines.len(), 2, "{stdout}");
    assert_eq!(lines[0].len(), 64, "the id: {stdout}");
    assert!(lines[1].starts_with("web Up "), "{stdout}");
    // A second invocation sees the same container, and the deterministic clock went on.
    let out = dockerlings(
        root.path(),
        &["-c", "inspect --format '{{.State.Status}}' web"],
    );
    assert_eq!(text(&out.stdout), "running\n");
}

#[test]
fn batch_exit_status_is_the_last_commands_and_errors_go_to_stderr() {
    let root = tempfile::tempdir().unwrap();
    let out = dockerlings(
        root.path(),
        &["-c", "start nosuch; run busybox sh -c 'echo hello; exit 3'"],
    );
    assert_eq!(out.status.code(), Some(3));
    assert_eq!(text(&out.stdout), "hello\n");
    assert_eq!(
        text(&out.stderr),
        "Error response from daemon: No such container: nosuch\nError: failed to start containers: nosuch\n"
    );
    let out = dockerlings(
        root.path(),
        &["-c", "inspect --format '{{.State.Status}}' lc"],
    );
    assert_eq!(out.status.code(), Some(1));
    assert_eq!(text(&out.stderr), "Error: No such object: lc\n");
}

#[test]
fn a_bad_command_gets_a_caret_and_a_suggestion() {
    let root = tempfile::tempdir().unwrap();
    let out = dockerlings(root.path(), &["-c", "rn -d busybox"]);
    assert_ne!(out.status.code(), Some(0));
    let err = text(&out.stderr);
    assert!(err.contains("'rn' is not a docker command"), "{err}");
    assert!(err.contains("^^"), "{err}");
    assert!(err.contains("did you mean run?"), "{err}");
}

#[test]
fn script_from_stdin_runs_when_stdin_is_not_a_terminal() {
    use std::io::Write;
    let root = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(["--backend", "sim", "--deterministic", "--root"])
        .arg(root.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"create --name c1 busybox true\n# a comment\nps -a --format '{{.Names}}: {{.Status}}'\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(
        text(&out.stdout).ends_with("c1: Created\n"),
        "{}",
        text(&out.stdout)
    );
}

#[test]
fn replay_exits_1_with_a_diff_on_a_corrupted_transcript() {
    let dir = tempfile::tempdir().unwrap();
    let good = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/transcripts/lifecycle.txt"
    ))
    .unwrap();
    let file = dir.path().join("t.txt");
    std::fs::write(&file, &good).unwrap();
    let ok = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .arg("replay")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(
        ok.status.code(),
        Some(0),
        "{}{}",
        text(&ok.stdout),
        text(&ok.stderr)
    );
    // Corrupt one output line.
    let bad = good.replacen("running\n", "runnning\n", 1);
    assert_ne!(bad, good);
    std::fs::write(&file, &bad).unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .arg("replay")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1));
    let diff = text(&out.stdout);
    assert!(
        diff.contains("-runnning") && diff.contains("+running"),
        "{diff}"
    );
}

#[test]
fn bad_input_gets_a_clear_error_and_never_panics() {
    let root = tempfile::tempdir().unwrap();
    let huge = "x".repeat(50_000);
    let script = format!(
        "ps --format '{{{{.Names'\nps --format '{{{{nosuchfunc .Names}}}}'\ninspect --format '{{{{.State.Nope.Deeper}}}}' busybox\nrun busybox echo \"unbalanced\nrun --name {huge} busybox true\nrm {huge}\nkill -s NOPE nosuch\n"
    );
    let out = dockerlings(root.path(), &["-c", &script]);
    let err = text(&out.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert!(err.contains("unclosed action"), "{err}");
    assert!(err.contains("function \"nosuchfunc\" not defined"), "{err}");
    assert!(err.contains("unterminated double quote"), "{err}");
    assert!(err.contains("Invalid signal: NOPE"), "{err}");
}

#[test]
fn record_writes_a_transcript_that_replays() {
    let root = tempfile::tempdir().unwrap();
    let file = root.path().join("rec.txt");
    let script = format!(
        "run -d --name rec busybox sleep 99\nrecord {}\nps -a --format '{{{{.Names}}}}'\npause rec\nstart rec\nrecord stop\n",
        file.display()
    );
    // Not deterministic: what was seen differs; the file is re-run deterministically.
    let out = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(["--backend", "sim", "--root"])
        .arg(root.path().join("state"))
        .args(["-c", &script])
        .output()
        .unwrap();
    assert!(
        text(&out.stdout).contains("recorded 3 commands"),
        "{}{}",
        text(&out.stdout),
        text(&out.stderr)
    );
    let recorded = std::fs::read_to_string(&file).unwrap();
    assert!(recorded.starts_with("# backends: sim\n"), "{recorded}");
    assert!(recorded.contains("$ pause rec\n"), "{recorded}");
    let replay = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .arg("replay")
        .arg(&file)
        .output()
        .unwrap();
    assert_eq!(replay.status.code(), Some(0), "{}", text(&replay.stdout));
}

#[test]
fn show_disk_walks_the_root_and_names_each_part() {
    let root = tempfile::tempdir().unwrap();
    let out = dockerlings(
        root.path(),
        &[
            "-c",
            "run -d --name web busybox sleep 100; exec web sh -c 'rm /etc/group'; show disk",
        ],
    );
    let tour = text(&out.stdout);
    assert!(tour.contains("container web: its R/W layer"), "{tour}");
    assert!(tour.contains("init layer of web"), "{tour}");
    assert!(tour.contains("image layer "), "{tour}");
    assert!(tour.contains("repositories.json"), "{tour}");
    // Inside the container's upper dir: the whiteout the rm wrote.
    let id = text(
        &dockerlings(
            root.path(),
            &[
                "-c",
                "inspect --format '{{.GraphDriver.Data.UpperDir}}' web",
            ],
        )
        .stdout,
    );
    let rel = std::path::Path::new(id.trim())
        .strip_prefix(std::fs::canonicalize(root.path()).unwrap())
        .unwrap()
        .to_owned();
    let inside = text(
        &dockerlings(
            root.path(),
            &["-c", &format!("show disk {}", rel.display())],
        )
        .stdout,
    );
    assert!(inside.contains(".wh.group"), "{inside}");
}

#[test]
fn replay_update_writes_a_transcript_named_without_a_directory() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(
        dir.path().join("t.txt"),
        "# backends: sim\n\n$ tag busybox x:v1\n\n$ images --format '{{.Repository}}' x\n",
    )
    .unwrap();
    let out = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(["replay", "t.txt", "--update"])
        .current_dir(dir.path())
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let written = std::fs::read_to_string(dir.path().join("t.txt")).unwrap();
    assert!(
        written.ends_with("$ images --format '{{.Repository}}' x\nx\n\n"),
        "{written}"
    );
}

/// `replay` of several files, side by side: each file's report in the order given, exit 1
/// when any of them differs, and a kernel-only transcript skipped on the simulator.
#[test]
fn replay_of_several_files_reports_each_in_order_and_fails_on_any_mismatch() {
    let dir = tempfile::tempdir().unwrap();
    let transcripts = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("transcripts");
    let bad = dir.path().join("bad.txt");
    std::fs::write(&bad, "# backends: sim\n\n$ ps -q\nnot this\n").unwrap();
    for jobs in ["1", "3"] {
        let out = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
            .args(["replay", "--jobs", jobs])
            .arg(transcripts.join("lifecycle.txt"))
            .arg(&bad)
            .arg(transcripts.join("pause_vs_stop_kernel.txt"))
            .arg(transcripts.join("first_container.txt"))
            .output()
            .unwrap();
        assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
        let stdout = text(&out.stdout);
        let lines: Vec<&str> = stdout.lines().collect();
        assert!(
            lines[0].ends_with("lifecycle.txt: 31 commands, all match"),
            "{stdout}"
        );
        assert!(stdout.contains("-not this"), "{stdout}");
        assert!(
            stdout
                .contains("pause_vs_stop_kernel.txt: skipped, a transcript for the linux backend"),
            "{stdout}"
        );
        assert!(
            lines[lines.len() - 1].ends_with("first_container.txt: 6 commands, all match"),
            "{stdout}"
        );
    }
}

#[test]
fn exec_ps_lists_the_execd_ps_once_with_its_terminal_or_none() {
    let root = tempfile::tempdir().unwrap();
    let script = "run -d --name web nginx; exec web ps; exec web sh -c ps; \
                  run -dit --name box ubuntu bash; exec -t box ps";
    let out = dockerlings(root.path(), &["-c", script]);
    assert_eq!(out.status.code(), Some(0), "stderr: {}", text(&out.stderr));
    let stdout = text(&out.stdout);
    let ps_rows: Vec<&str> = stdout.lines().filter(|l| l.ends_with(" ps")).collect();
    // One from `exec web ps` (the exec'd process itself), one under `sh -c`, one in box.
    assert_eq!(ps_rows.len(), 3, "{stdout}");
    // No -t anywhere in web: no terminal, `?` as procps prints it.
    assert!(
        stdout.contains("      1 ?        00:00:00 nginx\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("      7 ?        00:00:00 ps\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("      8 ?        00:00:00 ps\n"),
        "{stdout}"
    );
    // box runs with -t (pts/0); `exec -t` gets the next pty.
    assert!(
        stdout.contains("      1 pts/0    00:00:00 bash\n"),
        "{stdout}"
    );
    assert!(
        stdout.contains("      7 pts/1    00:00:00 ps\n"),
        "{stdout}"
    );
}
