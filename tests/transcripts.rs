//! Every transcript in transcripts/ replays: on the simulator always, on the Linux backend
//! when its `# backends:` line names linux and the machine allows it.
use std::path::{Path, PathBuf};

use dockerlings::backend::BackendKind;
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
        transcripts().len() >= 8,
        "issue 2 asks for at least 8 transcripts"
    );
}

#[test]
fn every_transcript_replays_on_the_simulator() {
    for path in transcripts() {
        let name = path.file_stem().unwrap().to_string_lossy().to_string();
        let text = std::fs::read_to_string(&path).unwrap();
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
