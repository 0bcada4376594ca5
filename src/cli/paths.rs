//! Where things live: the state root per backend, and the user's own data directory
//! (REPL history, lesson progress), which is never inside a root.
use std::path::PathBuf;

use crate::backend::BackendKind;

pub fn user_data_dir() -> Option<PathBuf> {
    if let Some(x) = std::env::var_os("XDG_DATA_HOME").filter(|v| !v.is_empty()) {
        return Some(PathBuf::from(x).join("dockerlings"));
    }
    std::env::var_os("HOME").map(|h| PathBuf::from(h).join(".local/share/dockerlings"))
}

/// `--root`, else $DOCKERLINGS_ROOT (clap reads it), else the backend's default.
pub fn default_root(backend: BackendKind) -> PathBuf {
    let is_root = nix::unistd::geteuid().is_root();
    match backend {
        BackendKind::Linux if is_root => PathBuf::from("/var/lib/dockerlings"),
        _ => user_data_dir()
            .unwrap_or_else(|| PathBuf::from(".dockerlings"))
            .join(backend.as_str()),
    }
}
