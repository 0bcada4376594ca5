//! Engine errors, worded as Docker 20.10 words them (shared/reference b_), each with its exit code.
use std::path::PathBuf;

use crate::backend::RuntimeError;
use crate::store::StoreError;

#[derive(Debug, thiserror::Error)]
pub enum EngineError {
    #[error("Error response from daemon: No such container: {0}")]
    NoSuchContainer(String),
    /// `logs`, `exec`, `rm` inspect first, so the client words it without "response from daemon".
    #[error("Error: No such container: {0}")]
    NoSuchContainerClient(String),
    #[error("Error: No such object: {0}")]
    NoSuchObject(String),
    #[error("Error: No such image: {0}")]
    NoSuchImage(String),
    #[error("Error response from daemon: Container {0} is not running")]
    NotRunning(String),
    #[error("Error response from daemon: Container {0} is not paused")]
    NotPaused(String),
    #[error("Error response from daemon: Container {0} is already paused")]
    AlreadyPaused(String),
    #[error(
        "Error response from daemon: Container {0} is paused, unpause the container before exec"
    )]
    ExecPaused(String),
    #[error("Error response from daemon: cannot start a paused container, try unpause instead")]
    StartPaused,
    #[error(
        "Error response from daemon: You cannot remove a running container {0}. Stop the container before attempting removal or force remove"
    )]
    RemoveRunning(String),
    #[error(
        "Error response from daemon: You cannot remove a paused container {0}. Unpause and then stop the container before attempting removal or force remove"
    )]
    RemovePaused(String),
    #[error(
        "Error response from daemon: Cannot kill container: {name}: Container {id} is not running"
    )]
    KillNotRunning { name: String, id: String },
    #[error("Error response from daemon: Cannot kill container: {0}: No such container: {0}")]
    KillNoSuch(String),
    #[error(
        "Error response from daemon: Conflict. The container name \"/{name}\" is already in use by container \"{id}\". You have to remove (or rename) that container to be able to reuse that name."
    )]
    NameConflict { name: String, id: String },
    #[error(
        "Error response from daemon: Invalid container name ({0}), only [a-zA-Z0-9][a-zA-Z0-9_.-] are allowed"
    )]
    InvalidName(String),
    #[error("Error response from daemon: Invalid signal: {0}")]
    InvalidSignal(String),
    #[error(
        "Error response from daemon: conflict: unable to remove repository reference \"{reference}\" (must force) - container {container} is using its referenced image {image}"
    )]
    RmiRefInUse {
        reference: String,
        container: String,
        image: String,
    },
    #[error(
        "Error response from daemon: conflict: unable to delete {image} (cannot be forced) - image is being used by running container {container}"
    )]
    RmiRunning { image: String, container: String },
    #[error(
        "Error response from daemon: conflict: unable to delete {image} (must be forced) - image is being used by stopped container {container}"
    )]
    RmiStopped { image: String, container: String },
    #[error(
        "Error response from daemon: conflict: unable to delete {image} (must be forced) - image is referenced in multiple repositories"
    )]
    RmiMultipleRefs { image: String },
    /// Image not present and there is no registry to pull from. Docker would try to pull
    /// (and fail with "pull access denied"); we say plainly that there is no registry.
    #[error(
        "Unable to find image '{0}' locally\nError response from daemon: dockerlings has no registry to pull '{0}' from (local images only; try `images`)"
    )]
    ImageNotLocal(String),
    #[error("Error response from daemon: {0}")]
    Daemon(String),
    /// The command could not be started (Docker: exit 126/127 from `run`).
    #[error(
        "Error response from daemon: OCI runtime create failed: container_linux.go:380: starting container process caused: {message}: unknown"
    )]
    NotRunnable { code: i32, message: String },
    #[error("Error: {0}")]
    Usage(String),
    #[error("{0}")]
    NotYet(String),
    #[error(transparent)]
    Store(#[from] StoreError),
    #[error("{0}")]
    Runtime(#[from] RuntimeError),
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: {message}")]
    Corrupt { path: PathBuf, message: String },
}

impl EngineError {
    /// Docker's exit code for this error when it ends a command (run maps to 125 itself).
    pub fn exit_code(&self) -> i32 {
        match self {
            EngineError::NotRunnable { code, .. } => *code,
            _ => 1,
        }
    }

    pub fn io(path: impl Into<PathBuf>, source: std::io::Error) -> Self {
        EngineError::Io {
            path: path.into(),
            source,
        }
    }
}

pub type EngineResult<T> = Result<T, EngineError>;
