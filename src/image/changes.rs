//! `docker diff`: what a container's upper dir changed relative to its lower layers, by
//! Docker's overlay2 rules. Understands both whiteout forms: the simulator's/tar's
//! (`.wh.<name>`, `.wh..wh..opq`) and the kernel's (char device 0:0, `trusted.overlay.opaque=y`).
use std::fmt;
use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

pub const WHITEOUT_PREFIX: &str = ".wh.";
pub const OPAQUE_MARKER: &str = ".wh..wh..opq";

#[derive(Debug, thiserror::Error)]
pub enum ChangesError {
    #[error("reading {path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ChangeKind {
    Added,
    Modified,
    Deleted,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Change {
    pub kind: ChangeKind,
    /// Container path, `/etc/motd`.
    pub path: String,
    /// For C and D: index into the lowers (uppermost first) of the layer the original is in.
    pub origin_layer: Option<usize>,
    /// The upper dir hides all lower contents (replaced dir).
    pub opaque: bool,
}

impl fmt::Display for Change {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let letter = match self.kind {
            ChangeKind::Added => 'A',
            ChangeKind::Modified => 'C',
            ChangeKind::Deleted => 'D',
        };
        write!(f, "{letter} {}", self.path)
    }
}

/// A kernel overlayfs whiteout: a char device with device number 0:0.
pub fn is_kernel_whiteout(meta: &std::fs::Metadata) -> bool {
    meta.file_type().is_char_device() && meta.rdev() == 0
}

/// A directory whose lower contents are hidden, in either form. A missing xattr (or a
/// filesystem without xattrs, or no privilege to read `trusted.*`) counts as "not opaque".
pub fn is_opaque_dir(dir: &Path) -> bool {
    std::fs::symlink_metadata(dir.join(OPAQUE_MARKER)).is_ok() || has_opaque_xattr(dir)
}

fn has_opaque_xattr(dir: &Path) -> bool {
    let Ok(cpath) = std::ffi::CString::new(dir.as_os_str().as_bytes()) else {
        return false;
    };
    let name = c"trusted.overlay.opaque";
    let mut value = [0u8; 4];
    // SAFETY: both strings are NUL-terminated and the buffer length is passed along.
    let n = unsafe {
        libc::lgetxattr(
            cpath.as_ptr(),
            name.as_ptr(),
            value.as_mut_ptr().cast(),
            value.len(),
        )
    };
    n == 1 && value[0] == b'y'
}

/// The changes in `upper` against `lowers` (uppermost first). Sorted by path: Docker prints
/// readdir order, which is not stable across filesystems; sorted output keeps transcripts
/// deterministic.
pub fn changes(upper: &Path, lowers: &[PathBuf]) -> Result<Vec<Change>, ChangesError> {
    let mut out = Vec::new();
    walk(upper, &mut Vec::new(), false, lowers, &mut out)?;
    out.sort_by(|a, b| a.path.cmp(&b.path));
    Ok(out)
}

fn walk(
    dir: &Path,
    comps: &mut Vec<String>,
    parent_added: bool,
    lowers: &[PathBuf],
    out: &mut Vec<Change>,
) -> Result<(), ChangesError> {
    let io = |e| ChangesError::Io {
        path: dir.to_path_buf(),
        source: e,
    };
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .map_err(io)?
        .map(|e| e.map(|e| e.file_name().to_string_lossy().into_owned()))
        .collect::<Result<_, _>>()
        .map_err(io)?;
    names.sort();
    for name in names {
        if name == OPAQUE_MARKER {
            continue;
        }
        let host = dir.join(&name);
        let meta = std::fs::symlink_metadata(&host).map_err(|e| ChangesError::Io {
            path: host.clone(),
            source: e,
        })?;
        let (deleted_name, is_whiteout) = match name.strip_prefix(WHITEOUT_PREFIX) {
            Some(hidden) => (hidden.to_string(), true),
            None => (name.clone(), is_kernel_whiteout(&meta)),
        };
        comps.push(deleted_name);
        let path = format!("/{}", comps.join("/"));
        let origin = if parent_added {
            None
        } else {
            find_in_lowers(lowers, comps)
        };
        if is_whiteout {
            out.push(Change {
                kind: ChangeKind::Deleted,
                path,
                origin_layer: origin,
                opaque: false,
            });
        } else {
            let kind = match origin {
                Some(_) => ChangeKind::Modified,
                None => ChangeKind::Added,
            };
            let opaque = meta.is_dir() && is_opaque_dir(&host);
            out.push(Change {
                kind,
                path,
                origin_layer: origin,
                opaque,
            });
            if meta.is_dir() {
                walk(&host, comps, kind == ChangeKind::Added, lowers, out)?;
            }
        }
        comps.pop();
    }
    Ok(())
}

/// The uppermost lower that shows `comps`, honouring whiteouts and opaque dirs in the
/// lowers themselves (a committed layer that deleted a file hides it from the layers below).
fn find_in_lowers(lowers: &[PathBuf], comps: &[String]) -> Option<usize> {
    for (index, root) in lowers.iter().enumerate() {
        let mut host = root.clone();
        let mut opaque_above = false;
        let mut present = true;
        for (depth, name) in comps.iter().enumerate() {
            if std::fs::symlink_metadata(host.join(format!("{WHITEOUT_PREFIX}{name}"))).is_ok() {
                return None;
            }
            host.push(name);
            match std::fs::symlink_metadata(&host) {
                Err(_) => {
                    present = false;
                    break;
                }
                Ok(m) if is_kernel_whiteout(&m) => return None,
                Ok(m) if depth + 1 < comps.len() => {
                    if !m.is_dir() {
                        return None;
                    }
                    opaque_above |= is_opaque_dir(&host);
                }
                Ok(_) => {}
            }
        }
        if present {
            return Some(index);
        }
        if opaque_above {
            return None;
        }
    }
    None
}

#[cfg(test)]
mod tests;
