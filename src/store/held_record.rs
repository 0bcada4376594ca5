//! A small record read and rewritten on every command (engine.json), kept open between
//! commands: a stat and one read to load it, one write to save it, instead of an open, a
//! stat, reads and a close each time. Rewritten in place as `overwrite_record` does.
use std::fs::{self, File, OpenOptions};
use std::os::unix::fs::{FileExt, MetadataExt};
use std::path::{Path, PathBuf};

use super::atomic::{PAD_LIMIT, overwrite_record, padded};
use super::{StoreError, StoreResult};

#[derive(Debug)]
pub struct HeldRecord {
    path: PathBuf,
    open: Option<Held>,
}

#[derive(Debug)]
struct Held {
    file: File,
    ino: u64,
    /// The file's length when last read or written.
    len: usize,
}

impl HeldRecord {
    pub fn new(path: &Path) -> HeldRecord {
        HeldRecord {
            path: path.to_path_buf(),
            open: None,
        }
    }

    /// The record's bytes; None when there is no such file. The caller holds the root's
    /// lock, so the file cannot change between the stat and the read. The file open since
    /// the last command is used when it is still the one at the path (the same inode: one
    /// replaced by a rename cannot have our open one's number while we hold it open).
    pub fn read(&mut self) -> StoreResult<Option<Vec<u8>>> {
        let io = |e| StoreError::io(&self.path, e);
        let meta = match fs::metadata(&self.path) {
            Ok(m) => m,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                self.open = None;
                return Ok(None);
            }
            Err(e) => return Err(io(e)),
        };
        let held = match self.open.take() {
            Some(h) if h.ino == meta.ino() => h,
            _ => {
                let file = OpenOptions::new()
                    .read(true)
                    .write(true)
                    .open(&self.path)
                    .map_err(io)?;
                let ino = file.metadata().map_err(io)?.ino();
                Held { file, ino, len: 0 }
            }
        };
        let len = usize::try_from(meta.len()).unwrap_or(usize::MAX);
        let mut bytes = Vec::new();
        bytes
            .try_reserve_exact(len)
            .map_err(|e| io(std::io::Error::other(e)))?;
        let mut chunk = [0u8; 8192];
        loop {
            let n = held
                .file
                .read_at(&mut chunk, bytes.len() as u64)
                .map_err(io)?;
            if n == 0 {
                break;
            }
            bytes.extend_from_slice(&chunk[..n]);
            if bytes.len() >= len {
                break;
            }
        }
        self.open = Some(Held {
            len: bytes.len(),
            ..held
        });
        Ok(Some(bytes))
    }

    /// Rewrites the record in place, padded to its old length (see `overwrite_record`);
    /// a record much shorter than the file, or one never read, goes through
    /// `overwrite_record` itself.
    pub fn write(&mut self, bytes: &[u8]) -> StoreResult<()> {
        match self.open.as_mut() {
            Some(h) if h.len <= bytes.len().saturating_add(PAD_LIMIT) => {
                let data = padded(bytes, h.len);
                h.file
                    .write_all_at(&data, 0)
                    .map_err(|e| StoreError::io(&self.path, e))?;
                h.len = data.len();
                Ok(())
            }
            _ => {
                // A new file, or a replaced one: the next read opens it.
                self.open = None;
                overwrite_record(&self.path, bytes)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Read, rewritten shorter (padded), replaced behind its back by a rename (as another
    /// process's shrinking write does), removed: every read sees what is at the path.
    #[test]
    fn a_held_record_always_reads_what_is_at_the_path() {
        let dir = tempfile::tempdir().expect("tmp");
        let path = dir.path().join("engine.json");
        let mut r = HeldRecord::new(&path);
        assert_eq!(r.read().expect("read"), None);
        r.write(br#"{"generation":100}"#).expect("created");
        assert_eq!(
            r.read().expect("read").as_deref(),
            Some(&br#"{"generation":100}"#[..])
        );
        r.write(br#"{"g":1}"#).expect("shorter");
        let bytes = r.read().expect("read").expect("there");
        assert!(
            bytes.starts_with(br#"{"g":1}"#) && bytes.ends_with(b" "),
            "{bytes:?}"
        );
        let tmp = dir.path().join("other");
        fs::write(&tmp, br#"{"g":2}"#).expect("written");
        fs::rename(&tmp, &path).expect("replaced");
        assert_eq!(r.read().expect("read").as_deref(), Some(&br#"{"g":2}"#[..]));
        r.write(br#"{"g":3}"#).expect("in the new file");
        assert_eq!(fs::read(&path).expect("read"), br#"{"g":3}"#);
        fs::remove_file(&path).expect("removed");
        assert_eq!(r.read().expect("read"), None);
    }
}
