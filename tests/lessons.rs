//! Every lesson in lessons/ plays to the end on the program itself (not a fake), and every
//! check it makes fails when its step's commands are left out; the `lesson` and `quiz`
//! subcommands behave.
use std::path::Path;
use std::process::Command;

use dockerlings::backend::BackendKind;
use dockerlings::lesson::probe_engine::SessionHost;
use dockerlings::lesson::{
    Backend, LESSONS, Lesson, builtin_lesson, prove_checks_can_fail, run_demo,
};

fn lessons() -> Vec<Lesson> {
    LESSONS
        .iter()
        .map(|(name, _)| {
            builtin_lesson(name)
                .unwrap()
                .unwrap_or_else(|e| panic!("{}", e.render()))
        })
        .collect()
}

/// A step may go without a check only when it changes no state: it is narration, or it only
/// looks (`explain`, `show`, and docker's read-only verbs such as `ps`, `images`, `inspect`,
/// or `exec NAME ps` with no redirection). A state-changing command must be proven by a check,
/// or a student could "pass" the step by typing anything; a looking step has nothing to prove,
/// and a check on it would hold before its commands ran.
fn is_narration(step: &dockerlings::lesson::Step) -> bool {
    const LOOKING: &[&str] = &[
        "explain", "show", "ps", "images", "inspect", "history", "info", "logs", "stats", "diff",
        "version", "top", "port",
    ];
    const LOOKING_INSIDE: &[&str] = &["ps", "cat", "ls", "hostname", "id", "env", "mount"];
    step.commands.iter().all(|c| {
        let words: Vec<&str> = c.split_whitespace().collect();
        match words.as_slice() {
            ["exec", _, inner, ..] => LOOKING_INSIDE.contains(inner) && !c.contains('>'),
            [verb, ..] => LOOKING.contains(verb),
            [] => true,
        }
    })
}

