//! The simulator's union filesystem: the merged view of read-only layer dirs (uppermost first)
//! and a container's writable upper dir, as overlay2 would mount them, computed in user space.
//! Deletions are recorded in the upper dir as AUFS-style whiteouts (`.wh.<name>`, and
//! `.wh..wh..opq` for an opaque dir), the form tar layers use, so `commit` can tar the upper
//! dir as it is. Lower dirs are never written; nothing outside the upper dir is ever written.
mod index;
mod lookup;
mod write;

#[cfg(test)]
mod tests;

use std::path::PathBuf;

pub use lookup::{FileKind, Layer, Stat};

/// `.wh.name` hides `name` of lower layers; `.wh..wh..opq` makes its dir opaque.
pub use crate::image::changes::{OPAQUE_MARKER, WHITEOUT_PREFIX};
/// Symlink hops allowed while resolving one path (Linux's MAXSYMLINKS).
const MAX_SYMLINK_HOPS: usize = 40;

/// Errors, displayed as the text coreutils/busybox print after `prog: path: `.
#[derive(Debug, thiserror::Error)]
pub enum FsError {
    #[error("No such file or directory")]
    NotFound,
    #[error("Not a directory")]
    NotADirectory,
    #[error("Is a directory")]
    IsADirectory,
    #[error("Directory not empty")]
    DirectoryNotEmpty,
    #[error("File exists")]
    FileExists,
    #[error("Too many levels of symbolic links")]
    TooManyLinks,
    #[error("Invalid argument")]
    InvalidArgument,
    #[error("{source} ({path})")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

impl FsError {
    fn io(path: impl Into<PathBuf>, source: std::io::Error) -> FsError {
        FsError::Io {
            path: path.into(),
            source,
        }
    }
}

/// A container path already resolved: components under the container root, no `.`/`..`.
pub type Comps = Vec<String>;

/// `/a/b` for a component list (`/` for the root).
pub fn comps_to_path(comps: &[String]) -> String {
    if comps.is_empty() {
        return "/".to_string();
    }
    let mut out = String::new();
    for c in comps {
        out.push('/');
        out.push_str(c);
    }
    out
}

#[derive(Debug, Clone)]
pub struct UnionFs {
    /// Read-only layer dirs, uppermost first.
    lowers: Vec<PathBuf>,
    /// The writable layer.
    upper: PathBuf,
    /// Lookups are the hot path (every PATH search walks every layer): their results are
    /// remembered. Those a change may affect are forgotten when the change is announced
    /// (`touched`), and are not remembered again until the write that made it ends: within
    /// a write a path is announced before its upper dir entry is made, so a lookup in
    /// between would see the old state.
    presence_cache: std::cell::RefCell<std::collections::HashMap<Vec<String>, Vec<lookup::Found>>>,
    writes_in_progress: std::cell::Cell<u32>,
    /// The upper dir's paths changed by the writes under way.
    touched: std::cell::RefCell<Vec<Comps>>,
    /// The lowers' in-memory indexes (None for a lower read from disk), found on first use.
    indexes: std::cell::OnceCell<Vec<Option<std::sync::Arc<index::LayerIndex>>>>,
    /// Whether the upper dir holds nothing (a container that has written nothing yet):
    /// then no lookup need look in it. Read on first use; false from the first write on.
    upper_empty: std::cell::Cell<Option<bool>>,
}

/// Marks a write in progress: lookups of the paths it has touched bypass the cache until
/// it ends.
pub(super) struct WriteGuard<'a>(&'a UnionFs);

impl Drop for WriteGuard<'_> {
    fn drop(&mut self) {
        let n = self.0.writes_in_progress.get().saturating_sub(1);
        self.0.writes_in_progress.set(n);
        if n == 0 {
            // Nothing a touched path affects was remembered since it was touched.
            self.0.touched.borrow_mut().clear();
        }
    }
}

/// Whether a change in the upper dir at `touched` can change the lookup of `key`: the path
/// itself, everything below it (whiteouts, opaque dirs, removed trees), and its parent
/// dir, whose entries (and mtime) changed. Nothing else: a path's lookup depends only on
/// the layers' entries on the way to it.
fn changed_by(touched: &[String], key: &[String]) -> bool {
    key.starts_with(touched)
        || touched
            .split_last()
            .is_some_and(|(_, parent)| key == parent)
}

impl UnionFs {
    pub fn new(lowers: Vec<PathBuf>, upper: PathBuf) -> UnionFs {
        UnionFs {
            lowers,
            upper,
            presence_cache: Default::default(),
            writes_in_progress: Default::default(),
            touched: Default::default(),
            indexes: Default::default(),
            upper_empty: Default::default(),
        }
    }

    /// See `upper_empty`.
    fn upper_is_empty(&self) -> bool {
        if let Some(empty) = self.upper_empty.get() {
            return empty;
        }
        let empty = std::fs::read_dir(&self.upper).is_ok_and(|mut d| d.next().is_none());
        self.upper_empty.set(Some(empty));
        empty
    }

    /// The in-memory index of a read-only layer, when it has one (see `index`).
    fn index_of(&self, layer: Layer) -> Option<std::sync::Arc<index::LayerIndex>> {
        let Layer::Lower(i) = layer else {
            return None;
        };
        let indexes = self
            .indexes
            .get_or_init(|| self.lowers.iter().map(|p| index::layer_index(p)).collect());
        indexes.get(i).cloned().flatten()
    }

