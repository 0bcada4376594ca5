//! Replay throughput: every transcript in transcripts/, replayed on a fresh deterministic
//! root each time (as `dockerlings replay` does), for a few rounds; prints commands per second.
//! The root lives under $TMPDIR: run with TMPDIR=/dev/shm for tmpfs, a disk path for disk.
//! `benches/run.sh` runs both and the start-up measurement.
//!
//! For finding what costs: ROUNDS=N; JOBS=N (workers for the second figure); ONLY=name
//! (the transcripts whose file name holds it); PHASE=roots (fresh roots alone),
//! commands (per transcript), slow (commands over 0.5 ms), verbs (time per verb; with
//! MARK=1 a marker on stderr before each command, for `strace`), syncs (fsyncs per verb).
use std::path::PathBuf;
use std::time::Instant;

use dockerlings::backend::BackendKind;
use dockerlings::transcript::format::Transcript;
use dockerlings::transcript::replay::replay_text;
use dockerlings::transcript::replay_files::{default_jobs, replay_files};

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
    let mut sim_paths = Vec::new();
    for entry in std::fs::read_dir(dir).expect("transcripts/") {
        let path = entry.expect("entry").path();
        // ONLY=name: profile the transcripts whose file name holds it.
        let only = std::env::var("ONLY").unwrap_or_default();
        let wanted = path
            .file_name()
            .is_some_and(|n| n.to_string_lossy().contains(only.as_str()));
        if wanted && path.extension().is_some_and(|x| x == "txt") {
            let text = std::fs::read_to_string(&path).expect("readable transcript");
            // Kernel-only transcripts are not the simulator's to replay.
            let parsed = Transcript::parse(&text).expect("a transcript");
            if parsed.runs_on(BackendKind::Sim) {
                texts.push(text);
                sim_paths.push(path);
            }
        }
    }
    let commands: usize = texts
        .iter()
        .map(|t| Transcript::parse(t).map(|t| t.blocks.len()).unwrap_or(0))
        .sum();
    if std::env::var("PHASE").as_deref() == Ok("roots") {
        let t = Instant::now();
        let cpu = cpu_secs();
        for _ in 0..200 {
            let _ = dockerlings::cli::start::scratch_session(BackendKind::Sim).expect("root");
        }
        println!(
            "200 fresh roots (made and removed): {:.2} ms each, {:.2} ms CPU each",
            t.elapsed().as_secs_f64() * 5.0,
            (cpu_secs() - cpu) * 5.0
        );
        return;
    }
    if std::env::var("PHASE").as_deref() == Ok("syncs") {
        syncs_per_verb(&texts);
        return;
    }
    if std::env::var("PHASE").as_deref() == Ok("verbs") {
        time_per_verb(&texts, rounds);
        return;
    }
    if std::env::var("PHASE").as_deref() == Ok("slow") {
        slow_commands(&texts);
        return;
    }
    if std::env::var("PHASE").as_deref() == Ok("commands") {
        commands_only(&texts, rounds, commands);
        return;
    }
    // Warm-up: the built-in image layers are generated once per process (memoised).
    replay_text(&texts[0], BackendKind::Sim).expect("replay");
    // What `dockerlings replay transcripts/*.txt` does, `rounds` times over: first one
    // transcript at a time, then as many at once as the command does by default.
    let paths: Vec<PathBuf> = (0..rounds)
        .flat_map(|_| sim_paths.iter().cloned())
        .collect();
    // JOBS=N: compare another number of jobs with the command's default.
    let default_jobs = std::env::var("JOBS")
        .ok()
        .and_then(|j| j.parse().ok())
        .unwrap_or_else(|| default_jobs(BackendKind::Sim));
    for jobs in [1, default_jobs] {
        let t0 = Instant::now();
        let cpu0 = cpu_secs();
        replay_files(&paths, BackendKind::Sim, false, jobs, |p, r| {
            assert_eq!(r.exit_code(), 0, "{} no longer replays: {r:?}", p.display());
        });
        let secs = t0.elapsed().as_secs_f64();
        let cpu = cpu_secs() - cpu0;
        let total = total_commands(commands, rounds);
        println!(
            "replay, {jobs} at a time: {total} commands, {} replays in {secs:.3} s = {:.0} commands/s; {:.0} per CPU second (TMPDIR={})",
            paths.len(),
            total as f64 / secs,
            total as f64 / cpu.max(1e-9),
            std::env::var("TMPDIR").unwrap_or_else(|_| "/tmp".into())
        );
    }
    // What a fresh root costs (`replay` of one file makes one; of several, one per worker,
    // reset between replays).
    let t1 = Instant::now();
    for _ in 0..paths.len() {
        let _ = dockerlings::cli::start::scratch_session(BackendKind::Sim).expect("root");
    }
    println!(
        "fresh roots: {:.2} ms each, made and removed",
        t1.elapsed().as_secs_f64() * 1000.0 / paths.len() as f64
    );
}

