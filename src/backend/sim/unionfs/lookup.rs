//! Reading the merged view: which layer a path comes from, and merged directory listings.
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::{FsError, OPAQUE_MARKER, UnionFs, WHITEOUT_PREFIX};
use crate::image::changes::{is_kernel_whiteout, is_opaque_dir};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FileKind {
    File,
    Dir,
    Symlink,
    /// Devices, fifos, sockets: shown, never created by the simulator.
    Other,
}

/// Where a visible entry comes from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Layer {
    Upper,
    /// Index into the lowers (0 = uppermost read-only layer).
    Lower(usize),
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stat {
    pub kind: FileKind,
    pub size: u64,
    /// Permission bits (0o7777).
    pub mode: u32,
    /// Seconds since the epoch.
    pub mtime: i64,
    pub layer: Layer,
    pub link_target: Option<String>,
}

/// What a lookup keeps of an entry's metadata.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(super) struct Meta {
    pub kind: FileKind,
    pub size: u64,
    pub mode: u32,
    pub mtime: i64,
    /// A symlink's target when already known (indexed layers); else read on demand.
    pub link_target: Option<String>,
}

impl Meta {
    pub fn is_dir(&self) -> bool {
        self.kind == FileKind::Dir
    }
}

/// One layer's entry for a path, in a top-down presence chain.
#[derive(Clone, Debug)]
pub(super) struct Found {
    pub layer: Layer,
    pub host: PathBuf,
    pub meta: Meta,
}

fn has_whiteout(dir: &Path, name: &str) -> bool {
    std::fs::symlink_metadata(dir.join(format!("{WHITEOUT_PREFIX}{name}"))).is_ok()
}

impl UnionFs {
    /// The layers in which `comps` is visible, top-down: one entry for a non-directory, or
    /// the directories whose contents merge (stopping at a whiteout, an opaque dir or a
    /// non-directory below a directory). Empty when the path does not exist.
    pub(super) fn presence(&self, comps: &[String]) -> Result<Vec<Found>, FsError> {
        if !self.cacheable(comps) {
            return self.presence_uncached(comps);
        }
        if let Some(hit) = self.presence_cache.borrow().get(comps) {
            return Ok(hit.clone());
        }
        let found = self.presence_uncached(comps)?;
        self.presence_cache
            .borrow_mut()
            .insert(comps.to_vec(), found.clone());
        Ok(found)
    }

