//! Image layers: import from a tar, look up, reproduce the tar, release.
use std::collections::HashMap;
use std::fs::{self, File};
use std::io::{BufWriter, Read};
use std::path::PathBuf;
use std::sync::{Mutex, OnceLock};

use super::extract::extract_layer;
use super::ids::chain_id;
use super::tarsplit::{LayerTarReader, Recorder, parse_records};
use super::{Store, StoreError, StoreResult};
use crate::image::config::ImageConfig;
use crate::util::testpoint::pause_point;

const TAR_SPLIT: &str = "tar-split.json";

/// A registered layer, as layerdb/sha256/<chain-id>/ describes it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LayerInfo {
    pub chain_id: String,
    pub diff_id: String,
    /// Bytes of regular-file content in the layer.
    pub size: u64,
    pub cache_id: String,
    pub parent: Option<String>,
}

/// A layer's own dir, relative to the root: `overlay2/<cache-id>` (an image layer's or a
/// container's) or `image/overlay2/layerdb/sha256/<chain-id>`.
pub fn is_layer_dir(rel: &std::path::Path) -> bool {
    let parts: Vec<_> = rel.iter().filter_map(|p| p.to_str()).collect();
    matches!(parts.as_slice(), ["overlay2", id] if *id != "l")
        || matches!(
            parts.as_slice(),
            ["image", "overlay2", "layerdb", "sha256", _]
        )
}

/// A directory's identity: device, inode, change time.
pub(crate) type DirStamp = (u64, u64, i64, i64);

fn dir_stamp(dir: &std::path::Path) -> Option<DirStamp> {
    use std::os::unix::fs::MetadataExt;
    let m = fs::metadata(dir).ok()?;
    m.is_dir()
        .then(|| (m.dev(), m.ino(), m.ctime(), m.ctime_nsec()))
}

fn hex_of(id: &str) -> &str {
    id.strip_prefix("sha256:").unwrap_or(id)
}

impl Store {
    fn layerdb_dir(&self, chain_id: &str) -> PathBuf {
        self.layerdb().join(hex_of(chain_id))
    }

    /// Import a layer tar on top of `parent_chain`, streaming it. Extracts into tmp/, then
    /// renames the layer dir into overlay2/ and registers it in layerdb/ last, so a crash
    /// leaves nothing half-registered. An already registered chain is returned as is.
    pub fn import_layer(
        &self,
        parent_chain: Option<&str>,
        tar: impl Read,
    ) -> StoreResult<LayerInfo> {
        let parent = match parent_chain {
            Some(p) => Some(self.layer(p)?),
            None => None,
        };
        let scratch = self.scratch_dir()?;
        let layer_dir = scratch.path().join("layer");
        let db_dir = scratch.path().join("db");
        let diff = layer_dir.join("diff");
        for dir in [&diff, &layer_dir.join("work"), &db_dir] {
            fs::create_dir_all(dir).map_err(|e| StoreError::io(dir, e))?;
        }
        let split_path = db_dir.join(TAR_SPLIT);
        let split_file = File::create(&split_path).map_err(|e| StoreError::io(&split_path, e))?;
        let mut recorder = Recorder::new(BufWriter::new(split_file));
        // Headers are read 512 bytes at a time: buffer the stream (a no-op cost when the
        // caller's reader is buffered already).
        let tar = std::io::BufReader::with_capacity(1 << 20, tar);
        let extracted = extract_layer(tar, &diff, &mut recorder, self.backend)?;
        let split_file = recorder
            .finish()
            .and_then(|w| w.into_inner().map_err(|e| e.into_error()))
            .map_err(|e| StoreError::io(&split_path, e))?;
        let chain = chain_id(parent_chain, &extracted.diff_id);
        if let Ok(existing) = self.layer(&chain) {
            return Ok(existing);
        }
        self.sync_file(&split_file, &split_path)?;
        let cache_id = self.new_cache_id(&chain);
        let link = self.new_short_link(&cache_id);
        write_file(&layer_dir.join("link"), link.as_bytes())?;
        write_file(&layer_dir.join("committed"), b"")?;
        if let Some(parent) = &parent {
            let lower = self.lower_for_child(&parent.cache_id)?;
            write_file(&layer_dir.join("lower"), lower.as_bytes())?;
        }
        write_file(&db_dir.join("diff"), extracted.diff_id.as_bytes())?;
        write_file(&db_dir.join("size"), extracted.size.to_string().as_bytes())?;
        write_file(&db_dir.join("cache-id"), cache_id.as_bytes())?;
        if let Some(p) = parent_chain {
            write_file(&db_dir.join("parent"), p.as_bytes())?;
        }
        let overlay_dir = self.overlay_root().join(&cache_id);
        fs::rename(&layer_dir, &overlay_dir).map_err(|e| StoreError::io(&overlay_dir, e))?;
        self.add_short_link(&link, &cache_id)?;
        pause_point("store:layer-before-register");
        // The commit point: from here on the layer exists.
        let registered = self.layerdb_dir(&chain);
        fs::rename(&db_dir, &registered).map_err(|e| StoreError::io(&registered, e))?;
        self.sync_parent(&registered)?;
        drop(scratch);
        Ok(LayerInfo {
            chain_id: chain,
            diff_id: extracted.diff_id,
            size: extracted.size,
            cache_id,
            parent: parent_chain.map(str::to_string),
        })
    }

