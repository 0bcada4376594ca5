//! Crash safety: writes go to tmp/ and are renamed into place; an flock on root/lock
//! serialises processes sharing a root.
use std::cell::Cell;
use std::fs::{self, File, OpenOptions};
use std::io::Write;
use std::os::fd::AsFd;
use std::path::{Path, PathBuf};

use std::os::fd::AsRawFd;
use std::rc::Rc;

use super::{Store, StoreError, StoreResult};

/// The exclusive lock on a root; released when dropped.
#[derive(Debug)]
pub struct StoreLock {
    file: Rc<File>,
}

impl Drop for StoreLock {
    fn drop(&mut self) {
        // SAFETY: flock on a descriptor this lock keeps open.
        unsafe { libc::flock(self.file.as_raw_fd(), libc::LOCK_UN) };
    }
}

impl Store {
    /// Block until this process holds the root exclusively. The lock file is opened once
    /// per store and kept open (every command takes the lock): an flock belongs to the
    /// open file, so another store on the same root, in this process or another, opens
    /// its own and waits as it should.
    pub fn lock(&self) -> StoreResult<StoreLock> {
        let path = self.root.join("lock");
        let file = match self.lock_file.borrow().clone() {
            Some(file) => file,
            None => Rc::new(
                OpenOptions::new()
                    .create(true)
                    .truncate(false)
                    .write(true)
                    .open(&path)
                    .map_err(|e| StoreError::io(&path, e))?,
            ),
        };
        *self.lock_file.borrow_mut() = Some(file.clone());
        loop {
            // SAFETY: flock on a descriptor `file` keeps open.
            if unsafe { libc::flock(file.as_raw_fd(), libc::LOCK_EX) } == 0 {
                return Ok(StoreLock { file });
            }
            let e = std::io::Error::last_os_error();
            if e.kind() != std::io::ErrorKind::Interrupted {
                return Err(StoreError::io(&path, e));
            }
        }
    }

    /// Replace `path` with `bytes` so that a crash leaves either the old or the new file:
    /// write into tmp/, fsync, rename, fsync the directory.
    pub fn write_atomic(&self, path: &Path, bytes: &[u8]) -> StoreResult<()> {
        self.write_atomic_as(path, bytes, Durability::Durable)
    }

    /// `write_atomic`, syncing only when `durability` asks for it.
    pub fn write_atomic_as(
        &self,
        path: &Path,
        bytes: &[u8],
        durability: Durability,
    ) -> StoreResult<()> {
        let tmp = self.tmp_dir().join(self.random_hex(8));
        self.forget_record(path);
        match durability {
            Durability::Durable if !self.durable_medium => {
                write_via(&tmp, path, bytes, Durability::Volatile)?;
                // Counted as synced: the file and its directory (see `sync_file`).
                count_syncs(2);
                Ok(())
            }
            _ => write_via(&tmp, path, bytes, durability),
        }
    }

    /// A fresh scratch directory under tmp/ (removed by the caller, or by `TmpDir`'s drop).
    pub(crate) fn scratch_dir(&self) -> StoreResult<TmpDir> {
        let path = self.tmp_dir().join(self.random_hex(16));
        fs::create_dir(&path).map_err(|e| StoreError::io(&path, e))?;
        Ok(TmpDir { path: Some(path) })
    }
}

/// What a write must survive. Every write is atomic (tmp + rename: a killed process leaves
/// the old file or the new one); a durable one is also fsynced, so that it survives a crash
/// of the machine. Volatile is for what is thrown away anyway: an `--rm` container's records
/// (Docker removes such containers after a crash too), a read-only command's clock tick.
/// After a machine crash a volatile file may be the old one, the new one, or empty; the
/// readers of each volatile record treat an empty one as lost (see `is_lost_record`).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Durability {
    Durable,
    Volatile,
}

impl Durability {
    pub fn for_auto_remove(auto_remove: bool) -> Durability {
        if auto_remove {
            Durability::Volatile
        } else {
            Durability::Durable
        }
    }
}

/// A record a machine crash emptied: an unsynced write whose data never reached the disk
/// reads back as no bytes, or as zeros.
pub fn is_lost_record(bytes: &[u8]) -> bool {
    bytes.iter().all(|b| *b == 0)
}

thread_local! {
    /// fsync calls made by this thread (tests check the durability policy with it).
    static SYNCS: Cell<u64> = const { Cell::new(0) };
}

pub fn syncs_so_far() -> u64 {
    SYNCS.with(Cell::get)
}

fn count_syncs(n: u64) {
    SYNCS.with(|s| s.set(s.get() + n));
}

fn fsync(file: &File, path: &Path) -> StoreResult<()> {
    count_syncs(1);
    nix::unistd::fsync(file.as_fd()).map_err(|e| StoreError::io(path, e.into()))
}