    /// Overlayfs's own lookup: a path is looked for only in the layers where its parent
    /// dir is visible and merges (the parent's chain, itself looked up the same way and
    /// remembered), so a layer without `/usr` costs nothing for `/usr/local/bin/x`.
    fn presence_uncached(&self, comps: &[String]) -> Result<Vec<Found>, FsError> {
        let Some((name, parent)) = comps.split_last() else {
            return self.root_chain();
        };
        let parent_chain = self.presence(parent)?;
        let mut found: Vec<Found> = Vec::new();
        if !parent_chain.first().is_some_and(|f| f.meta.is_dir()) {
            return Ok(found);
        }
        for (i, dir) in parent_chain.iter().enumerate() {
            if dir.layer == Layer::Upper && self.upper_is_empty() {
                continue;
            }
            // Whether a dir here is opaque matters only if a layer below could add to it.
            let more_below = i + 1 < parent_chain.len();
            let host = dir.host.join(name);
            let (meta, opaque) = match self.index_of(dir.layer) {
                Some(index) => {
                    // As on disk below: the entry first, its whiteout only when absent.
                    let Some(entry) = index.entry(comps) else {
                        if index.has_whiteout(parent, name) {
                            return Ok(found);
                        }
                        continue;
                    };
                    if entry.kernel_whiteout {
                        return Ok(found);
                    }
                    let Some(meta) = index.meta(&entry) else {
                        continue;
                    };
                    let opaque = meta.is_dir() && index.dir(comps).is_some_and(|d| d.opaque);
                    (meta, opaque)
                }
                None => {
                    // The entry first: a layer holding it holds no whiteout for it (the
                    // simulator removes one when it writes the path again; in a layer
                    // from a tar, as in Docker's extraction, the file beside its
                    // whiteout is what shows), so the whiteout is looked for only when
                    // the entry is absent.
                    let m = match std::fs::symlink_metadata(&host) {
                        Ok(m) => m,
                        Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                            if has_whiteout(&dir.host, name) {
                                return Ok(found);
                            }
                            continue;
                        }
                        Err(e) => return Err(FsError::io(host, e)),
                    };
                    if is_kernel_whiteout(&m) {
                        return Ok(found);
                    }
                    (
                        Meta::of(&m, None),
                        m.is_dir() && more_below && opaque_on_disk(dir.layer, &host),
                    )
                }
            };
            let is_dir = meta.is_dir();
            if !found.is_empty() && !is_dir {
                return Ok(found);
            }
            found.push(Found {
                layer: dir.layer,
                host,
                meta,
            });
            if !is_dir || opaque {
                return Ok(found);
            }
        }
        Ok(found)
    }

    /// The layers' roots, top-down, down to the first opaque one.
    fn root_chain(&self) -> Result<Vec<Found>, FsError> {
        let mut found = Vec::new();
        for (layer, root) in self.layers() {
            let (meta, opaque) = match self.index_of(layer) {
                Some(index) => index.root(),
                // Followed: a scratch root's image layer diff/ may be a symlink to the
                // shared template's (cli::template_clone).
                None => match std::fs::metadata(root) {
                    Ok(m) => (Meta::of(&m, None), opaque_on_disk(layer, root)),
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => continue,
                    Err(e) => return Err(FsError::io(root, e)),
                },
            };
            found.push(Found {
                layer,
                host: root.clone(),
                meta,
            });
            if opaque {
                break;
            }
        }
        Ok(found)
    }

    /// The visible entry for `comps` and its host path.
    pub fn locate(&self, comps: &[String]) -> Result<(Stat, PathBuf), FsError> {
        let found = self.presence(comps)?;
        let first = found.into_iter().next().ok_or(FsError::NotFound)?;
        let stat = to_stat(&first)?;
        Ok((stat, first.host))
    }

    pub fn lstat_comps(&self, comps: &[String]) -> Result<Stat, FsError> {
        self.locate(comps).map(|(st, _)| st)
    }

    pub fn read_dir_comps(&self, comps: &[String]) -> Result<Vec<String>, FsError> {
        let found = self.presence(comps)?;
        let first = found.first().ok_or(FsError::NotFound)?;
        if !first.meta.is_dir() {
            return Err(FsError::NotADirectory);
        }
        let mut hidden: BTreeSet<String> = BTreeSet::new();
        let mut seen: BTreeSet<String> = BTreeSet::new();
        for f in &found {
            let entries = match self.index_of(f.layer) {
                Some(index) => index
                    .dir(comps)
                    .map(|d| d.names.clone())
                    .unwrap_or_default(),
                None => disk_entries(&f.host)?,
            };
            let mut whiteouts = Vec::new();
            for (name, kernel_whiteout) in entries {
                if name == OPAQUE_MARKER {
                    continue;
                }
                if let Some(hid) = name.strip_prefix(WHITEOUT_PREFIX) {
                    whiteouts.push(hid.to_string());
                    continue;
                }
                if kernel_whiteout {
                    whiteouts.push(name);
                    continue;
                }
                if !hidden.contains(&name) {
                    seen.insert(name);
                }
            }
            hidden.extend(whiteouts);
        }
        Ok(seen.into_iter().collect())
    }
}

/// Whether a dir read from disk is opaque. The upper dir is the simulator's own: it marks
/// opaque dirs with `.wh..wh..opq`, never with the kernel's xattr (design.md §4), so the
/// xattr is not looked for there.
fn opaque_on_disk(layer: Layer, dir: &Path) -> bool {
    match layer {
        Layer::Upper => std::fs::symlink_metadata(dir.join(OPAQUE_MARKER)).is_ok(),
        Layer::Lower(_) => is_opaque_dir(dir),
    }
}

/// A directory's entries on disk, with whether each is a kernel whiteout.
fn disk_entries(dir: &Path) -> Result<Vec<(String, bool)>, FsError> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).map_err(|e| FsError::io(dir, e))? {
        let entry = entry.map_err(|e| FsError::io(dir, e))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kernel_whiteout = entry
            .metadata()
            .map(|m| is_kernel_whiteout(&m))
            .unwrap_or(false);
        out.push((name, kernel_whiteout));
    }
    Ok(out)
}

fn to_stat(found: &Found) -> Result<Stat, FsError> {
    let kind = found.meta.kind;
    let link_target = match (&found.meta.link_target, kind) {
        (Some(t), _) => Some(t.clone()),
        (None, FileKind::Symlink) => {
            let t = std::fs::read_link(&found.host).map_err(|e| FsError::io(&found.host, e))?;
            Some(t.to_string_lossy().into_owned())
        }
        (None, _) => None,
    };
    Ok(Stat {
        kind,
        size: found.meta.size,
        mode: found.meta.mode,
        mtime: found.meta.mtime,
        layer: found.layer,
        link_target,
    })
}
