//! The teacher's side and lessons inside the REPL, through the binary as a user meets it:
//! `lesson NAME` typed in a batch session, `lesson --export-progress`, `--presenter`.
use std::path::Path;
use std::process::{Command, Output};

/// The binary with its own user data dir (progress) and root; `args` after the globals.
fn dockerlings(data: &Path, args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(["--backend", "sim", "--deterministic", "--root"])
        .arg(data.join("root"))
        .args(args)
        .env("XDG_DATA_HOME", data.join("data"))
        .env_remove("DOCKERLINGS_ROOT")
        .env_remove("NO_COLOR")
        .output()
        .expect("the binary runs")
}

/// `lesson --export-progress FILE` for the user whose data dir is under `data`.
fn export(data: &Path, file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(["lesson", "--export-progress"])
        .arg(file)
        .env("XDG_DATA_HOME", data.join("data"))
        .output()
        .expect("the binary runs")
}

fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).to_string()
}

/// Everything after the first line that contains `marker`.
fn after<'a>(s: &'a str, marker: &str) -> &'a str {
    s.find(marker).map_or("", |i| &s[i..])
}

#[test]
fn lesson_in_the_repl_plays_on_its_own_state_and_quit_comes_back() {
    let dir = tempfile::tempdir().unwrap();
    let script = "run -d --name mine busybox sleep 100000
lesson lifecycle
2
ps -a --format 'inside: {{.Names}}'
lesson commit
create --name lc busybox sleep 100000
hint
quit
ps -a --format 'outside: {{.Names}}'";
    let out = dockerlings(dir.path(), &["-c", script]);
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{stdout}{}", text(&out.stderr));
    // The lesson's state is fresh: the student's container is not there...
    assert!(!stdout.contains("inside: mine"), "{stdout}");
    // ...no lesson starts inside the lesson...
    // (inside a lesson, errors are part of the lesson's text, as practice shows them)
    assert!(
        stdout.contains("dockerlings: a lesson is already running: `quit` it first"),
        "{stdout}"
    );
    assert!(!stdout.contains("docker commit ━━"), "{stdout}");
    // ...the guess was graded, the step's check passed and the lesson went on.
    assert!(stdout.contains("→ Right: 2) only ps -a."), "{stdout}");
    assert!(stdout.contains("✓ container lc is created"), "{stdout}");
    assert!(stdout.contains("── Step 2/8: Start it ──"), "{stdout}");
    assert!(stdout.contains("hint 1/1: start lc"), "{stdout}");
    // After quit: the student's own containers, and none of the lesson's.
    let back = after(&stdout, "(left the lesson; your place is kept");
    assert!(back.contains("outside: mine\n"), "{stdout}");
    assert!(!back.contains("outside: lc"), "{stdout}");
    let out = dockerlings(dir.path(), &["-c", "ps -a --format '{{.Names}}'"]);
    assert_eq!(text(&out.stdout), "mine\n");

    // The place is kept per user: `lesson` alone lists it, and so does --list.
    let out = dockerlings(dir.path(), &["-c", "lesson"]);
    let list = text(&out.stdout);
    assert!(
        list.starts_with("type `lesson NAME` to practise one here"),
        "{list}"
    );
    assert!(
        list.lines()
            .any(|l| l.contains("lifecycle ") && l.ends_with("step 2/8")),
        "{list}"
    );
    let out = dockerlings(dir.path(), &["lesson", "--list"]);
    assert!(text(&out.stdout).contains("lifecycle\tThe container lifecycle\tstep 2/8\n"));
}

#[test]
fn a_lesson_finished_in_the_repl_is_recorded_and_an_unknown_one_fails() {
    let dir = tempfile::tempdir().unwrap();
    let script = "lesson what-is-docker
2
skip
skip
skip
skip
ps -a --format 'after: {{.Names}}'";
    let out = dockerlings(dir.path(), &["-c", script]);
    let stdout = text(&out.stdout);
    assert!(stdout.contains("Lesson complete."), "{stdout}");
    assert!(
        stdout.contains("(lesson complete: back to your own containers)"),
        "{stdout}"
    );
    assert!(!stdout.contains("after: "), "{stdout}");
    let out = dockerlings(dir.path(), &["lesson", "--list"]);
    assert!(
        text(&out.stdout)
            .contains("what-is-docker\tWhat Docker is, and why people use it\tcompleted\n")
    );

    let out = dockerlings(dir.path(), &["-c", "lesson nosuch"]);
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no lesson named nosuch"));
}

