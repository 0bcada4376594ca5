//! Image archives, as `docker save` writes and `docker load` reads them.
//! - save: Docker ≥ 25's layout — an OCI image layout (oci-layout, index.json,
//!   blobs/sha256/<hex> for configs, layer tars and manifests) with Docker's manifest.json
//!   and repositories beside it, so both Docker and OCI tools (skopeo, umoci) read it.
//!   Reproducible byte for byte: sorted entries, mtime 0, root-owned.
//! - load: that layout (layers plain or gzip-compressed), Docker's legacy layout (`<id>/layer.tar`, `<id>.json`,
//!   manifest.json) and a plain OCI archive (oci-layout + index.json, no manifest.json).
//!   Archives are unpacked into a scratch dir first, refusing any entry that would land
//!   outside it, so a hostile archive cannot touch the store.
mod load;
mod save;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use load::{ArchiveImage, ArchiveLayer, read_archive, unpack_archive};
pub use save::{SaveImage, SaveLayer, write_save};

#[derive(Debug, thiserror::Error)]
pub enum ArchiveError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("invalid tar archive: {0}")]
    BadTar(String),
    #[error("refusing archive entry {entry:?}: {reason}")]
    Hostile { entry: String, reason: String },
    /// Neither manifest.json nor index.json: not an image archive (an `export` tarball,
    /// typically). `first_dir` is what Docker's legacy loader then looks into.
    #[error("not an image archive")]
    NotImageArchive { first_dir: String },
    #[error("invalid {file}: {reason}")]
    BadManifest { file: String, reason: String },
    #[error("{file} is missing from the archive")]
    Missing { file: String },
    #[error("layer {file} does not match its diffID {expected} (got {actual})")]
    DigestMismatch {
        file: String,
        expected: String,
        actual: String,
    },
    #[error(
        "zstd-compressed layer {0} is not supported here (dockerlings reads tar and tar+gzip layers)"
    )]
    Compressed(String),
}

pub(crate) fn io_err(path: impl Into<PathBuf>) -> impl FnOnce(std::io::Error) -> ArchiveError {
    let path = path.into();
    move |source| ArchiveError::Io { path, source }
}