/// Flush a directory entry change (rename, create) to disk.
pub(crate) fn sync_parent(path: &Path) -> StoreResult<()> {
    let Some(dir) = path.parent() else {
        return Ok(());
    };
    let handle = File::open(dir).map_err(|e| StoreError::io(dir, e))?;
    fsync(&handle, dir)
}

/// Whether the filesystem at `root` keeps anything across a machine crash: tmpfs and ramfs
/// keep nothing, so an fsync there only costs system calls.
pub(super) fn medium_is_durable(root: &Path) -> bool {
    const TMPFS_MAGIC: i64 = 0x0102_1994;
    const RAMFS_MAGIC: i64 = 0x8584_58f6;
    match nix::sys::statfs::statfs(root) {
        Ok(st) => {
            // The field's type is the platform's word (i64 here, i32 on 32-bit targets).
            #[allow(clippy::unnecessary_cast)]
            let kind = st.filesystem_type().0 as i64;
            kind != TMPFS_MAGIC && kind != RAMFS_MAGIC
        }
        Err(_) => true,
    }
}

impl Store {
    /// `fsync`, where the root's filesystem keeps what is synced. Counted either way (the
    /// durability policy is the same on every filesystem; tests count it).
    pub(crate) fn sync_file(&self, file: &File, path: &Path) -> StoreResult<()> {
        if self.durable_medium {
            fsync(file, path)
        } else {
            count_syncs(1);
            Ok(())
        }
    }

    /// `sync_parent`, where the root's filesystem keeps what is synced (see `sync_file`).
    pub(crate) fn sync_parent(&self, path: &Path) -> StoreResult<()> {
        if self.durable_medium {
            sync_parent(path)
        } else {
            count_syncs(1);
            Ok(())
        }
    }
}

/// A scratch directory under tmp/, removed on drop (its results are renamed out first).
pub(crate) struct TmpDir {
    path: Option<PathBuf>,
}

impl TmpDir {
    /// Renames the scratch dir itself to `dest`, its work done: nothing is left to remove.
    pub fn rename_to(mut self, dest: &Path) -> StoreResult<()> {
        let Some(path) = self.path.take() else {
            return Ok(());
        };
        if let Err(e) = fs::rename(&path, dest) {
            self.path = Some(path);
            return Err(StoreError::io(dest, e));
        }
        Ok(())
    }

    pub fn path(&self) -> &Path {
        self.path.as_deref().unwrap_or(Path::new(""))
    }
}

impl Drop for TmpDir {
    fn drop(&mut self) {
        if let Some(path) = self.path.take() {
            // Mostly its results were renamed out and it is empty: one rmdir.
            if fs::remove_dir(&path).is_ok() {
                return;
            }
            let _ = super::remove::remove_dir_forcing(&path);
        }
    }
}

/// Rewrites a small record in place, unsynced, for a file that holds only what a crash
/// may take back and whose readers hold the root's lock (engine.json, a simulated
/// process's state). Unlike tmp + rename it makes and frees no inode, which on ext4
/// without a journal is what a write costs most (see store/spread.rs). The bytes go in
/// one write at offset 0, padded with spaces (JSON whitespace) to the old length, so
/// that no moment shows a shorter file or an old tail: a killed process leaves the old
/// record or the new one. A machine crash may leave anything, which readers take as lost.
pub fn overwrite_record(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    use std::os::unix::fs::FileExt;
    let io = |e| StoreError::io(path, e);
    let file = OpenOptions::new()
        .create(true)
        .truncate(false)
        .write(true)
        .open(path)
        .map_err(io)?;
    let old_len = usize::try_from(file.metadata().map_err(io)?.len()).unwrap_or(usize::MAX);
    if old_len > bytes.len().saturating_add(PAD_LIMIT) {
        // Past a page of padding, replace the file instead: smaller again, and atomic.
        drop(file);
        return write_file_atomic_as(path, bytes, Durability::Volatile);
    }
    file.write_all_at(&padded(bytes, old_len), 0).map_err(io)?;
    Ok(())
}

/// How much shorter than its file a record rewritten in place may be (the rest is spaces).
pub(crate) const PAD_LIMIT: usize = 4096;

/// `bytes`, followed by spaces up to `len` if shorter.
pub(crate) fn padded(bytes: &[u8], len: usize) -> Vec<u8> {
    let mut out = bytes.to_vec();
    out.resize(len.max(bytes.len()), b' ');
    out
}

/// Atomic replace for files outside a store's tmp/ (a transcript, a process record): the
/// temporary file sits beside the target, so the rename never crosses filesystems.
pub fn write_file_atomic(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    write_file_atomic_as(path, bytes, Durability::Durable)
}

