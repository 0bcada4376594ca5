//! Sessions for the engine's tests that play two processes (or one after a crash) on
//! one root, as a user's batch invocations would.
use std::path::Path;

use crate::backend::BackendKind;
use crate::cli::session::{Session, SessionOptions};
use crate::cli::start::open_session;
use crate::render::style::Style;

/// A plain, diagram-free session on `root`: the logical clock when `deterministic`, else
/// the wall clock (whose commands change engine.json only when they change state).
pub fn session(root: &Path, deterministic: bool) -> Session {
    let opts = SessionOptions {
        diagrams: false,
        style: Style::plain(80, false),
        interactive: false,
        stdin_free: false,
    };
    open_session(root, BackendKind::Sim, deterministic, opts).expect("a session")
}
