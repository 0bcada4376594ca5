//! Streaming extraction of a layer tar into a diff/ dir, hashing the exact bytes and
//! recording the tar-split as it goes. Never holds more than one metadata payload in memory.
use std::collections::BTreeMap;
use std::fs::{self, File};
use std::io::{self, Read, Write};
use std::os::unix::fs::{OpenOptionsExt, PermissionsExt};
use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};
use tar::{EntryType, Header};

use super::tarsplit::Recorder;
use super::{BackendKind, StoreError, StoreResult};

/// Metadata payloads (long names, PAX) larger than this are refused.
const MAX_META: u64 = 1 << 20;

pub(crate) struct Extracted {
    /// "sha256:<hex>" of the whole uncompressed stream.
    pub diff_id: String,
    /// Sum of the regular files' sizes.
    pub size: u64,
}

struct HashingReader<R> {
    inner: R,
    hasher: Sha256,
}

impl<R: Read> Read for HashingReader<R> {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.inner.read(buf)?;
        self.hasher.update(&buf[..n]);
        Ok(n)
    }
}

/// Copies up to `len` bytes of `from` into `to` through one large buffer (io::copy's 8 KiB
/// would mean a write per 8 KiB of a layer). Returns the bytes copied.
fn copy_payload(from: &mut impl Read, len: u64, to: &mut File) -> io::Result<u64> {
    const BUF: usize = 256 * 1024;
    let mut buf = vec![0u8; BUF.min(usize::try_from(len).unwrap_or(BUF)).max(1)];
    let mut left = len;
    while left > 0 {
        let want = buf.len().min(usize::try_from(left).unwrap_or(buf.len()));
        let n = match from.read(&mut buf[..want]) {
            Ok(0) => break,
            Ok(n) => n,
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(e) => return Err(e),
        };
        to.write_all(&buf[..n])?;
        left -= n as u64;
    }
    Ok(len - left)
}

/// Overrides carried from GNU long-name and PAX entries to the entry that follows.
#[derive(Default)]
struct Pending {
    path: Option<Vec<u8>>,
    link: Option<Vec<u8>>,
}