    /// Import a layer tar held in a file, on top of `parent_chain`. The file is hashed
    /// first: a tar whose diffID is registered already on that parent is not extracted
    /// again only to be thrown away (Docker does extract it; the result is the same
    /// layer). Identical bytes extracted before, so they are a valid layer; a file that
    /// is not is found out by the extraction, as with `import_layer`.
    pub fn import_layer_file(
        &self,
        parent_chain: Option<&str>,
        mut file: File,
        path: &std::path::Path,
    ) -> StoreResult<LayerInfo> {
        use std::io::{Seek, SeekFrom};
        let diff_id =
            crate::util::digest::stream_digest(&mut file).map_err(|e| StoreError::io(path, e))?;
        if let Ok(existing) = self.layer(&chain_id(parent_chain, &diff_id)) {
            return Ok(existing);
        }
        file.seek(SeekFrom::Start(0))
            .map_err(|e| StoreError::io(path, e))?;
        self.import_layer(parent_chain, file)
    }

    /// The registered layer with this chain id. A layerdb dir is complete when it appears
    /// (renamed into place) and never changed after: its record is read once and kept for
    /// as long as the dir is the same one (device, inode, change time: one stat instead of
    /// five reads; a layer removed and registered again is another dir). Kept for the
    /// process, not per root: the scratch roots of a replay share the template's layer
    /// dirs (cli::template_clone), so each is read once, not once per transcript.
    pub fn layer(&self, chain_id: &str) -> StoreResult<LayerInfo> {
        type Seen = HashMap<(DirStamp, String), LayerInfo>;
        static SEEN: OnceLock<Mutex<Seen>> = OnceLock::new();
        let dir = self.layerdb_dir(chain_id);
        let Some(stamp) = dir_stamp(&dir) else {
            return Err(StoreError::NoSuchLayer(chain_id.to_string()));
        };
        let seen = SEEN.get_or_init(Mutex::default);
        let key = (stamp, hex_of(chain_id).to_string());
        if let Some(info) = seen.lock().unwrap_or_else(|p| p.into_inner()).get(&key) {
            return Ok(info.clone());
        }
        let info = self.read_layer(chain_id, &dir)?;
        seen.lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(key, info.clone());
        Ok(info)
    }

    fn read_layer(&self, chain_id: &str, dir: &std::path::Path) -> StoreResult<LayerInfo> {
        if !dir.join("cache-id").exists() {
            return Err(StoreError::NoSuchLayer(chain_id.to_string()));
        }
        let read = |name: &str| -> StoreResult<String> {
            let path = dir.join(name);
            fs::read_to_string(&path)
                .map(|s| s.trim().to_string())
                .map_err(|e| StoreError::io(&path, e))
        };
        let size_text = read("size")?;
        let size = size_text.parse().map_err(|_| StoreError::Corrupt {
            path: dir.join("size"),
            reason: format!("not a number: {size_text:?}"),
        })?;
        Ok(LayerInfo {
            chain_id: format!("sha256:{}", hex_of(chain_id)),
            diff_id: read("diff")?,
            size,
            cache_id: read("cache-id")?,
            parent: read("parent").ok(),
        })
    }

