//! Removing trees: containers' layers, scratch roots, failed extractions. Every removed
//! container takes a dozen directories with it, so the walk is done with one `openat` and
//! the `getdents` calls per directory (std's `remove_dir_all` adds an `fstat` and two
//! `fcntl` calls per directory, through `fdopendir`).
use std::fs;
use std::io;
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::fs::PermissionsExt;
use std::path::Path;

use rustix::fs::{AtFlags, CWD, Dir, FileType, Mode, OFlags, openat, statat, unlinkat};
use rustix::io::Errno;

/// Opening a directory to empty it: never through a symlink.
const DIR_FLAGS: OFlags = OFlags::RDONLY
    .union(OFlags::DIRECTORY)
    .union(OFlags::NOFOLLOW)
    .union(OFlags::CLOEXEC);

/// `std::fs::remove_dir_all`, as it behaves: a symlink at `path` is removed, not followed;
/// a tree is removed bottom-up without following any symlink in it.
pub(crate) fn remove_dir_all(path: &Path) -> io::Result<()> {
    let fd = match openat(CWD, path, DIR_FLAGS, Mode::empty()) {
        Ok(fd) => fd,
        // O_NOFOLLOW|O_DIRECTORY on a symlink.
        Err(e @ (Errno::NOTDIR | Errno::LOOP)) => {
            return match fs::symlink_metadata(path) {
                Ok(m) if m.file_type().is_symlink() => fs::remove_file(path),
                _ => Err(e.into()),
            };
        }
        Err(e) => return Err(e.into()),
    };
    empty_dir(fd)?;
    Ok(unlinkat(CWD, path, AtFlags::REMOVEDIR)?)
}

/// Removes everything in the directory `fd`.
fn empty_dir(fd: OwnedFd) -> io::Result<()> {
    let mut dir = Dir::new(fd)?;
    while let Some(entry) = dir.read() {
        let entry = entry?;
        let name = entry.file_name();
        if name == c"." || name == c".." {
            continue;
        }
        let parent = dir.fd()?;
        let is_dir = match entry.file_type() {
            FileType::Directory => true,
            // A filesystem that does not say what an entry is.
            FileType::Unknown => {
                FileType::from_raw_mode(statat(parent, name, AtFlags::SYMLINK_NOFOLLOW)?.st_mode)
                    == FileType::Directory
            }
            _ => false,
        };
        if is_dir {
            empty_dir(openat(parent.as_fd(), name, DIR_FLAGS, Mode::empty())?)?;
            unlinkat(parent, name, AtFlags::REMOVEDIR)?;
        } else {
            unlinkat(parent, name, AtFlags::empty())?;
        }
    }
    Ok(())
}

/// `remove_dir_all` of a tree that may hold read-only dirs (0555, from a layer): they stop
/// only a non-root user, so the tree is walked to give write access back only when the
/// removal was refused (walking it first would double the cost of every removal).
pub(crate) fn remove_dir_forcing(path: &Path) -> io::Result<()> {
    match remove_dir_all(path) {
        Err(e) if e.kind() == io::ErrorKind::PermissionDenied => {
            make_writable(path);
            remove_dir_all(path)
        }
        other => other,
    }
}

/// Layers may contain read-only dirs (0555); give the owner write access back so that a
/// failed extraction can be removed.
pub(crate) fn make_writable(path: &Path) {
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

#[cfg(test)]
mod tests {
    use super::*;

    /// A tree holding a read-only dir is removed by a user that is not root too (for root,
    /// modes are no obstacle): as root, the removal runs in a child turned `nobody`.
    #[test]
    fn a_tree_with_read_only_dirs_is_removed_by_its_owner() {
        use std::os::unix::fs::PermissionsExt;
        let dir = tempfile::tempdir().expect("tmp");
        let tree = dir.path().join("layer");
        fs::create_dir_all(tree.join("proc/sub")).expect("mkdir");
        fs::write(tree.join("proc/sub/f"), b"x").expect("write");
        let nobody = nix::unistd::Uid::from_raw(65534);
        let root = nix::unistd::Uid::effective().is_root();
        if root {
            for p in [
                dir.path(),
                &tree,
                &tree.join("proc"),
                &tree.join("proc/sub"),
            ] {
                std::os::unix::fs::chown(p, Some(65534), Some(65534)).expect("chown");
            }
            std::os::unix::fs::chown(tree.join("proc/sub/f"), Some(65534), Some(65534))
                .expect("chown");
        }
        for p in ["proc/sub", "proc"] {
            fs::set_permissions(tree.join(p), fs::Permissions::from_mode(0o555)).expect("chmod");
        }
        if root {
            // SAFETY: the child only changes its ids, removes files and exits.
            match unsafe { nix::unistd::fork() }.expect("fork") {
                nix::unistd::ForkResult::Child => {
                    let ok = nix::unistd::setgid(nix::unistd::Gid::from_raw(65534)).is_ok()
                        && nix::unistd::setuid(nobody).is_ok()
                        && fs::remove_dir_all(&tree).is_err()
                        && remove_dir_forcing(&tree).is_ok();
                    // SAFETY: _exit ends the child without running the parent's handlers.
                    unsafe { libc::_exit(if ok { 0 } else { 1 }) };
                }
                nix::unistd::ForkResult::Parent { child } => {
                    let status = nix::sys::wait::waitpid(child, None).expect("wait");
                    assert_eq!(status, nix::sys::wait::WaitStatus::Exited(child, 0));
                }
            }
        } else {
            remove_dir_forcing(&tree).expect("removed");
        }
        assert!(!tree.exists());
    }

    /// A tree with files, symlinks (to a dir outside it, too) and nested dirs goes whole;
    /// what its symlinks point at stays. A symlink given as the tree is removed itself.
    #[test]
    fn a_tree_goes_and_what_its_symlinks_point_at_stays() {
        let dir = tempfile::tempdir().expect("tmp");
        let outside = dir.path().join("outside");
        fs::create_dir_all(outside.join("keep")).expect("mkdir");
        fs::write(outside.join("keep/f"), b"k").expect("write");
        let tree = dir.path().join("tree");
        fs::create_dir_all(tree.join("a/b/c")).expect("mkdir");
        fs::write(tree.join("a/b/c/f"), b"x").expect("write");
        fs::write(tree.join("top"), b"y").expect("write");
        std::os::unix::fs::symlink(&outside, tree.join("a/out")).expect("symlink");
        std::os::unix::fs::symlink("b", tree.join("a/rel")).expect("symlink");
        remove_dir_all(&tree).expect("removed");
        assert!(!tree.exists());
        assert!(outside.join("keep/f").exists());
        let link = dir.path().join("link");
        std::os::unix::fs::symlink(&outside, &link).expect("symlink");
        remove_dir_all(&link).expect("removed");
        assert!(fs::symlink_metadata(&link).is_err());
        assert!(outside.join("keep/f").exists());
        assert_eq!(
            remove_dir_all(&dir.path().join("nothing")).map_err(|e| e.kind()),
            Err(io::ErrorKind::NotFound)
        );
    }
}
