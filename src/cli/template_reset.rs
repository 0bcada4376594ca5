//! Bringing a used scratch root back to a fresh clone of the template, so that `replay`
//! of many files makes one root per worker instead of one per file: what a replay made
//! (containers, layers, images, tags) is removed, what it removed or replaced (a base
//! image's links, repositories.json) is linked again, and the template's own entries that
//! it left alone (most of them) cost no syscall beyond reading their directory.
//!
//! The root is also renamed to a new name first. Caches keyed by path (the union fs's layer
//! indexes, the detected image flavors) then never see a path again that now holds other
//! files: under --deterministic the next replay makes the same layer ids at the same
//! relative paths.
use std::collections::{HashMap, HashSet};
use std::ffi::OsString;
use std::os::unix::fs::DirEntryExt;
use std::path::{Path, PathBuf};

use super::template_clone::{Entry, PER_ROOT, listing, make_entry};

/// Resets `dst` (a root cloned from `template` and used since) to what `clone_template`
/// makes, except the per-root files: tmp/ is emptied, lock is kept, engine.json is left
/// for the caller to write.
pub fn reset_to_template(template: &Path, dst: &Path) -> std::io::Result<()> {
    let (listing, template_abs) = listing(template)?;
    // Each listed dir (and the root) with the entries it should hold.
    let mut expected: HashMap<&Path, HashMap<OsString, &Entry>> = HashMap::new();
    let mut dirs: Vec<&Path> = vec![Path::new("")];
    expected.insert(Path::new(""), HashMap::new());
    for (rel, entry) in listing.iter() {
        let parent = rel.parent().unwrap_or(Path::new(""));
        if let Some(name) = rel.file_name() {
            expected
                .entry(parent)
                .or_default()
                .insert(name.to_os_string(), entry);
        }
        if matches!(entry, Entry::Dir { .. }) {
            expected.entry(rel.as_path()).or_default();
            dirs.push(rel);
        }
    }
    // Parents before children: a dir remade in its parent's pass is empty in its own.
    for dir_rel in dirs {
        let dir = dst.join(dir_rel);
        let wanted = &expected[dir_rel];
        let mut kept: HashSet<OsString> = HashSet::new();
        for found in std::fs::read_dir(&dir)? {
            let found = found?;
            let name = found.file_name();
            let path = found.path();
            if dir_rel.as_os_str().is_empty() && PER_ROOT.iter().any(|p| name == *p) {
                if name == "tmp" {
                    empty_dir(&path)?;
                }
                continue;
            }
            let kind = found.file_type()?;
            let intact = match wanted.get(&name) {
                Some(Entry::Dir { .. }) => kind.is_dir(),
                Some(Entry::File { ino }) => kind.is_file() && found.ino() == *ino,
                // Never rewritten in place: a link that is there is the template's.
                Some(Entry::Symlink { .. } | Entry::Shared) => kind.is_symlink(),
                None => false,
            };
            if intact {
                kept.insert(name);
            } else {
                remove_any(&path, kind.is_dir())?;
            }
        }
        for (name, entry) in wanted {
            if !kept.contains(name) {
                make_entry(template, &template_abs, dst, &dir_rel.join(name), entry)?;
            }
        }
    }
    Ok(())
}

fn remove_any(path: &Path, is_dir: bool) -> std::io::Result<()> {
    if is_dir {
        crate::store::remove_dir_forcing(path)
    } else {
        std::fs::remove_file(path)
    }
}

fn empty_dir(dir: &Path) -> std::io::Result<()> {
    for entry in std::fs::read_dir(dir)? {
        let entry = entry?;
        remove_any(&entry.path(), entry.file_type()?.is_dir())?;
    }
    Ok(())
}

/// A new name for `root` in the same directory (see the module's note on caches).
pub fn rename_fresh(root: &Path) -> std::io::Result<PathBuf> {
    let parent = root.parent().unwrap_or(Path::new("."));
    let mut buf = [0u8; 6];
    getrandom::fill(&mut buf).map_err(|e| std::io::Error::other(e.to_string()))?;
    let to = parent.join(format!("dockerlings-{}", hex::encode(buf)));
    std::fs::rename(root, &to)?;
    Ok(to)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Whatever a replay did to its root, the reset one lists as a fresh clone does (every
    /// path, kind, mode, link target and hard-linked inode).
    #[test]
    fn a_used_root_is_reset_to_a_fresh_clone() {
        let tmp = tempfile::tempdir().expect("tmp");
        let template = tmp.path().join("template");
        std::fs::create_dir_all(template.join("overlay2/l")).expect("dirs");
        std::fs::create_dir_all(template.join("image/overlay2/imagedb/content/sha256"))
            .expect("dirs");
        std::fs::create_dir_all(template.join("overlay2").join("a".repeat(64)).join("diff"))
            .expect("layer");
        std::fs::write(template.join("image/overlay2/repositories.json"), b"{}").expect("f");
        std::fs::write(
            template.join("image/overlay2/imagedb/content/sha256/c1"),
            b"config",
        )
        .expect("f");
        std::os::unix::fs::symlink("../x/diff", template.join("overlay2/l/SHORT")).expect("l");
        std::fs::write(template.join("complete"), b"").expect("f");
        let used = tmp.path().join("used");
        let fresh = tmp.path().join("fresh");
        for d in [&used, &fresh] {
            std::fs::create_dir(d).expect("root");
            super::super::template_clone::clone_template(&template, d).expect("clone");
            std::fs::create_dir(d.join("tmp")).expect("tmp");
        }
        // What a replay does: new things, removed things, a replaced file, a layer dir
        // where a shared link was, leftovers in tmp/.
        std::fs::create_dir_all(used.join("containers/c/x")).expect("ctr");
        std::fs::remove_file(used.join("image/overlay2/imagedb/content/sha256/c1")).expect("rm");
        std::fs::remove_file(used.join("image/overlay2/repositories.json")).expect("rm");
        std::fs::write(used.join("image/overlay2/repositories.json"), b"{\"t\":1}").expect("w");
        let shared = used.join("overlay2").join("a".repeat(64));
        std::fs::remove_file(&shared).expect("unlink");
        std::fs::create_dir_all(shared.join("diff/etc")).expect("a real dir");
        std::fs::remove_file(used.join("overlay2/l/SHORT")).expect("rm");
        std::fs::write(used.join("overlay2/l/NEW"), b"").expect("w");
        std::fs::write(used.join("tmp/leftover"), b"").expect("w");
        std::fs::write(used.join("lock"), b"").expect("w");
        reset_to_template(&template, &used).expect("reset");
        std::fs::remove_file(used.join("lock")).expect("the lock is kept");
        assert_eq!(tree(&used), tree(&fresh));
    }

    fn tree(root: &Path) -> Vec<String> {
        use std::os::unix::fs::MetadataExt;
        let mut out = Vec::new();
        let mut stack = vec![root.to_path_buf()];
        while let Some(dir) = stack.pop() {
            for e in std::fs::read_dir(&dir).expect("dir") {
                let p = e.expect("entry").path();
                let m = std::fs::symlink_metadata(&p).expect("meta");
                let rel = p.strip_prefix(root).expect("inside").display().to_string();
                let what = if m.is_symlink() {
                    format!("-> {}", std::fs::read_link(&p).expect("link").display())
                } else if m.is_dir() {
                    stack.push(p.clone());
                    format!("dir {:o}", m.mode() & 0o7777)
                } else {
                    format!("file ino {}", m.ino())
                };
                out.push(format!("{rel} {what}"));
            }
        }
        out.sort();
        out
    }
}
