//! Changing the merged view: every write lands in the upper dir (copy-up first), every delete
//! of something a lower layer has leaves a whiteout there.
use std::io::Write;
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::PathBuf;

use super::lookup::Layer;
use super::{Comps, FileKind, FsError, OPAQUE_MARKER, UnionFs, WHITEOUT_PREFIX};

fn io_err(path: &std::path::Path) -> impl FnOnce(std::io::Error) -> FsError + '_ {
    move |e| FsError::io(path, e)
}

impl UnionFs {
    /// The upper dir's path for `comps`, to be changed: the lookups it affects are
    /// forgotten when the write ends (see `WriteGuard`). Every change goes through here.
    fn upper_host(&self, comps: &[String]) -> PathBuf {
        self.touched(comps);
        self.upper_path(comps)
    }

    /// The upper dir's path for `comps`, only to be looked at.
    fn upper_path(&self, comps: &[String]) -> PathBuf {
        let mut p = self.upper.clone();
        p.extend(comps);
        p
    }

    /// Make `comps` a directory in the upper dir, creating missing ancestors with the mode
    /// the merged view shows for them (a copied-up dir keeps the lower dir's mode).
    fn ensure_upper_dir(&self, comps: &[String]) -> Result<(), FsError> {
        for depth in 1..=comps.len() {
            let host = self.upper_path(&comps[..depth]);
            match std::fs::symlink_metadata(&host) {
                Ok(m) if m.is_dir() => continue,
                Ok(_) => return Err(FsError::NotADirectory),
                Err(_) => {}
            }
            let mode = match self.lstat_comps(&comps[..depth]) {
                Ok(st) if st.kind == FileKind::Dir => st.mode,
                Ok(_) => return Err(FsError::NotADirectory),
                Err(_) => 0o755,
            };
            let host = self.upper_host(&comps[..depth]);
            std::fs::create_dir(&host).map_err(io_err(&host))?;
            set_mode(&host, mode)?;
        }
        Ok(())
    }

    /// Drop a whiteout for `comps` from the upper dir; true when there was one.
    fn clear_whiteout(&self, comps: &[String]) -> Result<bool, FsError> {
        let Some((name, parent)) = comps.split_last() else {
            return Ok(false);
        };
        let wh = self
            .upper_path(parent)
            .join(format!("{WHITEOUT_PREFIX}{name}"));
        match std::fs::remove_file(&wh) {
            Ok(()) => {
                self.touched(parent);
                Ok(true)
            }
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(false),
            Err(e) => Err(FsError::io(wh, e)),
        }
    }

    /// Bring the visible entry into the upper dir (content, mode, link target).
    pub fn copy_up(&self, comps: &[String]) -> Result<(), FsError> {
        let _writing = self.writing();
        let (st, host) = self.locate(comps)?;
        if st.layer == Layer::Upper {
            return Ok(());
        }
        let (_, parent) = comps.split_last().ok_or(FsError::InvalidArgument)?;
        self.ensure_upper_dir(parent)?;
        let dest = self.upper_host(comps);
        match st.kind {
            FileKind::Dir => self.ensure_upper_dir(comps),
            FileKind::Symlink => {
                let target = st.link_target.unwrap_or_default();
                std::os::unix::fs::symlink(target, &dest).map_err(io_err(&dest))
            }
            FileKind::File | FileKind::Other => {
                let data = std::fs::read(&host).map_err(io_err(&host))?;
                write_new(&dest, &data, st.mode)
            }
        }
    }

    /// Create/truncate or append to a file (symlinks followed), copying up first.
    pub fn write_file(
        &self,
        cwd: &str,
        path: &str,
        data: &[u8],
        append: bool,
    ) -> Result<(), FsError> {
        let _writing = self.writing();
        let comps = self.resolve(cwd, path, true)?;
        self.write_comps(&comps, data, append)
    }

    pub fn write_comps(&self, comps: &[String], data: &[u8], append: bool) -> Result<(), FsError> {
        let _writing = self.writing();
        let (_, parent) = comps.split_last().ok_or(FsError::IsADirectory)?;
        let existing = match self.lstat_comps(comps) {
            Ok(st) if st.kind == FileKind::Dir => return Err(FsError::IsADirectory),
            Ok(st) => Some(st),
            Err(FsError::NotFound) => None,
            Err(e) => return Err(e),
        };
        match self.lstat_comps(parent) {
            Ok(st) if st.kind == FileKind::Dir => {}
            Ok(_) => return Err(FsError::NotADirectory),
            Err(e) => return Err(e),
        }
        let host = self.upper_host(comps);
        match existing {
            Some(st) if st.layer != Layer::Upper => {
                if append {
                    self.copy_up(comps)?;
                } else {
                    self.ensure_upper_dir(parent)?;
                    return write_new(&host, data, st.mode);
                }
            }
            Some(_) => {}
            None => {
                self.ensure_upper_dir(parent)?;
                self.clear_whiteout(comps)?;
            }
        }
        let mut file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .append(append)
            .truncate(!append)
            .mode(0o644)
            .custom_flags(libc::O_NOFOLLOW)
            .open(&host)
            .map_err(io_err(&host))?;
        file.write_all(data).map_err(io_err(&host))
    }