/// For profiling the command path alone: every root is made before the clock starts and
/// removed after it stops.
fn commands_only(texts: &[String], rounds: usize, commands: usize) {
    use dockerlings::transcript::replay::{parse_for, replay_in};
    let mut sessions = Vec::new();
    for _ in 0..rounds {
        for t in texts {
            let parsed = parse_for(t, BackendKind::Sim).expect("transcript");
            let (root, session) =
                dockerlings::cli::start::scratch_session(BackendKind::Sim).expect("root");
            sessions.push((root, session, parsed));
        }
    }
    let t0 = Instant::now();
    let mut per: Vec<(String, usize, f64)> = Vec::new();
    for (i, (_, session, parsed)) in sessions.iter_mut().enumerate() {
        let t = Instant::now();
        let n = parsed.blocks.len();
        let r = replay_in(session, parsed.clone());
        assert!(r.matches(), "a transcript no longer replays");
        if i < texts.len() {
            let first = parsed
                .blocks
                .first()
                .map(|b| b.command.clone())
                .unwrap_or_default();
            per.push((first, n, t.elapsed().as_secs_f64()));
        }
    }
    for (first, n, secs) in per {
        println!(
            "{:>7.2} ms {n:>3} cmds {:>6.0}/s  first: {first}",
            secs * 1e3,
            n as f64 / secs
        );
    }
    let secs = t0.elapsed().as_secs_f64();
    println!(
        "commands alone: {} in {secs:.3} s = {:.0} commands/s",
        commands * rounds,
        (commands * rounds) as f64 / secs
    );
}

/// For finding what costs: every command that takes over 0.5 ms, once per transcript.
fn slow_commands(texts: &[String]) {
    use dockerlings::transcript::replay::parse_for;
    // Warm-up: the memoised built-in layers and the template.
    let _ = dockerlings::cli::start::scratch_session(BackendKind::Sim).expect("root");
    for t in texts {
        let parsed = parse_for(t, BackendKind::Sim).expect("transcript");
        let (_root, mut session) =
            dockerlings::cli::start::scratch_session(BackendKind::Sim).expect("root");
        for block in &parsed.blocks {
            let t = Instant::now();
            let _ = session.feed_line(&block.command);
            let ms = t.elapsed().as_secs_f64() * 1e3;
            if ms > 0.5 {
                println!("{ms:>7.2} ms  {}", block.command);
            }
        }
    }
}

/// Time per command, summed by verb (the first word), over `rounds` replays of each.
fn time_per_verb(texts: &[String], rounds: usize) {
    use dockerlings::transcript::replay::parse_for;
    let _ = dockerlings::cli::start::scratch_session(BackendKind::Sim).expect("root");
    let mut by: std::collections::BTreeMap<String, (u64, f64)> = Default::default();
    for _ in 0..rounds {
        for t in texts {
            let parsed = parse_for(t, BackendKind::Sim).expect("transcript");
            let (_root, mut session) =
                dockerlings::cli::start::scratch_session(BackendKind::Sim).expect("root");
            for block in &parsed.blocks {
                let verb: String = block.command.split_whitespace().take(1).collect();
                if std::env::var_os("MARK").is_some() {
                    // A marker for `strace`: system calls per verb.
                    eprintln!("MARK {verb}");
                }
                let t = Instant::now();
                let _ = session.feed_line(&block.command);
                let e = by.entry(verb).or_default();
                e.0 += 1;
                e.1 += t.elapsed().as_secs_f64();
            }
        }
    }
    let mut rows: Vec<_> = by.into_iter().collect();
    rows.sort_by(|a, b| b.1.1.total_cmp(&a.1.1));
    for (verb, (n, secs)) in rows {
        println!(
            "{verb:>12}: {n:>5} commands, {:>8.1} ms, {:>6.3} ms each",
            secs * 1e3,
            secs * 1e3 / n as f64
        );
    }
}

/// fsyncs per command, summed by verb (the first word): what the disk waits on.
fn syncs_per_verb(texts: &[String]) {
    use dockerlings::transcript::replay::parse_for;
    let mut by: std::collections::BTreeMap<String, (u64, u64)> = Default::default();
    for t in texts {
        let parsed = parse_for(t, BackendKind::Sim).expect("transcript");
        let (_root, mut session) =
            dockerlings::cli::start::scratch_session(BackendKind::Sim).expect("root");
        for block in &parsed.blocks {
            let before = dockerlings::store::syncs_so_far();
            let _ = session.feed_line(&block.command);
            let n = dockerlings::store::syncs_so_far() - before;
            let verb: String = block.command.split_whitespace().take(1).collect();
            let e = by.entry(verb).or_default();
            e.0 += 1;
            e.1 += n;
        }
    }
    for (verb, (n, s)) in &by {
        println!("{verb:>10}: {n:>4} commands, {s:>4} fsyncs");
    }
    let (cmds, total) = by.values().fold((0, 0), |a, v| (a.0 + v.0, a.1 + v.1));
    println!("total: {cmds} commands, {total} fsyncs");
}

/// User + system CPU time of this process, in seconds (less disturbed than wall time when
/// the machine is busy).
fn cpu_secs() -> f64 {
    // SAFETY: getrusage fills the struct it is given.
    let mut u: libc::rusage = unsafe { std::mem::zeroed() };
    unsafe { libc::getrusage(libc::RUSAGE_SELF, &mut u) };
    let t = |tv: libc::timeval| tv.tv_sec as f64 + tv.tv_usec as f64 / 1e6;
    t(u.ru_utime) + t(u.ru_stime)
}