pub(crate) fn extract_layer(
    tar: impl Read,
    diff: &Path,
    split: &mut Recorder<impl Write>,
    backend: BackendKind,
) -> StoreResult<Extracted> {
    let mut reader = HashingReader {
        inner: tar,
        hasher: Sha256::new(),
    };
    let mut pending = Pending::default();
    let mut dirs: BTreeMap<PathBuf, (u32, u64)> = BTreeMap::new();
    let mut tree = Tree::of(diff);
    let owner = Owner::of_process();
    let mut size = 0u64;
    let io_err = |e: io::Error| StoreError::BadArchive(e.to_string());
    loop {
        let mut block = [0u8; 512];
        if !read_block(&mut reader, &mut block).map_err(io_err)? {
            break;
        }
        split.raw(&block);
        if block.iter().all(|&b| b == 0) {
            // End of archive: keep whatever trails (more zero blocks) for the hash and replay.
            let mut rest = Vec::new();
            reader.read_to_end(&mut rest).map_err(io_err)?;
            split.raw(&rest);
            break;
        }
        let header = Header::from_byte_slice(&block);
        check_checksum(header)?;
        let entry_size = header
            .entry_size()
            .map_err(|e| StoreError::BadArchive(e.to_string()))?;
        let padding = (512 - entry_size % 512) % 512;
        let kind = header.entry_type();
        if matches!(
            kind,
            EntryType::GNULongName | EntryType::GNULongLink | EntryType::XHeader
        ) || kind == EntryType::XGlobalHeader
        {
            if entry_size > MAX_META {
                return Err(StoreError::BadArchive("metadata entry too large".into()));
            }
            let mut payload = vec![0u8; (entry_size + padding) as usize];
            reader.read_exact(&mut payload).map_err(io_err)?;
            split.raw(&payload);
            let data = &payload[..entry_size as usize];
            let trimmed = data.split(|&b| b == 0).next().unwrap_or(&[]).to_vec();
            match kind {
                EntryType::GNULongName => pending.path = Some(trimmed),
                EntryType::GNULongLink => pending.link = Some(trimmed),
                EntryType::XHeader => read_pax(data, &mut pending),
                _ => {}
            }
            continue;
        }
        let raw_path = pending
            .path
            .take()
            .unwrap_or_else(|| header.path_bytes().into_owned());
        let raw_link = pending
            .link
            .take()
            .or_else(|| header.link_name_bytes().map(|l| l.into_owned()));
        let name = String::from_utf8(raw_path)
            .map_err(|_| StoreError::hostile("?", "name is not UTF-8"))?;
        let rel = normalise(&name)?;
        let mode = header.mode().unwrap_or(0o644) & 0o7777;
        let mtime = header.mtime().unwrap_or(0);
        let is_regular = matches!(kind, EntryType::Regular | EntryType::Continuous);
        let target = diff.join(&rel);
        let whiteout = rel
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|n| n.starts_with(".wh."));
        if rel.as_os_str().is_empty() {
            skip(&mut reader, entry_size + padding, split)?;
            continue;
        }
        prepare_parent(diff, &rel, &name, &mut tree)?;
        if is_regular && !(whiteout && backend == BackendKind::Linux) {
            tree.remove_existing(&rel, &target)?;
            tree.written.insert(rel.clone());
            // Made with its permission bits; the special ones (and any the umask took)
            // only after the chown, which would clear setuid and setgid again.
            let mut file = fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .mode(mode & 0o777)
                .open(&target)
                .map_err(|e| StoreError::io(&target, e))?;
            let copied = copy_payload(&mut reader, entry_size, &mut file)
                .map_err(|e| StoreError::io(&target, e))?;
            if copied != entry_size {
                return Err(StoreError::BadArchive(format!("{name}: truncated")));
            }
            split
                .file(&rel.to_string_lossy(), entry_size)
                .map_err(|e| StoreError::io(&target, e))?;
            size += entry_size;
            skip(&mut reader, padding, split)?;
            owner.set(&target, header, true)?;
            if mode & 0o7000 != 0 || mode & crate::util::umask::current_umask() != 0 {
                set_mode(&target, mode)?;
            }
            set_time(&target, mtime)?;
            continue;
        }
        skip(&mut reader, entry_size + padding, split)?;
        if whiteout && backend == BackendKind::Linux {
            // It may remove a dir: from here on every path is looked at.
            tree.forget();
            write_kernel_whiteout(&target)?;
            continue;
        }
        match kind {
            EntryType::Directory => {
                let fresh = !tree.is_dir(&rel, &target);
                if fresh {
                    tree.remove_existing(&rel, &target)?;
                    fs::create_dir(&target).map_err(|e| StoreError::io(&target, e))?;
                    tree.made_dir(&rel);
                }
                owner.set(&target, header, fresh)?;
                set_time(&target, mtime)?;
                dirs.insert(rel.clone(), (mode, mtime));
            }
            EntryType::Symlink => {
                let link = link_text(raw_link, &name)?;
                check_symlink_stays_inside(&rel, &link, &name)?;
                tree.remove_existing(&rel, &target)?;
                tree.written.insert(rel.clone());
                std::os::unix::fs::symlink(&link, &target)
                    .map_err(|e| StoreError::io(&target, e))?;
                owner.set(&target, header, true)?;
                set_time(&target, mtime)?;
            }
            EntryType::Link => {
                let link = link_text(raw_link, &name)?;
                let source_rel = normalise(&link)?;
                check_no_symlink_parents(diff, &source_rel, &name, &mut tree)?;
                let source = diff.join(&source_rel);
                tree.remove_existing(&rel, &target)?;
                tree.written.insert(rel.clone());
                fs::hard_link(&source, &target).map_err(|e| StoreError::io(&source, e))?;
            }
            // Device nodes and fifos are not for a learning sandbox to create.
            _ => {}
        }
    }
    // Deepest first, so a read-only parent does not block its children's updates.
    for (rel, (mode, mtime)) in dirs.iter().rev() {
        let path = diff.join(rel);
        set_mode(&path, *mode)?;
        set_time(&path, *mtime)?;
    }
    let diff_id = format!("sha256:{}", hex::encode(reader.hasher.finalize()));
    Ok(Extracted { diff_id, size })
}

/// Read one 512-byte block; false at a clean end of stream.
fn read_block(reader: &mut impl Read, block: &mut [u8; 512]) -> io::Result<bool> {
    let mut filled = 0;
    while filled < 512 {
        let n = reader.read(&mut block[filled..])?;
        if n == 0 {
            if filled == 0 {
                return Ok(false);
            }
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "partial tar block",
            ));
        }
        filled += n;
    }
    Ok(true)
}

fn check_checksum(header: &Header) -> StoreResult<()> {
    let bytes = header.as_bytes();
    let sum: u32 = bytes
        .iter()
        .enumerate()
        .map(|(i, &b)| {
            if (148..156).contains(&i) {
                32
            } else {
                u32::from(b)
            }
        })
        .sum();
    match header.cksum() {
        Ok(c) if c == sum => Ok(()),
        _ => Err(StoreError::BadArchive("header checksum mismatch".into())),
    }
}

fn read_pax(data: &[u8], pending: &mut Pending) {
    for ext in tar::PaxExtensions::new(data).flatten() {
        match ext.key() {
            Ok("path") => pending.path = Some(ext.value_bytes().to_vec()),
            Ok("linkpath") => pending.link = Some(ext.value_bytes().to_vec()),
            _ => {}
        }
    }
}

