//! Every transcript in transcripts/ replays: on the simulator always, on the Linux backend
//! when its `# backends:` line names linux and the machine allows it.
use std::path::{Path, PathBuf};

use dockerlings::backend::BackendKind;
use dockerlings::transcript::Transcript;
use dockerlings::transcript::replay::replay_text;

fn transcripts() -> Vec<PathBuf> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("transcripts/ exists")
        .filter_map(Result::ok)
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    files
}

#[test]
fn there_are_enough_transcripts() {
    assert!(
        transcripts().len() >= 10,
        "issue 5 asks for at least 10 transcripts"
    );
}

#[test]
fn every_transcript_replays_on_the_simulator() {
    for path in transcripts() {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
        if !Transcript::parse(&text).unwrap().runs_on(BackendKind::Sim) {
            // A kernel-only transcript (a real process's memory): replayed on linux below.
            continue;
        }
        let replayed = replay_text(&text, BackendKind::Sim).unwrap();
        let actual = replayed.actual.render();
        insta::assert_snapshot!(format!("sim__{name}"), actual);
        assert!(
            replayed.matches(),
            "{} does not replay:\n{}",
            path.display(),
            dockerlings::transcript::diff::unified_diff(
                &replayed.expected.render(),
                &actual,
                "transcript",
                "replayed"
            )
        );
    }
}

/// On the real kernel: every transcript whose backends line names linux replays to the
/// same text. Needs root; under DOCKERLINGS_REQUIRE_LINUX=1 a machine that cannot run it
/// fails instead of skipping.
#[test]
fn linux_transcripts_replay_on_the_kernel() {
    if let Err(why) = dockerlings::backend::linux::probe() {
        assert!(
            std::env::var("DOCKERLINGS_REQUIRE_LINUX").as_deref() != Ok("1"),
            "DOCKERLINGS_REQUIRE_LINUX=1 but the linux backend cannot run: {why}"
        );
        eprintln!("skipping linux_transcripts_replay_on_the_kernel: {why}");
        return;
    }
    // Through the binary: the per-container monitor is the binary re-executed. Its scratch
    // roots go under a directory of this test's own, so that what they leave behind can be
    // told from what other tests running at the same time have mounted.
    let scratch = tempfile::tempdir().unwrap();
    let mut replayed_any = false;
    for path in transcripts() {
        let text = std::fs::read_to_string(&path).unwrap();
        if !Transcript::parse(&text)
            .unwrap()
            .runs_on(BackendKind::Linux)
        {
            continue;
        }
        let out = std::process::Command::new(env!("CARGO_BIN_EXE_dockerlings"))
            .args(["--backend", "linux", "replay"])
            .arg(&path)
            .env("TMPDIR", scratch.path())
            .output()
            .unwrap();
        assert_eq!(
            out.status.code(),
            Some(0),
            "{} does not replay on linux:\n{}{}",
            path.display(),
            String::from_utf8_lossy(&out.stdout),
            String::from_utf8_lossy(&out.stderr)
        );
        replayed_any = true;
    }
    assert!(replayed_any);
    let mounts = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    let ours = scratch.path().to_string_lossy().into_owned();
    assert!(
        !mounts.lines().any(|l| l.contains(&ours)),
        "a replay left a mount behind: {mounts}"
    );
    assert_eq!(
        std::fs::read_dir(scratch.path()).unwrap().count(),
        0,
        "a replay left its scratch root behind"
    );
}
