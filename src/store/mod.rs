//! The content-addressed image and layer store, in Docker's overlay2 on-disk layout
//! (design.md §4). `--root` plays the part of /var/lib/docker.
//!
//! Concurrency: callers take `Store::lock()` around every command that changes the root;
//! the methods themselves do not lock (the engine decides the span of a transaction).
mod atomic;
mod error;
mod extract;
mod held_record;
mod ids;
mod images;
mod layers;
mod records;
mod recover;
mod remove;
mod rwlayer;
pub mod spread;
mod tags;
mod tarsplit;

use std::cell::RefCell;
use std::fs;
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

pub use crate::backend::BackendKind;
pub use atomic::{
    Durability, StoreLock, dir_size, is_lost_record, overwrite_record, sibling_tmp, syncs_so_far,
    write_file_atomic, write_file_atomic_as,
};
pub use error::StoreError;
pub use held_record::HeldRecord;
pub use ids::{chain_id, short_link_from_bytes};
pub use layers::{LayerInfo, is_layer_dir};
pub use recover::{Recovered, Txn};
pub(crate) use remove::remove_dir_forcing;
pub use rwlayer::InitFiles;
pub use tarsplit::LayerTarReader;

pub type StoreResult<T> = Result<T, StoreError>;

/// The marker naming the backend a root was made for.
const MARKER: &str = "dockerlings.json";

#[derive(Debug, Serialize, Deserialize)]
struct Marker {
    backend: BackendKind,
}

/// An opened root directory.
#[derive(Debug)]
pub struct Store {
    root: PathBuf,
    backend: BackendKind,
    is_new: bool,
    ids: RefCell<ids::IdSource>,
    /// Records read before (see `records`).
    records: RefCell<records::RecordCache>,
    /// root/lock, open (see `Store::lock`).
    lock_file: RefCell<Option<std::rc::Rc<fs::File>>>,
    /// The root's filesystem keeps what is synced (not tmpfs): see `Store::sync_file`.
    durable_medium: bool,
}

impl Store {
    /// Open `root`, creating Docker's layout in it when missing. A root made for the other
    /// backend is refused: its upper dirs hold whiteouts in the other backend's form.
    pub fn open(root: &Path, backend: BackendKind) -> StoreResult<Store> {
        fs::create_dir_all(root).map_err(|e| StoreError::io(root, e))?;
        let root = fs::canonicalize(root).map_err(|e| StoreError::io(root, e))?;
        let marker_path = root.join(MARKER);
        let is_new = !marker_path.exists();
        if !is_new {
            let bytes = fs::read(&marker_path).map_err(|e| StoreError::io(&marker_path, e))?;
            let marker: Marker =
                serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
                    path: marker_path.clone(),
                    reason: e.to_string(),
                })?;
            if marker.backend != backend {
                return Err(StoreError::WrongBackend {
                    root: root.clone(),
                    made_by: marker.backend,
                });
            }
        }
        let durable_medium = atomic::medium_is_durable(&root);
        let store = Store {
            root,
            backend,
            is_new,
            ids: RefCell::new(ids::IdSource::Random),
            records: RefCell::default(),
            lock_file: RefCell::default(),
            durable_medium,
        };
        store.create_layout()?;
        if is_new {
            let marker = serde_json::to_vec_pretty(&Marker { backend }).map_err(|e| {
                StoreError::Corrupt {
                    path: marker_path.clone(),
                    reason: e.to_string(),
                }
            })?;
            store.write_atomic(&marker_path, &marker)?;
        }
        Ok(store)
    }

    fn create_layout(&self) -> StoreResult<()> {
        // tmp/ gets the flag last: once it has it, a start-up asks one ioctl, not six. A
        // filesystem without the flag (tmpfs) is asked once too. A new root has no tmp/
        // yet: its own dir tells.
        let spread = match spread::topdir_flag(&self.tmp_dir()) {
            Some(set) => !set,
            None => !self.tmp_dir().exists() && spread::topdir_flag(&self.root).is_some(),
        };
        // Before the layout exists, so that its own dirs are spread too (spread.rs). A
        // filesystem that refuses the flag (tmpfs reads inode flags but has not this one)
        // is not asked again for the other dirs.
        let spread = spread && spread::spread_subdirs(&self.root);
        for dir in [
            self.overlay_root().join("l"),
            self.imagedb().join("content/sha256"),
            self.imagedb().join("metadata/sha256"),
            self.layerdb(),
            self.layerdb_mounts(),
            self.root.join("containers"),
            self.tmp_dir(),
        ] {
            // One stat for a dir that is there (every start-up but the first).
            if !dir.is_dir() {
                fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
            }
        }
        let churning = [
            self.overlay_root(),
            self.layerdb(),
            self.layerdb_mounts(),
            self.root.join("containers"),
            self.tmp_dir(),
        ];
        for churn in churning.iter().filter(|_| spread) {
            spread::spread_subdirs(churn);
        }
        let repos = self.repositories_path();
        if !repos.exists() {
            self.write_atomic(&repos, br#"{"Repositories":{}}"#)?;
        }
        Ok(())
    }

    pub fn root(&self) -> &Path {
        &self.root
    }

    pub fn backend(&self) -> BackendKind {
        self.backend
    }

    /// True when this `open` created the root (the engine then installs the base images).
    pub fn is_new(&self) -> bool {
        self.is_new
    }

    /// With a seed, cache ids, short links and rw-layer ids are derived from it (for
    /// `--deterministic`); without one they are random, as Docker's are.
    pub fn set_deterministic_seed(&self, seed: Option<String>) {
        *self.ids.borrow_mut() = match seed {
            Some(seed) => ids::IdSource::Seeded(seed),
            None => ids::IdSource::Random,
        };
    }

    pub fn overlay_root(&self) -> PathBuf {
        self.root.join("overlay2")
    }

    pub fn containers_dir(&self) -> PathBuf {
        self.root.join("containers")
    }

    pub fn tmp_dir(&self) -> PathBuf {
        self.root.join("tmp")
    }

    fn imagedb(&self) -> PathBuf {
        self.root.join("image/overlay2/imagedb")
    }

    fn layerdb(&self) -> PathBuf {
        self.root.join("image/overlay2/layerdb/sha256")
    }

    fn layerdb_mounts(&self) -> PathBuf {
        self.root.join("image/overlay2/layerdb/mounts")
    }

    fn repositories_path(&self) -> PathBuf {
        self.root.join("image/overlay2/repositories.json")
    }
}

#[cfg(test)]
mod tests;