/// `write_file_atomic`, syncing only when `durability` asks for it.
pub fn write_file_atomic_as(path: &Path, bytes: &[u8], durability: Durability) -> StoreResult<()> {
    write_via(&sibling_tmp(path, "tmp"), path, bytes, durability)
}

/// A temporary name beside `path` (`.NAME.KIND-PID-N`) that no other write uses: not
/// another process's (the pid), nor another thread's in this one (the counter), as when
/// `replay` runs two transcripts that write the same host file side by side.
pub fn sibling_tmp(path: &Path, kind: &str) -> PathBuf {
    static WRITES: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(0);
    let n = WRITES.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    path.with_file_name(format!(".{name}.{kind}-{}-{n}", std::process::id()))
}

/// Write `bytes` to `tmp`, rename over `path`; when durable, fsync the file before the
/// rename and the directory after it.
fn write_via(tmp: &Path, path: &Path, bytes: &[u8], durability: Durability) -> StoreResult<()> {
    let mut file = File::create(tmp).map_err(|e| StoreError::io(tmp, e))?;
    let written = file.write_all(bytes).map_err(|e| StoreError::io(tmp, e));
    let written = written.and_then(|_| match durability {
        Durability::Durable => fsync(&file, tmp),
        Durability::Volatile => Ok(()),
    });
    if let Err(e) = written {
        let _ = fs::remove_file(tmp);
        return Err(e);
    }
    if let Err(e) = fs::rename(tmp, path) {
        let _ = fs::remove_file(tmp);
        return Err(StoreError::io(path, e));
    }
    match durability {
        Durability::Durable => sync_parent(path),
        Durability::Volatile => Ok(()),
    }
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

#[cfg(test)]
mod tests {
    use super::*;
    use std::os::unix::fs::MetadataExt;

    /// tmpfs keeps nothing across a crash: a store there issues no fsync, but the durable
    /// writes it is asked for still count (the policy does not depend on the medium).
    #[test]
    fn a_store_on_tmpfs_counts_its_syncs_but_makes_none() {
        let shm = Path::new("/dev/shm");
        let on_tmpfs = fs::read_to_string("/proc/mounts")
            .unwrap_or_default()
            .lines()
            .any(|l| l.split_whitespace().nth(1) == Some("/dev/shm") && l.contains(" tmpfs "));
        if !on_tmpfs {
            return;
        }
        let dir = tempfile::tempdir_in(shm).expect("tmp");
        assert!(!medium_is_durable(dir.path()));
        assert!(medium_is_durable(Path::new("/proc")));
        let store = Store::open(dir.path(), crate::backend::BackendKind::Sim).expect("store");
        assert!(!store.durable_medium);
        let before = syncs_so_far();
        let target = dir.path().join("containers/x");
        store.write_atomic(&target, b"one").expect("write");
        assert_eq!(fs::read(&target).expect("read"), b"one");
        assert_eq!(syncs_so_far() - before, 2);
    }

    /// Two threads replacing one file at once each write through a temporary file of their
    /// own: every write succeeds and the file is always one of them whole, never a mix.
    #[test]
    fn writes_of_one_file_from_two_threads_never_mix() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("shared.tar");
        std::thread::scope(|s| {
            for byte in [b'a', b'b'] {
                let path = &path;
                s.spawn(move || {
                    let data = vec![byte; 256 * 1024];
                    for _ in 0..100 {
                        write_file_atomic_as(path, &data, Durability::Volatile).expect("write");
                        let now = fs::read(path).expect("read");
                        assert_eq!(now.len(), data.len());
                        assert!(now.iter().all(|b| *b == now[0]), "a mixed file");
                    }
                });
            }
        });
        assert_eq!(
            fs::read_dir(dir.path()).expect("dir").count(),
            1,
            "no leftovers"
        );
    }

    /// A shorter record is padded with spaces (still the same JSON), in the same inode; a
    /// record more than a page shorter replaces the file.
    #[test]
    fn a_record_is_rewritten_in_its_inode_padded_to_stay_whole() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("engine.json");
        overwrite_record(&path, br#"{"generation":12345,"clock":"long"}"#).expect("first");
        let ino = fs::metadata(&path).expect("meta").ino();
        overwrite_record(&path, br#"{"generation":7}"#).expect("shorter");
        let bytes = fs::read(&path).expect("read");
        assert_eq!(fs::metadata(&path).expect("meta").ino(), ino, "same inode");
        assert!(bytes.starts_with(br#"{"generation":7}"#) && bytes.ends_with(b" "));
        let v: serde_json::Value = serde_json::from_slice(&bytes).expect("whole JSON");
        assert_eq!(v["generation"], 7);
        overwrite_record(&path, &vec![b' '; 10_000]).expect("long");
        overwrite_record(&path, b"{}").expect("much shorter");
        assert_eq!(
            fs::read(&path).expect("read"),
            b"{}",
            "replaced, not padded"
        );
    }
}