    /// `mkdir` (one level). A dir created where a lower dir was deleted is made opaque, so
    /// the old contents stay hidden (`rm -rf /var && mkdir /var`).
    pub fn mkdir(&self, cwd: &str, path: &str) -> Result<(), FsError> {
        let _writing = self.writing();
        let comps = self.resolve(cwd, path, false)?;
        self.mkdir_comps(&comps)
    }

    fn mkdir_comps(&self, comps: &[String]) -> Result<(), FsError> {
        let (_, parent) = comps.split_last().ok_or(FsError::FileExists)?;
        match self.lstat_comps(comps) {
            Ok(_) => return Err(FsError::FileExists),
            Err(FsError::NotFound) => {}
            Err(e) => return Err(e),
        }
        match self.lstat_comps(parent)?.kind {
            FileKind::Dir => {}
            _ => return Err(FsError::NotADirectory),
        }
        self.ensure_upper_dir(parent)?;
        let was_deleted = self.clear_whiteout(comps)?;
        let host = self.upper_host(comps);
        std::fs::create_dir(&host).map_err(io_err(&host))?;
        set_mode(&host, 0o755)?;
        if was_deleted {
            write_new(&host.join(OPAQUE_MARKER), b"", 0o644)?;
        }
        Ok(())
    }

    /// `mkdir -p`: every missing component, following existing symlinks.
    pub fn mkdir_all(&self, cwd: &str, path: &str) -> Result<(), FsError> {
        let _writing = self.writing();
        let mut so_far = if path.starts_with('/') {
            String::new()
        } else {
            cwd.trim_end_matches('/').to_string()
        };
        for part in path.split('/').filter(|p| !p.is_empty()) {
            so_far.push('/');
            so_far.push_str(part);
            match self.stat("/", &so_far) {
                Ok(st) if st.kind == FileKind::Dir => continue,
                Ok(_) => return Err(FsError::FileExists),
                Err(FsError::NotFound) => self.mkdir("/", &so_far)?,
                Err(e) => return Err(e),
            }
        }
        Ok(())
    }

    /// Remove a file, symlink or (with `recursive`) a directory tree.
    pub fn remove(&self, cwd: &str, path: &str, recursive: bool) -> Result<(), FsError> {
        let _writing = self.writing();
        let comps = self.resolve(cwd, path, false)?;
        self.remove_comps(&comps, recursive)
    }

    pub fn remove_comps(&self, comps: &[String], recursive: bool) -> Result<(), FsError> {
        let _writing = self.writing();
        let (name, parent) = comps.split_last().ok_or(FsError::InvalidArgument)?;
        let chain = self.presence(comps)?;
        let first = chain.first().ok_or(FsError::NotFound)?;
        let is_dir = first.meta.is_dir();
        if is_dir && !recursive {
            return Err(FsError::IsADirectory);
        }
        let host = self.upper_host(comps);
        if chain.iter().any(|f| f.layer == Layer::Upper) {
            let removed = if is_dir {
                std::fs::remove_dir_all(&host)
            } else {
                std::fs::remove_file(&host)
            };
            removed.map_err(io_err(&host))?;
        }
        if chain.iter().any(|f| matches!(f.layer, Layer::Lower(_))) {
            self.ensure_upper_dir(parent)?;
            let wh = self
                .upper_host(parent)
                .join(format!("{WHITEOUT_PREFIX}{name}"));
            write_new(&wh, b"", 0o644)?;
        }
        Ok(())
    }

    /// `rmdir`: only an empty directory (in the merged view).
    pub fn rmdir(&self, cwd: &str, path: &str) -> Result<(), FsError> {
        let _writing = self.writing();
        let comps = self.resolve(cwd, path, false)?;
        if self.lstat_comps(&comps)?.kind != FileKind::Dir {
            return Err(FsError::NotADirectory);
        }
        if !self.read_dir_comps(&comps)?.is_empty() {
            return Err(FsError::DirectoryNotEmpty);
        }
        self.remove_comps(&comps, true)
    }

    /// Copy `from` to `to` (the destination path itself, not "into"); directories only with
    /// `recursive`. Symlinks inside a tree are copied as links.
    pub fn copy(&self, cwd: &str, from: &str, to: &str, recursive: bool) -> Result<(), FsError> {
        let _writing = self.writing();
        let src = self.resolve(cwd, from, true)?;
        let dst = self.resolve(cwd, to, true)?;
        if self.lstat_comps(&src)?.kind == FileKind::Dir && !recursive {
            return Err(FsError::IsADirectory);
        }
        if dst.starts_with(&src) {
            return Err(FsError::InvalidArgument);
        }
        self.copy_tree(&src, &dst)
    }

