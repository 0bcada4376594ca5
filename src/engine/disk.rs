//! `show disk [PATH]`: the tour of /var/lib/docker on the user's own data — the root walked
//! for real, each part of Docker's layout annotated with what it is for.
use std::collections::BTreeMap;
use std::path::Path;

use super::Engine;
use super::error::{EngineError, EngineResult};
use super::ps::short_image_id;
use crate::image::changes::{is_kernel_whiteout, is_opaque_dir};
use crate::render::disk::{DiskEntry, DiskView, EntryKind};

/// How deep the walk goes below the path asked for, and how many entries a dir shows.
const MAX_DEPTH: usize = 4;
const MAX_CHILDREN: usize = 12;

impl Engine {
    /// What each overlay2 dir is: an image layer (and whose) or a container's layers.
    fn overlay_owners(&self) -> BTreeMap<String, String> {
        let mut owners = BTreeMap::new();
        for chain in self.store.list_layers().unwrap_or_default() {
            if let Ok(layer) = self.store.layer(&chain) {
                owners.insert(
                    layer.cache_id.clone(),
                    format!("image layer {} (diffID)", short_image_id(&layer.diff_id)),
                );
            }
        }
        for c in self.containers.values() {
            if let Ok(mount) = self.store.rw_layer_id(&c.id) {
                owners.insert(
                    format!("{mount}-init"),
                    format!("init layer of {}: hostname, hosts, resolv.conf", c.name),
                );
                owners.insert(mount, format!("container {}: its R/W layer", c.name));
            }
        }
        owners
    }

    fn note_for(&self, rel: &str, owners: &BTreeMap<String, String>) -> Option<String> {
        let parts: Vec<&str> = rel.split('/').collect();
        let note = match parts.as_slice() {
            ["overlay2"] => {
                "layer dirs of the overlay2 graph driver (images and containers)".to_string()
            }
            ["overlay2", "l"] => {
                "short links, so a mount's lowerdir= option fits one page".to_string()
            }
            ["overlay2", id] => owners.get(*id).cloned()?,
            ["overlay2", _, "diff"] => {
                "the layer's files (a container's: its upper dir)".to_string()
            }
            ["overlay2", _, "link"] => "this layer's short name under l/".to_string(),
            ["overlay2", _, "lower"] => "the layers below, uppermost first (l/A:l/B)".to_string(),
            ["overlay2", _, "work"] => {
                "overlayfs work dir (copy-up happens through it)".to_string()
            }
            ["overlay2", _, "merged"] => {
                "the union mount point: exists only while running".to_string()
            }
            ["image", "overlay2", "imagedb"] => "image configs, by image ID".to_string(),
            ["image", "overlay2", "imagedb", "content", "sha256", _] => {
                "an image config: its sha256 is the image ID".to_string()
            }
            ["image", "overlay2", "layerdb"] => "layers by chain ID".to_string(),
            ["image", "overlay2", "layerdb", "sha256", _] => {
                "a chain ID: this layer on top of its parents".to_string()
            }
            ["image", "overlay2", "layerdb", "sha256", _, "diff"] => {
                "diffID: sha256 of the layer tar".to_string()
            }
            ["image", "overlay2", "layerdb", "sha256", _, "cache-id"] => {
                "which overlay2/<dir> holds the files".to_string()
            }
            ["image", "overlay2", "layerdb", "mounts"] => {
                "containers' layers: mount-id, init-id, parent".to_string()
            }
            ["image", "overlay2", "repositories.json"] => "tags: name:tag → image ID".to_string(),
            ["containers"] => "one dir per container".to_string(),
            ["containers", id] => {
                format!(
                    "container {}",
                    self.containers.get(*id).map(|c| c.name.as_str())?
                )
            }
            ["containers", _, "config.v2.json"] => "the container's record and state".to_string(),
            ["containers", _, "hostconfig.json"] => {
                "its host settings (memory limit, --rm)".to_string()
            }
            ["containers", _, log] if log.ends_with("-json.log") => {
                "its output (docker logs)".to_string()
            }
            _ => return None,
        };
        Some(note)
    }

