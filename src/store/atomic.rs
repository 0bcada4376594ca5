//! Crash safety: writes go to tmp/ and are renamed into place; an flock on root/lock
//! serialises processes sharing a root.
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use nix::fcntl::{Flock, FlockArg};

use super::{Store, StoreError, StoreResult};

/// The exclusive lock on a root; released when dropped.
#[derive(Debug)]
pub struct StoreLock {
    _lock: Flock<File>,
}

impl Store {
    /// Block until this process holds the root exclusively.
    pub fn lock(&self) -> StoreResult<StoreLock> {
        let path = self.root.join("lock");
        let file = OpenOptions::new()
            .create(true)
            .truncate(false)
            .write(true)
            .open(&path)
            .map_err(|e| StoreError::io(&path, e))?;
        let lock = Flock::lock(file, FlockArg::LockExclusive)
            .map_err(|(_, errno)| StoreError::io(&path, errno.into()))?;
        Ok(StoreLock { _lock: lock })
    }

    /// Replace `path` with `bytes` so that a crash leaves either the old or the new file:
    /// write into tmp/, fsync, rename, fsync the directory.
    pub fn write_atomic(&self, path: &Path, bytes: &[u8]) -> StoreResult<()> {
        let tmp = self.tmp_dir().join(self.random_hex(8));
        write_via(&tmp, path, bytes)
    }

    /// A fresh scratch directory under tmp/ (removed by the caller, or by `TmpDir`'s drop).
    pub(crate) fn scratch_dir(&self) -> StoreResult<TmpDir> {
        let path = self.tmp_dir().join(self.random_hex(16));
        fs::create_dir(&path).map_err(|e| StoreError::io(&path, e))?;
        Ok(TmpDir { path: Some(path) })
    }
}

/// Flush a directory entry change (rename, create) to disk.
pub(crate) fn sync_parent(path: &Path) -> StoreResult<()> {
    let Some(dir) = path.parent() else {
        return Ok(());
    };
    let handle = File::open(dir).map_err(|e| StoreError::io(dir, e))?;
    nix::unistd::fsync(handle.as_fd()).map_err(|e| StoreError::io(dir, e.into()))
}

/// A scratch directory under tmp/, removed on drop (its results are renamed out first).
pub(crate) struct TmpDir {
    path: Option<PathBuf>,
}

impl TmpDir {
    pub fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            make_writable(&path);
            let _ = fs::remove_dir_all(&path);
        }
    }
}

/// Layers may contain read-only dirs (0555); give the owner write access back so that a
/// failed extraction can be removed.
pub(crate) fn make_writable(path: &Path) {
    use std::os::unix::fs::PermissionsExt;
    let Ok(meta) = fs::symlink_metadata(path) else {
        return;
    };
    if meta.is_dir() {
        let mode = meta.permissions().mode();
        if mode & 0o700 != 0o700 {
            let _ = fs::set_permissions(path, fs::Permissions::from_mode(mode | 0o700));
        }
        if let Ok(entries) = fs::read_dir(path) {
            for entry in entries.flatten() {
                make_writable(&entry.path());
            }
        }
    }
}

/// Atomic replace for files outside a store's tmp/ (a transcript, a process record): the
/// temporary file sits beside the target, so the rename never crosses filesystems.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    let tmp = path.with_file_name(format!(".{name}.tmp-{}", std::process::id()));
    write_via(&tmp, path, bytes)
}

/// Write `bytes` to `tmp`, fsync, rename over `path`, fsync the directory.
fn write_via(tmp: &Path, path: &Path, bytes: &[u8]) -> StoreResult<()> {
    let mut file = File::create(tmp).map_err(|e| StoreError::io(tmp, e))?;
    let written = file.write_all(bytes).and_then(|_| file.sync_all());
    if let Err(e) = written {
        let _ = fs::remove_file(tmp);
        return Err(StoreError::io(tmp, e));
    }
    if let Err(e) = fs::rename(tmp, path) {
        let _ = fs::remove_file(tmp);
        return Err(StoreError::io(path, e));
    }
    sync_parent(path)
}

/// Bytes of regular files under `dir` (symlinks not followed); 0 when it is missing.
pub fn dir_size(dir: &Path) -> u64 {
    let Ok(entries) = fs::read_dir(dir) else {
        return 0;
    };
    entries
        .filter_map(Result::ok)
        .map(|e| match e.file_type() {
            Ok(t) if t.is_dir() => dir_size(&e.path()),
            Ok(t) if t.is_file() => e.metadata().map(|m| m.len()).unwrap_or(0),
            _ => 0,
        })
        .sum()
}
