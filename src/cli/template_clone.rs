//! Cloning the simulator's template root into a fresh scratch root (`cp -al`, minus the
//! per-root files). Replays make one fresh root per transcript, so this is on the replay
//! benchmark's hot path: the template's tree is listed once per process and each clone is
//! then only mkdir / link / symlink calls, no directory reads or stats.
//!
//! The image layers themselves (`overlay2/<cache-id>/` with their file trees, and
//! `image/overlay2/layerdb/sha256/<chain-id>/`, nine tenths of the template's entries) are
//! not cloned at all: in a scratch root each is a symlink to the template's. Both are
//! written once, when the layer is registered, and never again (copy-up writes a
//! container's own upper dir, a new layer is made under tmp/ and renamed in, `rmi`
//! removes the symlink without following it). Departure from Docker's layout, for scratch
//! roots only: there these dirs are symlinks, which `show disk` draws as the directories
//! they stand for.
use std::os::unix::fs::{DirBuilderExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Mutex, OnceLock};

/// Top-level entries that belong to one root and are never cloned.
pub(super) const PER_ROOT: [&str; 4] = ["lock", "engine.json", "tmp", "complete"];

#[derive(Debug, Clone)]
pub(super) enum Entry {
    Dir {
        mode: u32,
    },
    /// A file, hard-linked: the template's inode.
    File {
        ino: u64,
    },
    Symlink {
        target: PathBuf,
    },
    /// An image layer's dir, shared with the template through a symlink.
    Shared,
}

/// The template's tree, parents before children, as paths relative to its root.
pub(super) type Listing = Vec<(PathBuf, Entry)>;

fn list(root: &Path, rel: &Path, out: &mut Listing) -> std::io::Result<()> {
    let mut entries: Vec<std::fs::DirEntry> =
        std::fs::read_dir(root.join(rel))?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let name = entry.file_name();
        if rel.as_os_str().is_empty() && PER_ROOT.iter().any(|p| name == *p) {
            continue;
        }
        let path = rel.join(&name);
        let kind = entry.file_type()?;
        if kind.is_dir() && is_shared(&path) {
            out.push((path, Entry::Shared));
        } else if kind.is_dir() {
            let mode = entry.metadata()?.permissions().mode() & 0o7777;
            out.push((path.clone(), Entry::Dir { mode }));
            list(root, &path, out)?;
        } else if kind.is_symlink() {
            let target = std::fs::read_link(entry.path())?;
            out.push((path, Entry::Symlink { target }));
        } else {
            use std::os::unix::fs::DirEntryExt;
            out.push((path, Entry::File { ino: entry.ino() }));
        }
    }
    Ok(())
}

/// The template holds no container, so every layer dir in it is an image layer's.
fn is_shared(rel: &Path) -> bool {
    crate::store::is_layer_dir(rel)
}

/// The listing of `template`, made on first use and kept for the process, with the
/// template's absolute path (the shared trees are linked by it: $TMPDIR may be relative).
pub(super) fn listing(template: &Path) -> std::io::Result<(std::sync::Arc<Listing>, PathBuf)> {
    type Cache = Mutex<Option<(PathBuf, std::sync::Arc<Listing>, PathBuf)>>;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(|| Mutex::new(None));
    let mut guard = cache.lock().unwrap_or_else(|p| p.into_inner());
    if let Some((path, l, abs)) = guard.as_ref()
        && path == template
    {
        return Ok((l.clone(), abs.clone()));
    }
    let mut l = Vec::new();
    list(template, Path::new(""), &mut l)?;
    let l = std::sync::Arc::new(l);
    let abs = std::fs::canonicalize(template)?;
    *guard = Some((template.to_path_buf(), l.clone(), abs.clone()));
    Ok((l, abs))
}

/// Hard-links the template into `dst` (an existing, empty dir): directories made with the
/// template's modes, files linked, symlinks recreated.
pub fn clone_template(template: &Path, dst: &Path) -> std::io::Result<()> {
    let (listing, template_abs) = listing(template)?;
    for (rel, entry) in listing.iter() {
        make_entry(template, &template_abs, dst, rel, entry)?;
    }
    Ok(())
}