    fn copy_tree(&self, src: &[String], dst: &[String]) -> Result<(), FsError> {
        let (st, host) = self.locate(src)?;
        match st.kind {
            FileKind::Dir => {
                match self.lstat_comps(dst) {
                    Ok(d) if d.kind == FileKind::Dir => {}
                    Ok(_) => return Err(FsError::NotADirectory),
                    Err(_) => self.mkdir_comps(dst)?,
                }
                for name in self.read_dir_comps(src)? {
                    let mut s: Comps = src.to_vec();
                    s.push(name.clone());
                    let mut d: Comps = dst.to_vec();
                    d.push(name);
                    self.copy_tree(&s, &d)?;
                }
                Ok(())
            }
            FileKind::Symlink => self.symlink_comps(&st.link_target.unwrap_or_default(), dst),
            FileKind::File | FileKind::Other => {
                let data = std::fs::read(&host).map_err(io_err(&host))?;
                self.write_comps(dst, &data, false)?;
                self.chmod_comps(dst, st.mode)
            }
        }
    }

    /// `mv`: copy then delete the source (whiteout when a lower layer has it), the way
    /// overlayfs without redirect_dir handles a rename.
    pub fn rename(&self, cwd: &str, from: &str, to: &str) -> Result<(), FsError> {
        let _writing = self.writing();
        let src = self.resolve(cwd, from, false)?;
        let dst = self.resolve(cwd, to, false)?;
        if src == dst {
            return Ok(());
        }
        if dst.starts_with(&src) {
            return Err(FsError::InvalidArgument);
        }
        let src_kind = self.lstat_comps(&src)?.kind;
        match self.lstat_comps(&dst) {
            Ok(d) if d.kind == FileKind::Dir => {
                if src_kind != FileKind::Dir {
                    return Err(FsError::IsADirectory);
                }
                if !self.read_dir_comps(&dst)?.is_empty() {
                    return Err(FsError::DirectoryNotEmpty);
                }
                self.remove_comps(&dst, true)?;
            }
            Ok(_) if src_kind == FileKind::Dir => return Err(FsError::NotADirectory),
            Ok(_) => self.remove_comps(&dst, false)?,
            Err(FsError::NotFound) => {}
            Err(e) => return Err(e),
        }
        if src_kind == FileKind::Symlink {
            let target = self.lstat_comps(&src)?.link_target.unwrap_or_default();
            self.symlink_comps(&target, &dst)?;
        } else {
            self.copy_tree(&src, &dst)?;
        }
        self.remove_comps(&src, true)
    }

    pub fn chmod(&self, cwd: &str, path: &str, mode: u32) -> Result<(), FsError> {
        let _writing = self.writing();
        let comps = self.resolve(cwd, path, true)?;
        self.chmod_comps(&comps, mode)
    }

    fn chmod_comps(&self, comps: &[String], mode: u32) -> Result<(), FsError> {
        self.copy_up(comps)?;
        set_mode(&self.upper_host(comps), mode & 0o7777)
    }

    pub fn symlink(&self, target: &str, cwd: &str, link: &str) -> Result<(), FsError> {
        let _writing = self.writing();
        let comps = self.resolve(cwd, link, false)?;
        self.symlink_comps(target, &comps)
    }

    fn symlink_comps(&self, target: &str, comps: &[String]) -> Result<(), FsError> {
        let (_, parent) = comps.split_last().ok_or(FsError::FileExists)?;
        if self.lstat_comps(comps).is_ok() {
            return Err(FsError::FileExists);
        }
        self.ensure_upper_dir(parent)?;
        self.clear_whiteout(comps)?;
        let host = self.upper_host(comps);
        std::os::unix::fs::symlink(target, &host).map_err(io_err(&host))
    }

    /// `touch`: create an empty file, or copy up and bump the mtime.
    pub fn touch(&self, cwd: &str, path: &str) -> Result<(), FsError> {
        let _writing = self.writing();
        let comps = self.resolve(cwd, path, true)?;
        if self.lstat_comps(&comps).is_err() {
            return self.write_comps(&comps, b"", true);
        }
        self.copy_up(&comps)?;
        let host = self.upper_host(&comps);
        let file = std::fs::File::open(&host).map_err(io_err(&host))?;
        file.set_modified(std::time::SystemTime::now())
            .map_err(io_err(&host))
    }
}

fn set_mode(host: &std::path::Path, mode: u32) -> Result<(), FsError> {
    std::fs::set_permissions(host, std::fs::Permissions::from_mode(mode)).map_err(io_err(host))
}

/// Write a fresh upper file with an exact mode (not following a symlink at `host`).
fn write_new(host: &std::path::Path, data: &[u8], mode: u32) -> Result<(), FsError> {
    if std::fs::symlink_metadata(host).is_ok() {
        std::fs::remove_file(host).map_err(io_err(host))?;
    }
    let mut file = std::fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(mode)
        .open(host)
        .map_err(io_err(host))?;
    file.write_all(data).map_err(io_err(host))?;
    set_mode(host, mode)
}
