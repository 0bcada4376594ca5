//! Reading the merged view: which layer a path comes from, and merged directory listings.
use std::collections::BTreeSet;
use std::fs::Metadata;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
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

/// One layer's entry for a path, in a top-down presence chain.
#[derive(Clone, Debug)]
pub(super) struct Found {
    pub layer: Layer,
    pub host: PathBuf,
    pub meta: Metadata,
}

fn has_whiteout(dir: &Path, name: &str) -> bool {
    std::fs::symlink_metadata(dir.join(format!("{WHITEOUT_PREFIX}{name}"))).is_ok()
}

impl UnionFs {
    /// The layers in which `comps` is visible, top-down: one entry for a non-directory, or
    /// the directories whose contents merge (stopping at a whiteout, an opaque dir or a
    /// non-directory below a directory). Empty when the path does not exist.
    pub(super) fn presence(&self, comps: &[String]) -> Result<Vec<Found>, FsError> {
        if self.writes_in_progress.get() > 0 {
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

    fn presence_uncached(&self, comps: &[String]) -> Result<Vec<Found>, FsError> {
        let mut found: Vec<Found> = Vec::new();
        for (layer, root) in self.layers() {
            let mut host = root.clone();
            let mut opaque_above = is_opaque_dir(&host) && !comps.is_empty();
            let mut meta = None;
            let mut present = true;
            for (depth, name) in comps.iter().enumerate() {
                if has_whiteout(&host, name) {
                    return Ok(found);
                }
                host.push(name);
                match std::fs::symlink_metadata(&host) {
                    Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                        present = false;
                        break;
                    }
                    Err(e) => return Err(FsError::io(host, e)),
                    Ok(m) => {
                        if is_kernel_whiteout(&m) {
                            return Ok(found);
                        }
                        if depth + 1 < comps.len() {
                            if !m.is_dir() {
                                return Ok(found);
                            }
                            opaque_above |= is_opaque_dir(&host);
                        }
                        meta = Some(m);
                    }
                }
            }
            if present {
                let meta = match meta {
                    Some(m) => m,
                    // The layer's root itself: followed, as a scratch root's image layer
                    // diff/ may be a symlink to the shared template's (cli::template_clone).
                    None => std::fs::metadata(&host).map_err(|e| FsError::io(&host, e))?,
                };
                let is_dir = meta.is_dir();
                if !found.is_empty() && !is_dir {
                    return Ok(found);
                }
                let opaque = is_dir && is_opaque_dir(&host);
                found.push(Found { layer, host, meta });
                if !is_dir || opaque {
                    return Ok(found);
                }
            }
            if opaque_above {
                return Ok(found);
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
            let entries = std::fs::read_dir(&f.host).map_err(|e| FsError::io(&f.host, e))?;
            let mut whiteouts = Vec::new();
            for entry in entries {
                let entry = entry.map_err(|e| FsError::io(&f.host, e))?;
                let name = entry.file_name().to_string_lossy().into_owned();
                if name == OPAQUE_MARKER {
                    continue;
                }
                if let Some(hid) = name.strip_prefix(WHITEOUT_PREFIX) {
                    whiteouts.push(hid.to_string());
                    continue;
                }
                if entry
                    .metadata()
                    .map(|m| is_kernel_whiteout(&m))
                    .unwrap_or(false)
                {
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

fn to_stat(found: &Found) -> Result<Stat, FsError> {
    let ft = found.meta.file_type();
    let kind = if ft.is_dir() {
        FileKind::Dir
    } else if ft.is_symlink() {
        FileKind::Symlink
    } else if ft.is_file() {
        FileKind::File
    } else {
        FileKind::Other
    };
    let link_target = if kind == FileKind::Symlink {
        let t = std::fs::read_link(&found.host).map_err(|e| FsError::io(&found.host, e))?;
        Some(t.to_string_lossy().into_owned())
    } else {
        None
    };
    Ok(Stat {
        kind,
        size: found.meta.len(),
        mode: found.meta.permissions().mode() & 0o7777,
        mtime: found.meta.mtime(),
        layer: found.layer,
        link_target,
    })
}