#[test]
fn every_lesson_plays_on_the_simulator() {
    let mut failures = Vec::new();
    for lesson in lessons() {
        let mut host = SessionHost::new(BackendKind::Sim).unwrap();
        let mut out = String::new();
        if let Err(f) = run_demo(&lesson, &mut host, &mut |s| out.push_str(s)) {
            failures.push(format!("{}: {f}\n{out}", lesson.name));
        }
        // A lesson must not ask for what the program cannot do yet: unbuilt commands are
        // taught with `explain`, and every `show:` diagram must draw.
        for bad in ["(no diagram for", "is not built yet — try"] {
            if out.contains(bad) {
                failures.push(format!("{}: prints `{bad}`\n{out}", lesson.name));
            }
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}

#[test]
fn every_check_can_fail_and_every_step_is_checked_or_narration() {
    let mut problems = Vec::new();
    for lesson in lessons() {
        let mut host = SessionHost::new(BackendKind::Sim).unwrap();
        let proof = prove_checks_can_fail(&lesson, &mut host);
        for v in &proof.vacuous {
            problems.push(format!(
                "{}: step {} ({}) passes without its commands: {:?}",
                lesson.name,
                v.step + 1,
                v.step_title,
                v.checks
            ));
        }
        for &i in &proof.unchecked {
            let step = &lesson.steps[i];
            if !is_narration(step) {
                problems.push(format!(
                    "{}: step {} ({}) runs {:?} but checks nothing",
                    lesson.name,
                    i + 1,
                    step.title,
                    step.commands
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

/// The check above must be able to fail: a lesson whose check holds anyway is reported.
#[test]
fn the_proof_catches_a_check_that_holds_anyway() {
    let src = "# Weak\nbackends: sim\ntopic: lifecycle\n\n## Step: Run\n```cmd\nrun -d --name web busybox sleep 1000\n```\ncheck: containers = 0\n";
    let lesson = dockerlings::lesson::parse_lesson("weak", src).unwrap();
    let mut host = SessionHost::new(BackendKind::Sim).unwrap();
    let proof = prove_checks_can_fail(&lesson, &mut host);
    assert_eq!(proof.vacuous.len(), 1);
    assert!(run_demo(&lesson, &mut host, &mut |_| {}).is_err());
}

fn dockerlings(args: &[&str], data: &Path) -> std::process::Output {
    Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(args)
        .env("XDG_DATA_HOME", data)
        .env_remove("DOCKERLINGS_ROOT")
        .stdin(std::process::Stdio::null())
        .output()
        .unwrap()
}

#[test]
fn lesson_list_is_one_tab_separated_line_per_lesson() {
    let data = tempfile::tempdir().unwrap();
    let out = dockerlings(&["lesson", "--list"], data.path());
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    let lines: Vec<&str> = text.lines().collect();
    assert_eq!(lines.len(), LESSONS.len(), "{text}");
    for (line, lesson) in lines.iter().zip(lessons()) {
        let cols: Vec<&str> = line.split('\t').collect();
        assert_eq!(
            cols,
            vec![lesson.name.as_str(), lesson.title.as_str(), "not started"]
        );
    }
}

#[test]
fn lesson_demo_plays_to_the_end() {
    let data = tempfile::tempdir().unwrap();
    let out = dockerlings(
        &["--backend", "sim", "lesson", "lifecycle", "--demo"],
        data.path(),
    );
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(stdout.contains("Lesson complete."), "{stdout}");
    assert!(stdout.contains("✓ container lc is created"), "{stdout}");
}

/// Practice reads the student's lines from stdin; progress is kept per user between runs.
/// (Watching the demo does not count as doing the lesson.)
#[test]
fn practice_from_stdin_keeps_progress() {
    use std::io::Write;
    let data = tempfile::tempdir().unwrap();
    let run = |input: &str| {
        let mut child = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
            .args(["--backend", "sim", "lesson", "lifecycle"])
            .env("XDG_DATA_HOME", data.path())
            .stdin(std::process::Stdio::piped())
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        child
            .stdin
            .take()
            .unwrap()
            .write_all(input.as_bytes())
            .unwrap();
        child.wait_with_output().unwrap()
    };
    let list = || {
        let out = dockerlings(&["lesson", "--list"], data.path());
        let text = String::from_utf8(out.stdout).unwrap();
        text.lines()
            .find(|l| l.starts_with("lifecycle\t"))
            .unwrap()
            .to_string()
    };
    // Step 1 has a predict question: answer 2, then do the step.
    let out = run("2\ncreate --name lc busybox sleep 100000\nquit\n");
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("✓ container lc is created"), "{text}");
    assert!(list().ends_with("\tstep 2/8"), "{}", list());
    let out = run(&"skip\n".repeat(10));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("Lesson complete."), "{text}");
    assert!(list().ends_with("\tcompleted"), "{}", list());
}

#[test]
fn quiz_asks_and_grades_from_stdin() {
    use std::io::Write;
    let data = tempfile::tempdir().unwrap();
    let mut child = Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args([
            "--backend",
            "sim",
            "quiz",
            "--topic",
            "lifecycle",
            "--count",
            "2",
        ])
        .env("XDG_DATA_HOME", data.path())
        .stdin(std::process::Stdio::piped())
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(b"1\ndone\n1\ndone\n")
        .unwrap();
    let out = child.wait_with_output().unwrap();
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("[lifecycle]"), "{text}");
    assert!(text.contains("Model answer:"), "{text}");
    assert!(text.contains(" of 2 right."), "{text}");
    assert!(data.path().join("dockerlings/quiz.json").exists());
    let bad = dockerlings(
        &["--backend", "sim", "quiz", "--topic", "nope"],
        data.path(),
    );
    assert_eq!(bad.status.code(), Some(1));
}

/// Writes a lesson file `name` with `src` into `data` and plays it as a demo on the simulator.
fn demo_of_file(data: &Path, name: &str, src: &str) -> (std::path::PathBuf, std::process::Output) {
    let file = data.join(name);
    std::fs::write(&file, src).unwrap();
    let path = file.to_str().unwrap();
    let out = dockerlings(&["--backend", "sim", "lesson", path, "--demo"], data);
    (file, out)
}

#[test]
fn a_failing_check_makes_the_demo_exit_1() {
    let data = tempfile::tempdir().unwrap();
    let (_, out) = demo_of_file(
        data.path(),
        "bad.md",
        "# Bad\nbackends: sim\ntopic: lifecycle\n\n## Step: Run\n```cmd\ncreate --name web busybox\n```\ncheck: container web is running\n",
    );
    assert_eq!(out.status.code(), Some(1));
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(stdout.contains("✗ container web is running"), "{stdout}");
}

#[test]
fn a_broken_lesson_file_is_reported_with_line_column_and_caret() {
    let data = tempfile::tempdir().unwrap();
    let (file, out) = demo_of_file(
        data.path(),
        "broken.md",
        "# Broken\nbackends: sim\ntopic: lifecycle\n\n## Step: Run\n```cmd\nps\n```\ncheck: container web is flying\n",
    );
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    let at = format!("{}:9:", file.display());
    assert!(stderr.contains(&at), "{stderr}");
    assert!(stderr.contains('^'), "{stderr}");
    assert!(
        stderr.contains("check: container web is flying"),
        "{stderr}"
    );
}

#[test]
fn an_unknown_lesson_name_says_so() {
    let data = tempfile::tempdir().unwrap();
    let out = dockerlings(
        &["--backend", "sim", "lesson", "nope", "--demo"],
        data.path(),
    );
    assert_ne!(out.status.code(), Some(0));
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("no lesson named nope"), "{stderr}");
}

/// On the kernel: every lesson whose backends line names linux plays through the binary
/// (the per-container monitor is the binary re-executed). Needs root; under
/// DOCKERLINGS_REQUIRE_LINUX=1 a machine that cannot run it fails instead of skipping.
#[test]
fn linux_lessons_play_on_the_kernel() {
    if let Err(why) = dockerlings::backend::linux::probe() {
        assert!(
            std::env::var("DOCKERLINGS_REQUIRE_LINUX").as_deref() != Ok("1"),
            "DOCKERLINGS_REQUIRE_LINUX=1 but the linux backend cannot run: {why}"
        );
        eprintln!("skipping linux_lessons_play_on_the_kernel: {why}");
        return;
    }
    let mut played = 0;
    for lesson in lessons().iter().filter(|l| l.runs_on(Backend::Linux)) {
        let data = tempfile::tempdir().unwrap();
        let out = dockerlings(
            &["--backend", "linux", "lesson", &lesson.name, "--demo"],
            data.path(),
        );
        assert_eq!(
            out.status.code(),
            Some(0),
            "{} does not play on linux:\n{}{}",
            lesson.name,
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        played += 1;
    }
    assert!(played >= 3, "only {played} lessons name the linux backend");
}

/// `--ascii` (or a terminal without UTF-8) reaches a lesson's banners and diagrams.
#[test]
fn lesson_demo_with_ascii_draws_no_box_characters() {
    let data = tempfile::tempdir().unwrap();
    let boxy = |s: &str| s.chars().any(|c| ('\u{2500}'..='\u{257f}').contains(&c));
    let out = dockerlings(
        &["lesson", "--backend", "sim", "lifecycle", "--demo"],
        data.path(),
    );
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(boxy(&text), "the default draws boxes: {text}");
    let out = dockerlings(
        &[
            "lesson",
            "--ascii",
            "--backend",
            "sim",
            "lifecycle",
            "--demo",
        ],
        data.path(),
    );
    assert_eq!(out.status.code(), Some(0));
    let text = String::from_utf8(out.stdout).unwrap();
    assert!(text.starts_with("== The container lifecycle =="), "{text}");
    assert!(text.contains("\n-- Step 1/8: "), "{text}");
    assert!(!boxy(&text), "{text}");
}
