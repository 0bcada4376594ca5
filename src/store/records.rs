//! Small records read again and again within one process: repositories.json, which most
//! commands read once per image they name, image configs (content-addressed, so the bytes
//! for an id never change; only whether the image is still there does), and a container's
//! layer registration (mount-id, lower: written once at create, removed with it).
//!
//! Kept until this process changes or removes the file (`write_atomic_as`, `remove_image`,
//! `remove_rw_layer`, `recover`) or the engine sees another process's change (a new
//! generation in engine.json, see `Engine::begin`): every process changes the store only
//! under the root's lock, and bumps the generation when it does. The engine's container
//! records rely on the same rule.
use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::rc::Rc;

use super::Store;

#[derive(Debug, Default)]
pub(super) struct RecordCache {
    files: HashMap<PathBuf, Rc<Vec<u8>>>,
    /// Containers' rootfs plans (their mount-id and lower records, their lower links
    /// resolved), by container id: forgotten with those records.
    pub(super) plans: HashMap<String, crate::backend::RootfsPlan>,
}

impl Store {
    /// The bytes of `path`, read from disk the first time.
    pub(super) fn read_record(&self, path: &Path) -> std::io::Result<Rc<Vec<u8>>> {
        if let Some(bytes) = self.records.borrow().files.get(path) {
            return Ok(bytes.clone());
        }
        let bytes = Rc::new(std::fs::read(path)?);
        self.records
            .borrow_mut()
            .files
            .insert(path.to_path_buf(), bytes.clone());
        Ok(bytes)
    }

    /// `read_record` of a small text file (an id, a list of links).
    pub(super) fn read_record_text(&self, path: &Path) -> std::io::Result<String> {
        self.read_record(path)
            .map(|b| String::from_utf8_lossy(&b).into_owned())
    }

    /// This process changed or removed `path`.
    pub(super) fn forget_record(&self, path: &Path) {
        self.records.borrow_mut().files.remove(path);
    }

    /// This process removed `dir` and all it held.
    pub(super) fn forget_records_under(&self, dir: &Path) {
        self.records
            .borrow_mut()
            .files
            .retain(|path, _| !path.starts_with(dir));
    }

    /// Another process may have changed anything: read every record afresh.
    pub fn forget_records(&self) {
        let mut records = self.records.borrow_mut();
        records.files.clear();
        records.plans.clear();
    }
}