fn skip(reader: &mut impl Read, n: u64, split: &mut Recorder<impl Write>) -> StoreResult<()> {
    let mut buf = Vec::new();
    let got = reader
        .take(n)
        .read_to_end(&mut buf)
        .map_err(|e| StoreError::BadArchive(e.to_string()))?;
    if got as u64 != n {
        return Err(StoreError::BadArchive("truncated entry".into()));
    }
    split.raw(&buf);
    Ok(())
}

fn link_text(raw: Option<Vec<u8>>, name: &str) -> StoreResult<String> {
    let raw = raw.ok_or_else(|| StoreError::hostile(name, "link without a target"))?;
    String::from_utf8(raw).map_err(|_| StoreError::hostile(name, "link target is not UTF-8"))
}

/// A tar name made relative to the layer root: leading `/` and `.` dropped, `..` refused.
pub(crate) fn normalise(name: &str) -> StoreResult<PathBuf> {
    let mut out = PathBuf::new();
    for part in name.split('/') {
        match part {
            "" | "." => {}
            ".." => return Err(StoreError::hostile(name, "path contains '..'")),
            p => out.push(p),
        }
    }
    Ok(out)
}

/// A relative symlink target may climb with `..` but not above the layer root.
fn check_symlink_stays_inside(rel: &Path, target: &str, name: &str) -> StoreResult<()> {
    if target.starts_with('/') {
        return Ok(()); // resolved inside the container's root, never by us
    }
    let mut depth = rel.components().count() as i64 - 1;
    for part in target.split('/') {
        match part {
            "" | "." => {}
            ".." => depth -= 1,
            _ => depth += 1,
        }
        if depth < 0 {
            return Err(StoreError::hostile(
                name,
                "symlink points outside the layer",
            ));
        }
    }
    Ok(())
}

/// Create missing parent dirs; refuse to go through a symlink (that is how a tar escapes).
fn prepare_parent(diff: &Path, rel: &Path, name: &str, tree: &mut Tree) -> StoreResult<()> {
    walk_parents(diff, rel, name, tree, Parents::MakeMissing)
}

fn check_no_symlink_parents(
    diff: &Path,
    rel: &Path,
    name: &str,
    tree: &mut Tree,
) -> StoreResult<()> {
    walk_parents(diff, rel, name, tree, Parents::CheckOnly)
}

#[derive(PartialEq)]
enum Parents {
    /// For an entry to be written: missing parents are made, a non-dir one is refused.
    MakeMissing,
    /// For a hardlink's source: only a symlink on the way is refused.
    CheckOnly,
}

/// Goes down `rel`'s parents inside `diff`, refusing any that is a symlink (that is how a
/// tar escapes its layer).
fn walk_parents(
    diff: &Path,
    rel: &Path,
    name: &str,
    tree: &mut Tree,
    how: Parents,
) -> StoreResult<()> {
    let mut current = diff.to_path_buf();
    let mut current_rel = PathBuf::new();
    let parts: Vec<_> = rel.components().collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        current.push(part);
        current_rel.push(part);
        if tree.dirs.contains(&current_rel) {
            continue;
        }
        match tree.lstat(&current_rel, &current) {
            Some(m) if m.file_type().is_symlink() => {
                let why = match how {
                    Parents::MakeMissing => "path goes through a symlink",
                    Parents::CheckOnly => "hardlink goes through a symlink",
                };
                return Err(StoreError::hostile(name, why));
            }
            Some(m) if m.is_dir() => tree.made_dir(&current_rel),
            Some(_) if how == Parents::MakeMissing => {
                return Err(StoreError::hostile(name, "parent is not a directory"));
            }
            None if how == Parents::MakeMissing => {
                fs::create_dir(&current).map_err(|e| StoreError::io(&current, e))?;
                tree.made_dir(&current_rel);
            }
            _ => {}
        }
    }
    Ok(())
}

/// What an extraction knows of the tree it writes, to spare a stat or two per entry:
/// the dirs it made or found to be real dirs (never symlinks), and, when the tree started
/// empty, which paths exist at all (those it wrote). Whenever an entry removes a dir, all
/// of that is forgotten and every path is looked at on disk again, so that no path known
/// as a dir can have become a symlink since.
struct Tree {
    dirs: std::collections::HashSet<PathBuf>,
    written: std::collections::HashSet<PathBuf>,
    /// The tree started empty and no dir has been removed since: a path not `written`
    /// does not exist.
    complete: bool,
}

impl Tree {
    fn of(diff: &Path) -> Tree {
        Tree {
            dirs: Default::default(),
            written: Default::default(),
            complete: fs::read_dir(diff).is_ok_and(|mut d| d.next().is_none()),
        }
    }

