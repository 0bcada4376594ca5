//! `replay FILE...`: several transcripts, each on a root of its own that starts as a fresh
//! one. The roots share nothing, so on the simulator they replay side by side, one worker
//! per core; a course author's `replay transcripts/*.txt` then takes the time of the
//! slowest core's share, not of the sum. A worker resets the root its last replay used
//! instead of making a new one (cli::template_reset). Reports come out in the order the
//! files were given, whatever order they finish.
use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::mpsc;

use super::diff::unified_diff;
use super::format::Transcript;
use super::replay::replay_reusing;
use crate::backend::BackendKind;
use crate::cli::start::remove_scratch_root;

/// What replaying one file came to.
#[derive(Debug, PartialEq, Eq)]
pub enum FileReport {
    Matches {
        commands: usize,
    },
    Updated,
    /// The unified diff of the transcript against what the program prints now.
    Differs {
        diff: String,
    },
    /// A transcript for another backend (its `# backends:` line), so that
    /// `replay transcripts/*.txt` replays what this backend can.
    Skipped {
        backends: String,
    },
    /// The file could not be read, parsed, replayed or rewritten.
    Failed {
        message: String,
    },
}

impl FileReport {
    /// 0 for a match or an update, 1 for a difference or a failure.
    pub fn exit_code(&self) -> i32 {
        match self {
            FileReport::Matches { .. } | FileReport::Updated | FileReport::Skipped { .. } => 0,
            FileReport::Differs { .. } | FileReport::Failed { .. } => 1,
        }
    }
}

/// How many transcripts replay at once when `--jobs` is not given: one per core on the
/// simulator; one on the kernel, where every replay's containers share the machine's
/// memory and CPU, which the kernel transcripts measure.
pub fn default_jobs(kind: BackendKind) -> usize {
    match kind {
        BackendKind::Sim => std::thread::available_parallelism().map_or(1, |n| n.get()),
        BackendKind::Linux => 1,
    }
}

/// Replays one file (and rewrites it with `update` when it differs).
pub fn replay_one(path: &Path, kind: BackendKind, update: bool) -> FileReport {
    let mut root = None;
    let report = replay_reporting(path, kind, update, &mut root);
    if let Some(root) = root {
        remove_scratch_root(&root);
    }
    report
}

/// `replay_one` on `root`, a scratch root an earlier replay left (see `replay_reusing`),
/// leaving there the root it used.
fn replay_reporting(
    path: &Path,
    kind: BackendKind,
    update: bool,
    root: &mut Option<PathBuf>,
) -> FileReport {
    let failed = |message: String| FileReport::Failed { message };
    let text = match std::fs::read_to_string(path) {
        Ok(t) => t,
        Err(e) => return failed(e.to_string()),
    };
    let expected = match Transcript::parse(&text) {
        Ok(t) if !t.runs_on(kind) => {
            return FileReport::Skipped {
                backends: t.backends.join(", "),
            };
        }
        Ok(t) => t,
        Err(e) => return failed(e.to_string()),
    };
    let (replayed, used) = replay_reusing(expected, kind, root.take());
    *root = used;
    let replayed = match replayed {
        Ok(r) => r,
        Err(e) => return failed(e),
    };
    if replayed.matches() {
        return FileReport::Matches {
            commands: replayed.actual.blocks.len(),
        };
    }
    if update {
        // A bare file name has an empty parent; the atomic write needs a directory.
        let path = Path::new(".").join(path);
        return match crate::store::write_file_atomic(&path, replayed.actual.render().as_bytes()) {
            Ok(()) => FileReport::Updated,
            Err(e) => failed(e.to_string()),
        };
    }
    // On the kernel the diff is of the redacted texts: only real differences show.
    let (expected, compared) = replayed.compared();
    let name = path.display().to_string();
    FileReport::Differs {
        diff: unified_diff(&expected, &compared, &name, "replayed"),
    }
}

/// Replays `paths` with up to `jobs` at once and hands each report to `report` in the
/// order of `paths`, as soon as it and all before it are done.
pub fn replay_files(
    paths: &[PathBuf],
    kind: BackendKind,
    update: bool,
    jobs: usize,
    mut report: impl FnMut(&Path, &FileReport),
) {
    let next = AtomicUsize::new(0);
    let (tx, rx) = mpsc::channel::<(usize, FileReport)>();
    std::thread::scope(|scope| {
        for _ in 0..jobs.clamp(1, paths.len().max(1)) {
            let tx = tx.clone();
            let next = &next;
            scope.spawn(move || {
                // One root per worker: each replay resets the one the last left (removing
                // what that replay made, relinking what it removed) instead of making and
                // removing a whole root (cli::template_reset).
                let mut root = None;
                loop {
                    let i = next.fetch_add(1, Ordering::Relaxed);
                    let Some(path) = paths.get(i) else { break };
                    let report = replay_reporting(path, kind, update, &mut root);
                    if tx.send((i, report)).is_err() {
                        break;
                    }
                }
                if let Some(root) = root {
                    remove_scratch_root(&root);
                }
            });
        }
        drop(tx);
        let mut waiting = BTreeMap::new();
        let mut due = 0;
        for (i, r) in rx {
            waiting.insert(i, r);
            while let Some(r) = waiting.remove(&due) {
                report(&paths[due], &r);
                due += 1;
            }
        }
    });
}

