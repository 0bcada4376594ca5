//! Choosing the backend and opening a session, for the binary and for tests.
use std::path::{Path, PathBuf};

use crate::backend::{BackendKind, Runtime};
use crate::engine::Engine;
use crate::render::style::Style;

use super::session::{Session, SessionOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendChoice {
    Sim,
    Linux,
    Auto,
}

/// The backend to use, and for `auto` a one-line reason when it falls back to the simulator.
pub fn choose_backend(choice: BackendChoice) -> Result<(BackendKind, Option<String>), String> {
    match choice {
        BackendChoice::Sim => Ok((BackendKind::Sim, None)),
        BackendChoice::Linux => crate::backend::linux::probe()
            .map(|()| (BackendKind::Linux, None))
            .map_err(|why| format!("the linux backend cannot run here: {why}")),
        BackendChoice::Auto => match crate::backend::linux::probe() {
            Ok(()) => Ok((BackendKind::Linux, None)),
            Err(why) => Ok((
                BackendKind::Sim,
                Some(format!("using the simulator: {why}")),
            )),
        },
    }
}

pub fn make_runtime(kind: BackendKind) -> Result<Box<dyn Runtime>, String> {
    match kind {
        BackendKind::Sim => Ok(Box::new(crate::backend::sim::SimRuntime::new())),
        BackendKind::Linux => crate::backend::linux::runtime(),
    }
}

pub fn open_session(
    root: &Path,
    kind: BackendKind,
    deterministic: bool,
    opts: SessionOptions,
) -> Result<Session, crate::engine::EngineError> {
    let runtime = make_runtime(kind).map_err(crate::engine::EngineError::Daemon)?;
    let engine = Engine::open(root, runtime, deterministic)?;
    Ok(Session::new(engine, opts))
}

/// A fresh session on a temporary root, as `replay` and the tests use it: deterministic,
/// width 80, no colour, no diagrams.
pub fn scratch_session(kind: BackendKind) -> Result<(tempfile::TempDir, Session), String> {
    let dir = tempfile::Builder::new()
        .prefix("dockerlings-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary root: {e}"))?;
    let opts = SessionOptions {
        diagrams: false,
        style: Style {
            width: 80,
            color: false,
            ascii: false,
        },
        interactive: false,
    };
    let session = open_session(dir.path(), kind, true, opts).map_err(|e| e.to_string())?;
    Ok((dir, session))
}

pub fn root_or_default(root: Option<PathBuf>, kind: BackendKind) -> PathBuf {
    root.unwrap_or_else(|| super::paths::default_root(kind))
}
