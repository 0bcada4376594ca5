//! Image configs in imagedb/, content-addressed: id = sha256 of the stored bytes.
use std::collections::BTreeSet;
use std::fs;
use std::path::PathBuf;

use super::ids::{chain_id, digest};
use super::{Store, StoreError, StoreResult};
use crate::image::config::ImageConfig;
use crate::util::testpoint::pause_point;

fn hex_of(id: &str) -> &str {
    id.strip_prefix("sha256:").unwrap_or(id)
}

impl Store {
    fn config_path(&self, id: &str) -> PathBuf {
        self.imagedb().join("content/sha256").join(hex_of(id))
    }

    fn metadata_dir(&self, id: &str) -> PathBuf {
        self.imagedb().join("metadata/sha256").join(hex_of(id))
    }

    /// Store a config blob as is; returns its id "sha256:<hex>". Written once.
    pub fn put_image_config(&self, bytes: &[u8]) -> StoreResult<String> {
        let id = digest(bytes);
        let path = self.config_path(&id);
        if !path.exists() {
            self.write_atomic(&path, bytes)?;
        }
        Ok(id)
    }

    pub fn image_config_bytes(&self, id: &str) -> StoreResult<Vec<u8>> {
        let path = self.config_path(id);
        match self.read_record(&path) {
            Ok(bytes) => Ok(bytes.as_ref().clone()),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StoreError::NoSuchImage(id.to_string()))
            }
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }

    pub fn image_config(&self, id: &str) -> StoreResult<ImageConfig> {
        let bytes = self.image_config_bytes(id)?;
        ImageConfig::from_bytes(&bytes).map_err(|e| StoreError::BadConfig {
            id: id.to_string(),
            reason: e.to_string(),
        })
    }

    /// Every image id ("sha256:<hex>"), sorted.
    pub fn list_image_ids(&self) -> StoreResult<Vec<String>> {
        let dir = self.imagedb().join("content/sha256");
        let entries = fs::read_dir(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let mut ids: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(|n| format!("sha256:{n}")))
            .filter(|id| id.len() == 71)
            .collect();
        ids.sort();
        Ok(ids)
    }

    /// Record that `id` was committed from `parent` (metadata/sha256/<id>/parent).
    pub fn set_image_parent(&self, id: &str, parent: &str) -> StoreResult<()> {
        let dir = self.metadata_dir(id);
        fs::create_dir_all(&dir).map_err(|e| StoreError::io(&dir, e))?;
        self.write_atomic(&dir.join("parent"), parent.as_bytes())
    }

    pub fn image_parent(&self, id: &str) -> Option<String> {
        fs::read_to_string(self.metadata_dir(id).join("parent"))
            .ok()
            .map(|s| s.trim().to_string())
    }

    /// The chain ids of an image's layers, base first (without reading layerdb).
    pub fn image_chain_ids(&self, config: &ImageConfig) -> Vec<String> {
        let mut parent: Option<String> = None;
        config
            .diff_ids()
            .iter()
            .map(|d| {
                let c = chain_id(parent.as_deref(), d);
                parent = Some(c.clone());
                c
            })
            .collect()
    }

    /// Delete an image config and release the layers no other image and no container
    /// (`layers_in_use`: chain ids under containers' rw layers) still needs. Tags are the
    /// caller's business. Returns the chain ids of the deleted layers, top first.
    pub fn delete_image(&self, id: &str, layers_in_use: &[String]) -> StoreResult<Vec<String>> {
        let config = self.image_config(id)?;
        let mut kept: BTreeSet<String> = layers_in_use.iter().cloned().collect();
        for other in self.list_image_ids()? {
            if hex_of(&other) == hex_of(id) {
                continue;
            }
            if let Ok(c) = self.image_config(&other) {
                kept.extend(self.image_chain_ids(&c));
            }
        }
        let path = self.config_path(id);
        self.forget_record(&path);
        fs::remove_file(&path).map_err(|e| StoreError::io(&path, e))?;
        pause_point("rmi:after-config");
        let _ = fs::remove_dir_all(self.metadata_dir(id));
        let mut removed = Vec::new();
        for chain in self.image_chain_ids(&config).iter().rev() {
            if kept.contains(chain) {
                break; // everything below is needed by this layer's other users
            }
            if self.layer(chain).is_ok() {
                self.remove_layer(chain)?;
                pause_point("rmi:after-layer");
                removed.push(chain.clone());
            }
        }
        Ok(removed)
    }
}
