//! `replay`: run a transcript's commands on a fresh deterministic root and compare what
//! the program prints now with what the transcript says.
use super::format::{Block, Transcript};
use super::kernel::{redact_kernel, sim_base_ids, store_base_ids};
use crate::backend::BackendKind;
use crate::cli::session::Session;
use crate::cli::start::{remove_scratch_root, reused_scratch_session, scratch_session};
use std::path::PathBuf;

/// What a transcript shows for the replay's temporary root directory.
pub const ROOT_PLACEHOLDER: &str = "<root>";

/// What a replay produced: the transcript as the program prints it now.
pub struct Replayed {
    pub expected: Transcript,
    pub actual: Transcript,
    /// On the kernel: the base image's ids on each side (expected, actual), redacted with
    /// the other volatile values before comparing (see transcript::kernel).
    pub kernel_ids: Option<(Vec<String>, Vec<String>)>,
}

impl Replayed {
    /// The two texts as compared: as they are on the simulator, redacted on the kernel.
    pub fn compared(&self) -> (String, String) {
        let (expected, actual) = (self.expected.render(), self.actual.render());
        match &self.kernel_ids {
            None => (expected, actual),
            Some((sim, real)) => (redact_kernel(&expected, sim), redact_kernel(&actual, real)),
        }
    }

    pub fn matches(&self) -> bool {
        let (expected, actual) = self.compared();
        expected == actual
    }
}

pub fn replay_text(text: &str, kind: BackendKind) -> Result<Replayed, String> {
    let expected = parse_for(text, kind)?;
    let (_root, mut session) = scratch_session(kind)?;
    Ok(replay_in(&mut session, expected))
}

/// Replays `expected` (parsed, and checked to run on `kind`) on `used`, a simulator scratch
/// root an earlier replay left (reset to a fresh clone first, see cli::template_reset), or
/// on a fresh root; hands back the root for the next replay or for the caller to remove
/// (when it suits it: see `replay_files`).
pub fn replay_reusing(
    expected: Transcript,
    kind: BackendKind,
    used: Option<PathBuf>,
) -> (Result<Replayed, String>, Option<PathBuf>) {
    let reused = match used {
        Some(root) if kind == BackendKind::Sim => reused_scratch_session(root).ok(),
        Some(root) => {
            remove_scratch_root(&root);
            None
        }
        None => None,
    };
    let (root, mut session) = match reused {
        Some(r) => r,
        None => match scratch_session(kind) {
            Ok((dir, session)) => (dir.keep(), session),
            Err(e) => return (Err(e), None),
        },
    };
    let replayed = replay_in(&mut session, expected);
    // The session (its engine, holding the root's lock) goes before the root does.
    drop(session);
    (Ok(replayed), Some(root))
}

/// Parses a transcript and checks that it names `kind` on its backends line.
pub fn parse_for(text: &str, kind: BackendKind) -> Result<Transcript, String> {
    let expected = Transcript::parse(text).map_err(|e| e.to_string())?;
    if !expected.runs_on(kind) {
        return Err(format!(
            "this transcript is for the {} backend(s), not {}",
            expected.backends.join(", "),
            kind.as_str()
        ));
    }
    Ok(expected)
}

/// Plays a transcript's commands on `session` (a fresh scratch session) and removes every
/// container it left.
pub fn replay_in(session: &mut Session, expected: Transcript) -> Replayed {
    // The root is a fresh temporary directory each time; what prints it (`info`, `show disk`)
    // shows this placeholder instead, so the transcript replays anywhere.
    let root_path = session.engine.root().to_string_lossy().into_owned();
    let redact = |s: String| s.replace(&root_path, ROOT_PLACEHOLDER);
    let mut actual = Transcript {
        backends: expected.backends.clone(),
        header: expected.header.clone(),
        blocks: Vec::new(),
    };
    for block in &expected.blocks {
        let outcome = session.feed_line(&block.command);
        actual.blocks.push(Block {
            preamble: block.preamble.clone(),
            command: block.command.clone(),
            stdout: redact(outcome.output.stdout),
            stderr: redact(outcome.output.stderr),
            exit: outcome.exit,
        });
    }
    // Leave nothing behind: on the kernel a container still running would keep its mount,
    // cgroups and monitor after the temporary root is gone. The simulator keeps nothing
    // outside the root, which the caller removes whole: removing its containers one by
    // one first would only be work thrown away.
    let on_kernel = session.engine.backend() == BackendKind::Linux;
    let kernel_ids = on_kernel.then(|| (sim_base_ids(), store_base_ids(&session.engine.store)));
    let ids: Vec<String> = session.engine.containers.keys().cloned().collect();
    if on_kernel {
        let _ = session.with_engine(|e| {
            for id in &ids {
                e.rm_one(id, true)?;
            }
            Ok(())
        });
    }
    Replayed {
        expected,
        actual,
        kernel_ids,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_temporary_root_prints_as_a_placeholder() {
        let r = replay_text("# backends: sim\n\n$ info\n", BackendKind::Sim).unwrap();
        let out = &r.actual.blocks[0].stdout;
        assert!(out.contains(" Docker Root Dir: <root>\n"), "{out}");
        assert!(!out.contains("dockerlings-"), "{out}");
    }
}