#[test]
fn export_progress_writes_csv_and_junit() {
    let dir = tempfile::tempdir().unwrap();
    let script = "lesson lifecycle\n2\ncreate --name lc busybox sleep 100000\nquit\nlesson what-is-docker\n2\nskip\nskip\nskip\nskip";
    let out = dockerlings(dir.path(), &["-c", script]);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));

    let csv_path = dir.path().join("class.csv");
    let out = dockerlings(dir.path(), &["lesson", "--export-progress"]);
    assert_ne!(out.status.code(), Some(0), "FILE is required");
    let out = export(dir.path(), &csv_path);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let csv = std::fs::read_to_string(&csv_path).unwrap();
    let lines: Vec<&str> = csv.lines().collect();
    assert_eq!(
        lines[0],
        "lesson,title,steps_done,steps_total,status,last_updated"
    );
    assert_eq!(lines.len(), 1 + dockerlings::lesson::LESSONS.len());
    let row = |name: &str| {
        lines
            .iter()
            .find(|l| l.starts_with(&format!("{name},")))
            .unwrap()
            .to_string()
    };
    assert!(row("lifecycle").starts_with("lifecycle,The container lifecycle,1,8,in progress,20"));
    assert!(
        row("what-is-docker").starts_with(
            "what-is-docker,\"What Docker is, and why people use it\",4,4,completed,20"
        )
    );
    assert!(row("commit").ends_with(",not started,"));

    let xml_path = dir.path().join("class.xml");
    let out = export(dir.path(), &xml_path);
    assert_eq!(out.status.code(), Some(0));
    let xml = std::fs::read_to_string(&xml_path).unwrap();
    let n = dockerlings::lesson::LESSONS.len();
    assert!(
        xml.contains(&format!(
            "<testsuite name=\"dockerlings lessons\" tests=\"{n}\" failures=\"1\" errors=\"0\" skipped=\"{}\">",
            n - 2
        )),
        "{xml}"
    );
    assert!(xml.contains("<failure message=\"not finished: 1 of 8 steps done, last updated 20"));
    assert!(xml.contains(
        "<testcase classname=\"lessons\" name=\"what-is-docker: What Docker is, and why people use it\"/>"
    ));
    assert_eq!(xml.matches("<testcase ").count(), n);
}

/// A lesson with stdin fed from `input` (not a terminal), colour and ASCII as asked.
fn lesson_with_input(data: &Path, args: &[&str], input: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(["--backend", "sim", "lesson"])
        .args(args)
        .env("XDG_DATA_HOME", data.join("data"))
        .env_remove("NO_COLOR")
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped())
        .spawn()
        .expect("the binary runs");
    if let Some(mut stdin) = child.stdin.take() {
        stdin.write_all(input.as_bytes()).unwrap();
    }
    child.wait_with_output().unwrap()
}

#[test]
fn presenter_demo_has_block_titles_and_keeps_solutions_hidden_without_a_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let args = [
        "what-is-docker",
        "--demo",
        "--presenter",
        "--color",
        "never",
        "--ascii",
    ];
    let out = lesson_with_input(dir.path(), &args, "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    let stdout = text(&out.stdout);
    // The commands ran (the checks passed) but were never shown.
    assert!(!stdout.contains("dockerlings> "), "{stdout}");
    assert_eq!(
        stdout
            .matches("(presenter: the solution stays hidden; the step's commands ran, their output follows)")
            .count(),
        4
    );
    insta::assert_snapshot!("presenter_demo_what_is_docker", stdout);

    // High contrast when colour is on; the plain demo has neither big letters nor it.
    let out = lesson_with_input(
        dir.path(),
        &[
            "what-is-docker",
            "--demo",
            "--presenter",
            "--color",
            "always",
        ],
        "",
    );
    let stdout = text(&out.stdout);
    assert!(stdout.contains("\x1b[1;7m Step 1/4 \x1b[0m"), "{stdout}");
    assert!(stdout.contains("█"), "{stdout}");
    let out = lesson_with_input(dir.path(), &["what-is-docker", "--demo"], "");
    let stdout = text(&out.stdout);
    assert!(stdout.contains("dockerlings> run --name hello busybox echo hello from a container"));
    assert!(
        !stdout.contains("\x1b[") && !stdout.contains("█"),
        "{stdout}"
    );
}

#[test]
fn presenter_practice_hides_the_command_until_solution_is_typed() {
    let dir = tempfile::tempdir().unwrap();
    let out = lesson_with_input(
        dir.path(),
        &["lifecycle", "--presenter", "--color", "never", "--ascii"],
        "2\nhint\nhint\nsolution\nquit\n",
    );
    let stdout = text(&out.stdout);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert!(stdout.contains("== Step 1/8 =="), "{stdout}");
    assert!(
        stdout.contains("hint 1/2: `create` takes the same arguments as `run`."),
        "{stdout}"
    );
    assert!(
        stdout.contains("hint 2/2: (hidden on the projector: type `solution` to show the command)"),
        "{stdout}"
    );
    let before_solution = stdout.split("solution:\n").next().unwrap_or("");
    assert!(!before_solution.contains("create --name lc"), "{stdout}");
    assert!(
        stdout.contains("solution:\ncreate --name lc busybox sleep 100000\nps\nps -a\n"),
        "{stdout}"
    );
}
