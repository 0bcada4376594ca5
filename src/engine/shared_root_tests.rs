//! Two processes on one root: what one changes, the other sees at its next command,
//! although each keeps what it read (containers, tags, image configs) between commands.
use crate::cli::session::Session;

/// The wall clock: its commands change engine.json only when they change state, so the
/// test also shows that every change is announced.
fn session(root: &std::path::Path) -> Session {
    super::test_session::session(root, false)
}

/// The logical clock, which all sessions on a root share (engine.json).
fn deterministic(root: &std::path::Path) -> Session {
    super::test_session::session(root, true)
}

fn run(s: &mut Session, line: &str) -> (String, String) {
    let out = s.feed_line(line);
    (out.output.stdout, out.output.stderr)
}

#[test]
fn tags_and_removed_images_from_another_process_show_at_the_next_command() {
    let root = tempfile::tempdir().expect("tmp");
    let mut a = session(root.path());
    let mut b = session(root.path());
    let images = "images --format '{{.Repository}}:{{.Tag}}'";
    let (before, _) = run(&mut a, images);
    assert!(before.contains("alpine:latest"), "{before}");
    run(&mut a, "inspect --format '{{.Id}}' alpine busybox");
    run(&mut b, "tag busybox student/box:v1");
    run(&mut b, "rmi alpine");
    let (after, _) = run(&mut a, images);
    assert!(after.contains("student/box:v1"), "{after}");
    assert!(!after.contains("alpine:latest"), "{after}");
    let (_, err) = run(&mut a, "inspect alpine");
    assert!(err.contains("No such object: alpine"), "{err}");
    // And this process's own changes show at once.
    run(&mut a, "rmi student/box:v1");
    let (own, _) = run(&mut a, images);
    assert!(!own.contains("student/box"), "{own}");
}

/// A running container's simulated process moves on whichever process asks: each reads it
/// afresh at its next command after another process wrote it (a backend keeps its state
/// files only until the engine sees a new generation), so no output is made twice.
#[test]
fn a_process_advanced_by_another_session_is_not_replayed_from_an_older_state() {
    let ticks = |alternate: bool| {
        let root = tempfile::tempdir().expect("tmp");
        let mut a = deterministic(root.path());
        let mut b = deterministic(root.path());
        run(
            &mut a,
            "run -d --name ticker busybox sh -c 'while :; do echo tick; sleep 1; done'",
        );
        for i in 0..6 {
            let s = if alternate && i % 2 == 1 {
                &mut b
            } else {
                &mut a
            };
            run(s, "ps");
        }
        let (logs, _) = run(&mut a, "logs ticker");
        logs.lines().filter(|l| *l == "tick").count()
    };
    let (one, two) = (ticks(false), ticks(true));
    assert!(one > 3, "{one}");
    assert_eq!(one, two, "one session saw {one} ticks, two sessions {two}");
}

/// On the wall clock a command that only lets a process run on changes nothing in the
/// engine's own state, yet it rewrites the process's file: it must still be announced, or
/// another session would run the process on from what it kept, and say "one" twice.
#[test]
fn a_process_that_ran_on_in_another_session_is_read_again_on_the_wall_clock() {
    let root = tempfile::tempdir().expect("tmp");
    let mut a = session(root.path());
    let mut b = session(root.path());
    run(
        &mut a,
        "run -d --name tk busybox sh -c 'sleep 0.3; echo one; sleep 100000'",
    );
    run(&mut b, "ps");
    std::thread::sleep(std::time::Duration::from_millis(500));
    run(&mut a, "ps");
    let (logs, _) = run(&mut b, "logs tk");
    assert_eq!(logs, "one\n");
    let (logs, _) = run(&mut a, "logs tk");
    assert_eq!(logs, "one\n");
}
