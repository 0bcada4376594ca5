//! What a process killed in the middle of commit, load, import or rmi leaves behind, and
//! clearing it. Each such command holds a transaction marker (tmp/txn-*) while it changes
//! the store, and every store write goes through tmp/ first; so a root whose tmp/ is empty
//! at the start of a process is clean, and one whose tmp/ is not had a process die in it.
//! Then, under the root's lock (no other process is in a command), `recover` empties tmp/,
//! releases the layers no image and no container needs (a load or commit cut short after
//! registering them), removes layer dirs nobody registered (an import or a removal cut in
//! the middle) and short links to nothing, and hands back the rmi transactions that did
//! not finish, for the engine to roll forward.
use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use super::layers::remove_tree;
use super::{Store, StoreError, StoreResult};

const TXN_PREFIX: &str = "txn-";

/// A command changing the store; dropping it ends the transaction.
pub struct Txn {
    path: PathBuf,
}

impl Drop for Txn {
    fn drop(&mut self) {
        let _ = fs::remove_file(&self.path);
    }
}

/// What `recover` found and did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Recovered {
    /// The transactions that did not end: one line each ("rmi sha256:…", "load", …).
    pub unfinished: Vec<String>,
    pub tmp_entries: usize,
    pub released_layers: Vec<String>,
    pub orphan_dirs: usize,
    pub dangling_links: usize,
    /// imagedb/metadata/sha256/<id> dirs of images whose config never got written (a
    /// commit records the parent link first).
    pub stray_metadata: usize,
}

impl Store {
    /// Marks the start of a store-changing command; `what` says which ("rmi <id>").
    pub fn begin_txn(&self, what: &str) -> StoreResult<Txn> {
        let path = self
            .tmp_dir()
            .join(format!("{TXN_PREFIX}{}", self.random_hex(8)));
        fs::write(&path, what).map_err(|e| StoreError::io(&path, e))?;
        Ok(Txn { path })
    }

    /// Clears what a killed process left (see the module doc). Call with the root locked
    /// and no transaction of this process open. A clean root costs one read_dir.
    pub fn recover(&self) -> StoreResult<Recovered> {
        let tmp = self.tmp_dir();
        let entries: Vec<_> = fs::read_dir(&tmp)
            .map_err(|e| StoreError::io(&tmp, e))?
            .flatten()
            .collect();
        let mut done = Recovered::default();
        if entries.is_empty() {
            return Ok(done);
        }
        // What is cleared below may have been read already (see store/records.rs).
        self.forget_records();
        for entry in &entries {
            let name = entry.file_name().to_string_lossy().into_owned();
            if name.starts_with(TXN_PREFIX)
                && let Ok(what) = fs::read_to_string(entry.path())
            {
                done.unfinished.push(what.trim().to_string());
            }
        }
        for entry in entries {
            remove_tree(&entry.path()).or_else(|_| {
                fs::remove_file(entry.path()).map_err(|e| StoreError::io(entry.path(), e))
            })?;
            done.tmp_entries += 1;
        }
        done.released_layers = self.release_unused_layers()?;
        (done.orphan_dirs, done.dangling_links) = self.sweep_unregistered_counted()?;
        done.stray_metadata = self.remove_stray_metadata()?;
        Ok(done)
    }

    /// Removes layer dirs nobody registers and the short links left pointing at nothing.
    pub(crate) fn sweep_unregistered(&self) -> StoreResult<()> {
        self.sweep_unregistered_counted().map(|_| ())
    }

    fn sweep_unregistered_counted(&self) -> StoreResult<(usize, usize)> {
        Ok((
            self.remove_orphan_layer_dirs()?,
            self.remove_dangling_links()?,
        ))
    }

    /// Registered layers that no image config and no container sits on, top first.
    /// Nothing is released when a config cannot be read: better a leak than a lost layer.
    fn release_unused_layers(&self) -> StoreResult<Vec<String>> {
        let mut needed: BTreeSet<String> = self.layers_used_by_containers().into_iter().collect();
        for id in self.list_image_ids()? {
            let Ok(config) = self.image_config(&id) else {
                return Ok(Vec::new());
            };
            needed.extend(self.image_chain_ids(&config));
        }
        let mut released = Vec::new();
        // A child is never needed when its parent is not, so remove children first: a
        // layer is removable once no remaining layer names it as parent.
        let mut unused: Vec<String> = self
            .list_layers()?
            .into_iter()
            .filter(|c| !needed.contains(c))
            .collect();
        while !unused.is_empty() {
            let parents: BTreeSet<String> = unused
                .iter()
                .filter_map(|c| self.layer(c).ok().and_then(|l| l.parent))
                .collect();
            let (leaves, rest): (Vec<_>, Vec<_>) =
                unused.into_iter().partition(|c| !parents.contains(c));
            if leaves.is_empty() {
                break;
            }
            for chain in leaves {
                self.remove_layer(&chain)?;
                released.push(chain);
            }
            unused = rest;
        }
        Ok(released)
    }

    /// overlay2/<id> dirs that neither layerdb nor a container's mounts entry names.
    fn remove_orphan_layer_dirs(&self) -> StoreResult<usize> {
        let mut known: BTreeSet<String> = BTreeSet::new();
        for chain in self.list_layers()? {
            if let Ok(l) = self.layer(&chain) {
                known.insert(l.cache_id);
            }
        }
        let mounts = self.layerdb_mounts();
        if let Ok(entries) = fs::read_dir(&mounts) {
            for e in entries.flatten() {
                for file in ["mount-id", "init-id"] {
                    if let Ok(id) = fs::read_to_string(e.path().join(file)) {
                        known.insert(id.trim().to_string());
                    }
                }
            }
        }
        let overlay = self.overlay_root();
        let mut removed = 0;
        for e in fs::read_dir(&overlay)
            .map_err(|e| StoreError::io(&overlay, e))?
            .flatten()
        {
            let name = e.file_name().to_string_lossy().into_owned();
            if name != "l" && !known.contains(&name) {
                remove_tree(&e.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    fn remove_stray_metadata(&self) -> StoreResult<usize> {
        let dir = self.imagedb().join("metadata/sha256");
        let content = self.imagedb().join("content/sha256");
        let mut removed = 0;
        for e in fs::read_dir(&dir)
            .map_err(|e| StoreError::io(&dir, e))?
            .flatten()
        {
            if !content.join(e.file_name()).exists() {
                remove_tree(&e.path())?;
                removed += 1;
            }
        }
        Ok(removed)
    }

    /// overlay2/l/<short> links whose layer dir is gone.
    fn remove_dangling_links(&self) -> StoreResult<usize> {
        let dir = self.overlay_root().join("l");
        let mut removed = 0;
        for e in fs::read_dir(&dir)
            .map_err(|e| StoreError::io(&dir, e))?
            .flatten()
        {
            if !e.path().exists() {
                fs::remove_file(e.path()).map_err(|err| StoreError::io(e.path(), err))?;
                removed += 1;
            }
        }
        Ok(removed)
    }
}