/// Makes one listed entry at `dst/rel` as the clone has it.
pub(super) fn make_entry(
    template: &Path,
    template_abs: &Path,
    dst: &Path,
    rel: &Path,
    entry: &Entry,
) -> std::io::Result<()> {
    let to = dst.join(rel);
    match entry {
        Entry::Dir { mode } => {
            std::fs::DirBuilder::new().mode(*mode).create(&to)?;
            // mkdir applies the umask; put back what it took away.
            if mode & crate::util::umask::current_umask() != 0 {
                std::fs::set_permissions(&to, std::fs::Permissions::from_mode(*mode))?;
            }
        }
        Entry::File { .. } => std::fs::hard_link(template.join(rel), &to)?,
        Entry::Symlink { target } => std::os::unix::fs::symlink(target, &to)?,
        Entry::Shared => std::os::unix::fs::symlink(template_abs.join(rel), &to)?,
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tree(root: &Path) -> Vec<String> {
        let mut out = Vec::new();
        let mut l = Vec::new();
        list(root, Path::new(""), &mut l).unwrap();
        for (rel, e) in l {
            let meta = std::fs::symlink_metadata(root.join(&rel)).unwrap();
            out.push(format!(
                "{} {:o} {:?}",
                rel.display(),
                meta.permissions().mode() & 0o7777,
                match e {
                    Entry::Symlink { target } => target.display().to_string(),
                    _ => String::new(),
                }
            ));
        }
        out
    }

    #[test]
    fn a_clone_has_the_same_tree_modes_and_links_and_shares_file_inodes() {
        use std::os::unix::fs::MetadataExt;
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        std::fs::create_dir_all(root.join("a/b")).unwrap();
        std::fs::set_permissions(root.join("a/b"), std::fs::Permissions::from_mode(0o1777))
            .unwrap();
        std::fs::create_dir(root.join("tmp")).unwrap();
        std::fs::write(root.join("a/b/f"), b"x").unwrap();
        std::fs::write(root.join("engine.json"), b"{}").unwrap();
        std::os::unix::fs::symlink("../a/b/f", root.join("a/l")).unwrap();
        let d = tempfile::tempdir().unwrap();
        clone_template(root, d.path()).unwrap();
        let mut want = tree(root);
        want.retain(|l| !l.starts_with("tmp") && !l.starts_with("engine.json"));
        assert_eq!(tree(d.path()), want);
        assert!(!d.path().join("engine.json").exists());
        assert_eq!(
            std::fs::metadata(root.join("a/b/f")).unwrap().ino(),
            std::fs::metadata(d.path().join("a/b/f")).unwrap().ino()
        );
    }

    #[test]
    fn image_layer_dirs_are_shared_with_the_template_not_cloned() {
        use std::os::unix::fs::MetadataExt;
        let t = tempfile::tempdir().unwrap();
        let root = t.path();
        std::fs::create_dir_all(root.join("overlay2/abc/diff/etc")).unwrap();
        std::fs::write(root.join("overlay2/abc/diff/etc/passwd"), b"root\n").unwrap();
        std::fs::write(root.join("overlay2/abc/link"), b"L").unwrap();
        std::fs::create_dir_all(root.join("overlay2/l")).unwrap();
        std::os::unix::fs::symlink("../abc/diff", root.join("overlay2/l/L")).unwrap();
        std::fs::create_dir_all(root.join("image/overlay2/layerdb/sha256/c1")).unwrap();
        std::fs::write(root.join("image/overlay2/layerdb/sha256/c1/diff"), b"d").unwrap();
        std::fs::create_dir_all(root.join("image/overlay2/imagedb/content/sha256")).unwrap();
        std::fs::write(root.join("image/overlay2/imagedb/content/sha256/i1"), b"{}").unwrap();
        let d = tempfile::tempdir().unwrap();
        clone_template(root, d.path()).unwrap();
        for shared in ["overlay2/abc", "image/overlay2/layerdb/sha256/c1"] {
            let link = d.path().join(shared);
            assert!(
                std::fs::symlink_metadata(&link)
                    .unwrap()
                    .file_type()
                    .is_symlink()
            );
            assert_eq!(
                std::fs::read_link(&link).unwrap(),
                std::fs::canonicalize(root.join(shared)).unwrap()
            );
        }
        assert_eq!(
            std::fs::read(d.path().join("overlay2/l/L/etc/passwd")).unwrap(),
            b"root\n"
        );
        // The rest is cloned as before: dirs made, files linked.
        assert!(d.path().join("overlay2/l").is_dir());
        let config = "image/overlay2/imagedb/content/sha256/i1";
        assert_eq!(
            std::fs::metadata(root.join(config)).unwrap().ino(),
            std::fs::metadata(d.path().join(config)).unwrap().ino()
        );
    }
}