    pub fn disk_view(&self, sub: Option<&str>) -> EngineResult<DiskView> {
        let sub = sub.unwrap_or("").trim_matches('/');
        if sub.split('/').any(|p| p == "..") {
            return Err(EngineError::Usage(format!("{sub}: stays inside the root")));
        }
        let root = self.root();
        let base = if sub.is_empty() {
            root.to_path_buf()
        } else {
            root.join(sub)
        };
        if !base.exists() {
            return Err(EngineError::Usage(format!(
                "{}: no such path in the root",
                base.display()
            )));
        }
        let owners = self.overlay_owners();
        let mut entries = Vec::new();
        let walk = Walk {
            root,
            base: &base,
            overview: sub.is_empty(),
            owners: &owners,
        };
        self.walk(&walk, &base, 0, &mut entries);
        Ok(DiskView {
            root: base.display().to_string(),
            entries,
        })
    }

    fn walk(&self, w: &Walk<'_>, dir: &Path, depth: usize, out: &mut Vec<DiskEntry>) {
        let Ok(read) = std::fs::read_dir(dir) else {
            return;
        };
        let mut children: Vec<_> = read.flatten().collect();
        children.sort_by_key(|e| e.file_name());
        let total = children.len();
        for entry in children.into_iter().take(MAX_CHILDREN) {
            let path = entry.path();
            let in_root = path
                .strip_prefix(w.root)
                .unwrap_or(&path)
                .to_string_lossy()
                .to_string();
            let shown = path
                .strip_prefix(w.base)
                .unwrap_or(&path)
                .to_string_lossy()
                .to_string();
            let name = entry.file_name().to_string_lossy().to_string();
            // The overview leaves out the engine's own files.
            if w.overview
                && depth == 0
                && matches!(
                    name.as_str(),
                    "lock" | "tmp" | "engine.json" | "dockerlings.json"
                )
            {
                continue;
            }
            let Ok(mut meta) = std::fs::symlink_metadata(&path) else {
                continue;
            };
            // A scratch root shares the template's image layer dirs through symlinks
            // (cli::template_clone): drawn as the directories they stand for.
            if meta.file_type().is_symlink()
                && crate::store::is_layer_dir(Path::new(&in_root))
                && let Ok(followed) = std::fs::metadata(&path)
            {
                meta = followed;
            }
            let kind = if meta.file_type().is_symlink() {
                let target = std::fs::read_link(&path).map(|t| t.display().to_string());
                EntryKind::Symlink {
                    target: target.unwrap_or_default(),
                }
            } else if is_kernel_whiteout(&meta)
                || (name.starts_with(".wh.") && name != ".wh..wh..opq")
            {
                EntryKind::Whiteout
            } else if meta.is_dir() && is_opaque_dir(&path) {
                EntryKind::OpaqueDir
            } else if meta.is_dir() {
                EntryKind::Dir
            } else {
                EntryKind::File
            };
            out.push(DiskEntry {
                path: shown,
                kind: kind.clone(),
                size: meta.is_file().then_some(meta.len()),
                note: self.note_for(&in_root, w.owners),
            });
            // The overview does not go into a layer's files, nor list every short link.
            let layer_files = w.overview && in_root.split('/').nth(2) == Some("diff");
            let max_depth = if w.overview { MAX_DEPTH } else { MAX_DEPTH + 2 };
            let is_dir = matches!(kind, EntryKind::Dir | EntryKind::OpaqueDir);
            if is_dir && depth + 1 < max_depth && !layer_files && !(w.overview && name == "l") {
                self.walk(w, &path, depth + 1, out);
            }
        }
        if total > MAX_CHILDREN {
            let rel = dir
                .strip_prefix(w.base)
                .unwrap_or(dir)
                .to_string_lossy()
                .to_string();
            let sep = if rel.is_empty() { "" } else { "/" };
            out.push(DiskEntry {
                path: format!("{rel}{sep}… {} more", total - MAX_CHILDREN),
                kind: EntryKind::File,
                size: None,
                note: None,
            });
        }
    }
}

struct Walk<'a> {
    root: &'a Path,
    base: &'a Path,
    overview: bool,
    owners: &'a BTreeMap<String, String>,
}