    fn made_dir(&mut self, rel: &Path) {
        self.dirs.insert(rel.to_path_buf());
        self.written.insert(rel.to_path_buf());
    }

    fn forget(&mut self) {
        self.dirs.clear();
        self.complete = false;
    }

    /// The entry at `path` (not followed), or None if there is none.
    fn lstat(&self, rel: &Path, path: &Path) -> Option<fs::Metadata> {
        if self.complete && !self.written.contains(rel) {
            return None;
        }
        fs::symlink_metadata(path).ok()
    }

    fn is_dir(&self, rel: &Path, path: &Path) -> bool {
        self.dirs.contains(rel) || self.lstat(rel, path).is_some_and(|m| m.is_dir())
    }

    fn remove_existing(&mut self, rel: &Path, path: &Path) -> StoreResult<()> {
        if self.complete && !self.written.contains(rel) {
            return Ok(());
        }
        if remove_existing(path)? {
            self.forget();
        }
        Ok(())
    }
}

/// Removes what is at `path`, a dir with all it holds; true if that was a dir.
fn remove_existing(path: &Path) -> StoreResult<bool> {
    match fs::symlink_metadata(path) {
        Ok(m) if m.is_dir() => {
            super::remove::remove_dir_forcing(path).map_err(|e| StoreError::io(path, e))?;
            Ok(true)
        }
        Ok(_) => fs::remove_file(path)
            .map(|()| false)
            .map_err(|e| StoreError::io(path, e)),
        Err(_) => Ok(false),
    }
}

fn set_mode(path: &Path, mode: u32) -> StoreResult<()> {
    fs::set_permissions(path, fs::Permissions::from_mode(mode)).map_err(|e| StoreError::io(path, e))
}

/// Who extracts: root gives each entry the owner its header names (as Docker does), anyone
/// else keeps their own.
struct Owner {
    root: bool,
    uid: u32,
    gid: u32,
}

impl Owner {
    fn of_process() -> Owner {
        let uid = nix::unistd::geteuid();
        Owner {
            root: uid.is_root(),
            uid: uid.as_raw(),
            gid: nix::unistd::getegid().as_raw(),
        }
    }

    /// Gives `path` the header's owner. An entry just made is ours already (no dir gets
    /// its setgid bit before the end of the extraction, so none passes on its group):
    /// when the header names us, there is nothing to change.
    fn set(&self, path: &Path, header: &Header, fresh: bool) -> StoreResult<()> {
        if !self.root {
            return Ok(());
        }
        let uid = header.uid().unwrap_or(0) as u32;
        let gid = header.gid().unwrap_or(0) as u32;
        if fresh && uid == self.uid && gid == self.gid {
            return Ok(());
        }
        std::os::unix::fs::lchown(path, Some(uid), Some(gid)).map_err(|e| StoreError::io(path, e))
    }
}

/// Set the mtime without following a symlink.
fn set_time(path: &Path, mtime: u64) -> StoreResult<()> {
    use nix::sys::stat::{UtimensatFlags, utimensat};
    use nix::sys::time::TimeSpec;
    let ts = TimeSpec::new(mtime as i64, 0);
    utimensat(
        nix::fcntl::AT_FDCWD,
        path,
        &ts,
        &ts,
        UtimensatFlags::NoFollowSymlink,
    )
    .map_err(|e| StoreError::io(path, e.into()))
}

/// `.wh.NAME` becomes a 0:0 char device NAME; `.wh..wh..opq` marks its dir opaque.
fn write_kernel_whiteout(target: &Path) -> StoreResult<()> {
    let Some(file_name) = target.file_name().and_then(|n| n.to_str()) else {
        return Ok(());
    };
    let Some(dir) = target.parent() else {
        return Ok(());
    };
    if file_name == ".wh..wh..opq" {
        return set_opaque(dir);
    }
    let hidden = dir.join(&file_name[4..]);
    remove_existing(&hidden)?;
    use nix::sys::stat::{Mode, SFlag, mknod};
    mknod(&hidden, SFlag::S_IFCHR, Mode::empty(), 0).map_err(|e| StoreError::io(&hidden, e.into()))
}

fn set_opaque(dir: &Path) -> StoreResult<()> {
    use std::os::unix::ffi::OsStrExt;
    let c_path = std::ffi::CString::new(dir.as_os_str().as_bytes())
        .map_err(|_| StoreError::hostile(&dir.to_string_lossy(), "NUL in path"))?;
    let rc = unsafe {
        // SAFETY: both strings are NUL-terminated and outlive the call.
        libc::lsetxattr(
            c_path.as_ptr(),
            c"trusted.overlay.opaque".as_ptr(),
            b"y".as_ptr().cast(),
            1,
            0,
        )
    };
    if rc != 0 {
        return Err(StoreError::io(dir, io::Error::last_os_error()));
    }
    Ok(())
}
