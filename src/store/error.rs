use std::path::{Path, PathBuf};

use crate::backend::BackendKind;

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(
        "the root {root} was made by the {} backend; use --backend {}, or another --root",
        made_by.as_str(),
        made_by.as_str()
    )]
    WrongBackend { root: PathBuf, made_by: BackendKind },
    #[error("{path}: corrupt store file: {reason}")]
    Corrupt { path: PathBuf, reason: String },
    /// A tar entry we refuse to extract (path escaping the layer, malformed header...).
    #[error("refusing layer archive entry {entry:?}: {reason}")]
    HostileEntry { entry: String, reason: String },
    #[error("invalid tar archive: {0}")]
    BadArchive(String),
    #[error("layer does not exist: {0}")]
    NoSuchLayer(String),
    #[error("No such image: {0}")]
    NoSuchImage(String),
    #[error("container layer does not exist: {0}")]
    NoSuchRwLayer(String),
    #[error("invalid image config {id}: {reason}")]
    BadConfig { id: String, reason: String },
    #[error("layer {0} does not reproduce its diffID")]
    TarMismatch(String),
}

impl StoreError {
    pub fn io(path: impl AsRef<Path>, source: std::io::Error) -> Self {
        StoreError::Io {
            path: path.as_ref().to_path_buf(),
            source,
        }
    }

    pub(crate) fn hostile(entry: &str, reason: &str) -> Self {
        StoreError::HostileEntry {
            entry: entry.to_string(),
            reason: reason.to_string(),
        }
    }
}