    pub(super) fn writing(&self) -> WriteGuard<'_> {
        self.upper_empty.set(Some(false));
        self.writes_in_progress
            .set(self.writes_in_progress.get() + 1);
        WriteGuard(self)
    }

    /// Records a change at `comps` in the upper dir, about to be made (see `WriteGuard`).
    fn touched(&self, comps: &[String]) {
        self.upper_empty.set(Some(false));
        if self.writes_in_progress.get() == 0 {
            // A change outside `writing()`: nothing remembered can be trusted.
            self.presence_cache.borrow_mut().clear();
        } else {
            self.presence_cache
                .borrow_mut()
                .retain(|key, _| !changed_by(comps, key));
            self.touched.borrow_mut().push(comps.to_vec());
        }
    }

    /// Whether a lookup of `comps` may be remembered (or answered from memory) now: not
    /// while a write under way has touched something it depends on.
    fn cacheable(&self, comps: &[String]) -> bool {
        self.writes_in_progress.get() == 0
            || !self.touched.borrow().iter().any(|t| changed_by(t, comps))
    }

    pub fn upper(&self) -> &std::path::Path {
        &self.upper
    }

    pub fn lowers(&self) -> &[PathBuf] {
        &self.lowers
    }

    /// Layer roots top-down: the upper first, then the lowers.
    fn layers(&self) -> impl Iterator<Item = (Layer, &PathBuf)> {
        std::iter::once((Layer::Upper, &self.upper)).chain(
            self.lowers
                .iter()
                .enumerate()
                .map(|(i, p)| (Layer::Lower(i), p)),
        )
    }

    /// Resolve `path` (absolute, or relative to the absolute `cwd`) to components, following
    /// symlinks inside the container root (`..` stops at the root, so nothing escapes it).
    /// The last component's symlink is followed only when `follow_last`. The result need not
    /// exist, but every parent must be a directory.
    pub fn resolve(&self, cwd: &str, path: &str, follow_last: bool) -> Result<Comps, FsError> {
        if path.is_empty() {
            return Err(FsError::NotFound);
        }
        let joined = if path.starts_with('/') {
            path.to_string()
        } else {
            format!("{cwd}/{path}")
        };
        let mut pending: std::collections::VecDeque<String> = split(&joined).collect();
        let mut out: Comps = Vec::new();
        let mut hops = 0;
        while let Some(c) = pending.pop_front() {
            if c == ".." {
                out.pop();
                continue;
            }
            out.push(c);
            let is_last = pending.is_empty();
            let stat = self.lstat_comps(&out);
            match stat {
                Ok(st) if st.kind == FileKind::Symlink && (follow_last || !is_last) => {
                    hops += 1;
                    if hops > MAX_SYMLINK_HOPS {
                        return Err(FsError::TooManyLinks);
                    }
                    let target = st.link_target.unwrap_or_default();
                    out.pop();
                    if target.starts_with('/') {
                        out.clear();
                    }
                    for (i, t) in split(&target).enumerate() {
                        pending.insert(i, t);
                    }
                }
                Ok(st) if st.kind != FileKind::Dir && !is_last => {
                    return Err(FsError::NotADirectory);
                }
                Err(FsError::NotFound) if !is_last => return Err(FsError::NotFound),
                Err(e) if !matches!(e, FsError::NotFound) => return Err(e),
                _ => {}
            }
        }
        Ok(out)
    }

    /// Stat without following a final symlink.
    pub fn lstat(&self, cwd: &str, path: &str) -> Result<Stat, FsError> {
        let comps = self.resolve(cwd, path, false)?;
        self.lstat_comps(&comps)
    }

    /// Stat following symlinks.
    pub fn stat(&self, cwd: &str, path: &str) -> Result<Stat, FsError> {
        let comps = self.resolve(cwd, path, true)?;
        self.lstat_comps(&comps)
    }

    pub fn exists(&self, cwd: &str, path: &str) -> bool {
        self.stat(cwd, path).is_ok()
    }

    pub fn is_dir(&self, cwd: &str, path: &str) -> bool {
        self.stat(cwd, path)
            .map(|s| s.kind == FileKind::Dir)
            .unwrap_or(false)
    }

    pub fn read_file(&self, cwd: &str, path: &str) -> Result<Vec<u8>, FsError> {
        let comps = self.resolve(cwd, path, true)?;
        let (st, host) = self.locate(&comps)?;
        if st.kind == FileKind::Dir {
            return Err(FsError::IsADirectory);
        }
        std::fs::read(&host).map_err(|e| FsError::io(host, e))
    }

    /// Merged listing of a directory (symlinks followed), sorted, without whiteout files.
    pub fn read_dir(&self, cwd: &str, path: &str) -> Result<Vec<String>, FsError> {
        let comps = self.resolve(cwd, path, true)?;
        self.read_dir_comps(&comps)
    }
}

/// Path components without empty and `.` parts.
fn split(path: &str) -> impl Iterator<Item = String> + '_ {
    path.split('/')
        .filter(|c| !c.is_empty() && *c != ".")
        .map(str::to_string)
}