/// The `replay FILE... [--update] [--jobs N]` command: prints each file's outcome, exits 0
/// when every file matched (or was updated), 1 otherwise.
pub fn replay_command(paths: &[PathBuf], kind: BackendKind, update: bool, jobs: usize) -> i32 {
    let mut code = 0;
    replay_files(paths, kind, update, jobs, |path, r| {
        match r {
            FileReport::Matches { commands } => {
                println!("{}: {commands} commands, all match", path.display());
            }
            FileReport::Updated => println!("{}: updated", Path::new(".").join(path).display()),
            FileReport::Differs { diff } => print!("{diff}"),
            FileReport::Skipped { backends } => {
                println!(
                    "{}: skipped, a transcript for the {backends} backend",
                    path.display()
                );
            }
            FileReport::Failed { message } => {
                eprintln!("dockerlings: replaying {}: {message}", path.display());
            }
        }
        code = code.max(r.exit_code());
    });
    code
}

#[cfg(test)]
mod tests {
    use super::*;

    fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
        let path = dir.join(name);
        std::fs::write(&path, text).expect("written");
        path
    }

    /// Reports come in the order of the files given, whichever finishes first, and one
    /// file's difference or failure does not stop the others.
    #[test]
    fn reports_follow_the_order_given_and_one_failure_stops_nothing() {
        let dir = tempfile::tempdir().expect("tmp");
        let transcripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("transcripts");
        let paths = vec![
            transcripts.join("lifecycle.txt"),
            transcripts.join("command_language.txt"),
            dir.path().join("missing.txt"),
            write(
                dir.path(),
                "bad.txt",
                "# backends: sim\n\n$ ps -q\nnot this\n",
            ),
        ];
        let mut seen = Vec::new();
        replay_files(&paths, BackendKind::Sim, false, 4, |p, r| {
            seen.push((
                p.file_name().unwrap().to_string_lossy().into_owned(),
                r.exit_code(),
            ));
        });
        let names: Vec<&str> = seen.iter().map(|(n, _)| n.as_str()).collect();
        assert_eq!(
            names,
            [
                "lifecycle.txt",
                "command_language.txt",
                "missing.txt",
                "bad.txt"
            ]
        );
        let codes: Vec<i32> = seen.iter().map(|(_, c)| *c).collect();
        assert_eq!(codes, [0, 0, 1, 1], "{seen:?}");
    }

    /// One worker, one root reset between files: transcripts that remove base images,
    /// retag, commit, save and load each still replay as on a fresh root, in any order.
    #[test]
    fn a_root_reset_between_replays_replays_as_a_fresh_one() {
        let transcripts = Path::new(env!("CARGO_MANIFEST_DIR")).join("transcripts");
        let names = [
            "rmi_conflicts.txt",
            "save_load_export_import.txt",
            "tags_registries.txt",
            "commit_history.txt",
            "copy_on_write.txt",
            "rmi_conflicts.txt",
            "interactive_shell.txt",
            "save_load_export_import.txt",
        ];
        let paths: Vec<PathBuf> = names.iter().map(|n| transcripts.join(n)).collect();
        let mut seen = Vec::new();
        replay_files(&paths, BackendKind::Sim, false, 1, |p, r| {
            seen.push(format!("{}: {r:?}", p.display()));
        });
        assert_eq!(seen.len(), names.len());
        for s in &seen {
            assert!(s.contains("Matches"), "{s}");
        }
    }

    #[test]
    fn a_difference_is_a_diff_naming_the_file() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = write(
            dir.path(),
            "t.txt",
            "# backends: sim\n\n$ ps -q\nnot this\n",
        );
        match replay_one(&path, BackendKind::Sim, false) {
            FileReport::Differs { diff } => {
                assert!(diff.contains("-not this"), "{diff}");
                assert!(diff.contains("t.txt"), "{diff}");
            }
            other => panic!("{other:?}"),
        }
    }

    #[test]
    fn a_transcript_for_another_backend_is_skipped() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = write(dir.path(), "k.txt", "# backends: linux\n\n$ ps -q\n");
        let r = replay_one(&path, BackendKind::Sim, false);
        assert_eq!(
            r,
            FileReport::Skipped {
                backends: "linux".into()
            }
        );
        assert_eq!(r.exit_code(), 0);
    }

    #[test]
    fn the_kernel_replays_one_at_a_time_unless_told() {
        assert_eq!(default_jobs(BackendKind::Linux), 1);
        assert!(default_jobs(BackendKind::Sim) >= 1);
    }
}
