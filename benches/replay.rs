//! Replay throughput: every transcript in transcripts/, replayed on a fresh deterministic
//! root each time (as `dockerlings replay` does), for a few rounds; prints commands per second.
//! The root lives under $TMPDIR: run with TMPDIR=/dev/shm for tmpfs, a disk path for disk.
//! `benches/run.sh` runs both and the start-up measurement.
use std::time::Instant;

use dockerlings::backend::BackendKind;
use dockerlings::transcript::format::Transcript;
use dockerlings::transcript::replay::replay_text;

fn total_commands(commands: usize, rounds: usize) -> usize {
    commands * rounds
}

fn main() {
    let rounds: usize = std::env::var("ROUNDS")
        .ok()
        .and_then(|r| r.parse().ok())
        .unwrap_or(3);
    let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/transcripts");
    let mut texts = Vec::new();
    for entry in std::fs::read_dir(dir).expect("transcripts/") {
        let path = entry.expect("entry").path();
        if path.extension().is_some_and(|x| x == "txt") {
            texts.push(std::fs::read_to_string(&path).expect("readable transcript"));
        }
    }
    let commands: usize = texts
        .iter()
        .map(|t| Transcript::parse(t).map(|t| t.blocks.len()).unwrap_or(0))
        .sum();
    // Warm-up: the built-in image layers are generated once per process (memoised).
    replay_text(&texts[0], BackendKind::Sim).expect("replay");
    let t0 = Instant::now();
    let mut fresh_roots = 0;
    for _ in 0..rounds {
        for t in &texts {
            let r = replay_text(t, BackendKind::Sim).expect("replay");
            assert!(r.matches(), "a transcript no longer replays");
            fresh_roots += 1;
        }
    }
    let secs = t0.elapsed().as_secs_f64();
    // How much of that is making fresh roots (the built-in images installed each time).
    let t1 = Instant::now();
    for _ in 0..fresh_roots {
        let _ = dockerlings::cli::start::scratch_session(BackendKind::Sim).expect("root");
    }
    let root_secs = t1.elapsed().as_secs_f64();
    println!(
        "fresh roots: {fresh_roots} in {root_secs:.3} s ({:.1} ms each); commands alone: {:.0} commands/s",
        root_secs * 1000.0 / fresh_roots as f64,
        total_commands(commands, rounds) as f64 / (secs - root_secs).max(1e-9)
    );
    let total = commands * rounds;
    println!(
        "replay: {total} commands on {fresh_roots} fresh roots in {secs:.3} s = {:.0} commands/s (TMPDIR={})",
        total as f64 / secs,
        std::env::var("TMPDIR").unwrap_or_else(|_| "/tmp".into())
    );
}