    /// Every registered layer's chain id.
    pub fn list_layers(&self) -> StoreResult<Vec<String>> {
        let dir = self.layerdb();
        let entries = fs::read_dir(&dir).map_err(|e| StoreError::io(&dir, e))?;
        let mut ids: Vec<String> = entries
            .flatten()
            .filter_map(|e| e.file_name().to_str().map(|n| format!("sha256:{n}")))
            .collect();
        ids.sort();
        Ok(ids)
    }

    pub fn layer_dir(&self, layer: &LayerInfo) -> PathBuf {
        self.overlay_root().join(&layer.cache_id)
    }

    pub fn layer_diff_dir(&self, layer: &LayerInfo) -> PathBuf {
        self.layer_dir(layer).join("diff")
    }

    /// The layer's short link name (overlay2/<cache-id>/link).
    pub fn layer_link(&self, cache_id: &str) -> StoreResult<String> {
        let path = self.overlay_root().join(cache_id).join("link");
        fs::read_to_string(&path)
            .map(|s| s.trim().to_string())
            .map_err(|e| StoreError::io(&path, e))
    }

    /// The `lower` file content for a layer sitting on the layer `parent_cache_id`.
    pub(crate) fn lower_for_child(&self, parent_cache_id: &str) -> StoreResult<String> {
        let link = self.layer_link(parent_cache_id)?;
        let lower_path = self.overlay_root().join(parent_cache_id).join("lower");
        Ok(match fs::read_to_string(&lower_path) {
            Ok(lower) if !lower.trim().is_empty() => format!("l/{link}:{}", lower.trim()),
            _ => format!("l/{link}"),
        })
    }

    pub(crate) fn add_short_link(&self, link: &str, cache_id: &str) -> StoreResult<()> {
        let path = self.overlay_root().join("l").join(link);
        let target = format!("../{cache_id}/diff");
        let _ = fs::remove_file(&path);
        std::os::unix::fs::symlink(&target, &path).map_err(|e| StoreError::io(&path, e))
    }

    /// The image's layers, base first.
    pub fn image_layers(&self, config: &ImageConfig) -> StoreResult<Vec<LayerInfo>> {
        let mut parent: Option<String> = None;
        let mut out = Vec::new();
        for diff_id in config.diff_ids() {
            let chain = chain_id(parent.as_deref(), diff_id);
            let layer = self.layer(&chain)?;
            parent = Some(layer.chain_id.clone());
            out.push(layer);
        }
        Ok(out)
    }

    /// The layer's tar, byte for byte as it was imported (its sha256 is the diffID).
    pub fn layer_tar(&self, chain_id: &str) -> StoreResult<LayerTarReader> {
        let layer = self.layer(chain_id)?;
        let path = self.layerdb_dir(chain_id).join(TAR_SPLIT);
        let text = fs::read_to_string(&path).map_err(|e| StoreError::io(&path, e))?;
        let records =
            parse_records(&text).map_err(|reason| StoreError::Corrupt { path, reason })?;
        Ok(LayerTarReader::new(self.layer_diff_dir(&layer), records))
    }

    /// Remove a layer: unregister first (so a crash leaves an orphan dir, not a dangling
    /// registration), then its dir and short link. The caller checks nobody uses it.
    pub(crate) fn remove_layer(&self, chain_id: &str) -> StoreResult<()> {
        let layer = self.layer(chain_id)?;
        let link = self.layer_link(&layer.cache_id).ok();
        let db = self.layerdb_dir(chain_id);
        let trash = self.tmp_dir().join(format!("rm-{}", self.random_hex(8)));
        fs::rename(&db, &trash).map_err(|e| StoreError::io(&db, e))?;
        pause_point("store:layer-unregistered");
        let _ = fs::remove_dir_all(&trash);
        if let Some(link) = link {
            let _ = fs::remove_file(self.overlay_root().join("l").join(link));
        }
        remove_tree(&self.layer_dir(&layer))
    }
}

pub(crate) fn remove_tree(path: &std::path::Path) -> StoreResult<()> {
    match super::remove::remove_dir_forcing(path) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(StoreError::io(path, e)),
    }
}

fn write_file(path: &std::path::Path, bytes: &[u8]) -> StoreResult<()> {
    fs::write(path, bytes).map_err(|e| StoreError::io(path, e))
}
