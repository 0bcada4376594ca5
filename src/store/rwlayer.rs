//! A container's layers: overlay2/<mount-id>-init (the files Docker generates) and
//! overlay2/<mount-id> (the writable upper). layerdb/mounts/<container-id>/ maps the
//! container to them, as Docker's does.
use std::fs;
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};

use super::atomic::Durability;
use super::layers::remove_tree;
use super::{Store, StoreError, StoreResult};
use crate::backend::RootfsPlan;

/// What goes into a container's -init layer.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InitFiles {
    pub hostname: String,
}

/// /etc/hosts as Docker writes it for a container without a bridge address.
fn hosts_file(hostname: &str) -> String {
    format!(
        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\nfe00::0\tip6-localnet\nff00::0\tip6-mcastprefix\nff02::1\tip6-allnodes\nff02::2\tip6-allrouters\n127.0.1.1\t{hostname}\n"
    )
}

impl Store {
    fn mounts_dir(&self, container_id: &str) -> PathBuf {
        self.layerdb_mounts().join(container_id)
    }

    /// Create the -init and writable layers for a container on top of the image layer
    /// `image_top_chain` (None = from scratch). A volatile registration (an `--rm`
    /// container's) is not synced; `remove_lost_rw_layer` clears one a crash emptied.
    pub fn create_rw_layer(
        &self,
        container_id: &str,
        image_top_chain: Option<&str>,
        init: &InitFiles,
        durability: Durability,
    ) -> StoreResult<RootfsPlan> {
        let image_lower = match image_top_chain {
            Some(chain) => Some(self.lower_for_child(&self.layer(chain)?.cache_id)?),
            None => None,
        };
        let mount_id = self.new_cache_id(&format!("rw:{container_id}"));
        let init_id = format!("{mount_id}-init");

        // Each dir is made in tmp/ and renamed into place whole, init and rw before the
        // registration that names them (a crash leaves unregistered dirs, swept later).
        let init_scratch = self.scratch_dir()?;
        let init_dir = init_scratch.path().to_path_buf();
        write_init_layer(&init_dir, init)?;
        let init_link = self.new_short_link(&init_id);
        write(&init_dir.join("link"), init_link.as_bytes())?;
        if let Some(lower) = &image_lower {
            write(&init_dir.join("lower"), lower.as_bytes())?;
        }
        let rw_scratch = self.scratch_dir()?;
        let rw_dir = rw_scratch.path().to_path_buf();
        for d in [rw_dir.join("diff"), rw_dir.join("work")] {
            fs::create_dir(&d).map_err(|e| StoreError::io(&d, e))?;
        }
        let rw_link = self.new_short_link(&mount_id);
        write(&rw_dir.join("link"), rw_link.as_bytes())?;
        let rw_lower = match &image_lower {
            Some(lower) => format!("l/{init_link}:{lower}"),
            None => format!("l/{init_link}"),
        };
        write(&rw_dir.join("lower"), rw_lower.as_bytes())?;
        let db_scratch = self.scratch_dir()?;
        let db = db_scratch.path().to_path_buf();
        write(&db.join("mount-id"), mount_id.as_bytes())?;
        write(&db.join("init-id"), init_id.as_bytes())?;
        if let Some(chain) = image_top_chain {
            write(&db.join("parent"), chain.as_bytes())?;
        }

        let overlay = self.overlay_root();
        init_scratch.rename_to(&overlay.join(&init_id))?;
        rw_scratch.rename_to(&overlay.join(&mount_id))?;
        self.add_short_link(&init_link, &init_id)?;
        self.add_short_link(&rw_link, &mount_id)?;
        let registered = self.mounts_dir(container_id);
        db_scratch.rename_to(&registered)?;
        if durability == Durability::Durable {
            self.sync_parent(&registered)?;
        }
        self.rootfs_plan(container_id)
    }

    /// The container's overlay mount id (overlay2/<mount-id>).
    pub fn rw_layer_id(&self, container_id: &str) -> StoreResult<String> {
        let path = self.mounts_dir(container_id).join("mount-id");
        // Written once when the container is made, removed with it: read once (see
        // store/records.rs).
        match self.read_record_text(&path) {
            // An empty id (a volatile registration a crash emptied) must never name
            // overlay2/ itself.
            Ok(s) if is_cache_id(s.trim()) => Ok(s.trim().to_string()),
            Ok(_) => Err(StoreError::Corrupt {
                path,
                reason: "not a layer id".to_string(),
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                Err(StoreError::NoSuchRwLayer(container_id.to_string()))
            }
            Err(e) => Err(StoreError::io(&path, e)),
        }
    }

    /// The image layer a container's layers sit on (its chain id), if any.
    pub fn rw_layer_parent(&self, container_id: &str) -> Option<String> {
        fs::read_to_string(self.mounts_dir(container_id).join("parent"))
            .ok()
            .map(|s| s.trim().to_string())
    }

    /// Chain ids under every container's rw layer (pass to `delete_image`).
    pub fn layers_used_by_containers(&self) -> Vec<String> {
        let Ok(entries) = fs::read_dir(self.layerdb_mounts()) else {
            return Vec::new();
        };
        let mut used = Vec::new();
        for entry in entries.flatten() {
            let mut next = entry
                .file_name()
                .to_str()
                .and_then(|cid| self.rw_layer_parent(cid));
            while let Some(chain) = next {
                next = self.layer(&chain).ok().and_then(|l| l.parent);
                used.push(chain);
            }
        }
        used
    }

    /// A container's rootfs plan, as what is on disk says (read once, see store/records.rs).
    pub fn rootfs_plan(&self, container_id: &str) -> StoreResult<RootfsPlan> {
        if let Some(plan) = self.records.borrow().plans.get(container_id) {
            return Ok(plan.clone());
        }
        let plan = self.read_rootfs_plan(container_id)?;
        self.records
            .borrow_mut()
            .plans
            .insert(container_id.to_string(), plan.clone());
        Ok(plan)
    }

    fn read_rootfs_plan(&self, container_id: &str) -> StoreResult<RootfsPlan> {
        let mount_id = self.rw_layer_id(container_id)?;
        let overlay = self.overlay_root();
        let dir = overlay.join(&mount_id);
        let lower_path = dir.join("lower");
        let lower = self
            .read_record_text(&lower_path)
            .map_err(|e| StoreError::io(&lower_path, e))?;
        let lower_links: Vec<String> = lower
            .trim()
            .split(':')
            .filter(|l| !l.is_empty())
            .map(str::to_string)
            .collect();
        let lower_dirs = lower_links
            .iter()
            .map(|link| resolve_link(&overlay, link))
            .collect::<StoreResult<Vec<_>>>()?;
        Ok(RootfsPlan {
            overlay_root: overlay.clone(),
            lower_dirs,
            lower_links,
            upper: dir.join("diff"),
            work: dir.join("work"),
            merged: dir.join("merged"),
        })
    }

    /// Remove both of a container's layer dirs, their short links and the mounts entry.
    pub fn remove_rw_layer(&self, container_id: &str) -> StoreResult<()> {
        let mount_id = self.rw_layer_id(container_id)?;
        let overlay = self.overlay_root();
        self.records.borrow_mut().plans.remove(container_id);
        self.forget_records_under(&self.mounts_dir(container_id));
        self.forget_records_under(&overlay.join(&mount_id));
        for id in [format!("{mount_id}-init"), mount_id.clone()] {
            if let Ok(link) = self.layer_link(&id) {
                let _ = fs::remove_file(overlay.join("l").join(link));
            }
            remove_tree(&overlay.join(&id))?;
        }
        remove_tree(&self.mounts_dir(container_id))
    }

    /// Removes what is left of a container whose volatile layer registration a crash
    /// emptied: its mounts entry, then every layer dir and short link nobody registers.
    pub fn remove_lost_rw_layer(&self, container_id: &str) -> StoreResult<()> {
        self.forget_records();
        remove_tree(&self.mounts_dir(container_id))?;
        self.sweep_unregistered()
    }
}

/// Hex, as every cache id is; a path separator, `..` or nothing is not one.
fn is_cache_id(s: &str) -> bool {
    !s.is_empty() && s.bytes().all(|b| b.is_ascii_hexdigit())
}

/// l/<short> -> ../<cache-id>/diff, as an absolute overlay2/<cache-id>/diff.
fn resolve_link(overlay: &Path, link: &str) -> StoreResult<PathBuf> {
    let path = overlay.join(link);
    let target = fs::read_link(&path).map_err(|e| StoreError::io(&path, e))?;
    let rel = target.strip_prefix("..").unwrap_or(&target);
    Ok(overlay.join(rel))
}

/// Fills the init layer's dir `dir` (made already).
fn write_init_layer(dir: &Path, init: &InitFiles) -> StoreResult<()> {
    let diff = dir.join("diff");
    // Parents first, one mkdir each (every container makes these: no failed tries).
    for d in [
        diff.clone(),
        diff.join("dev"),
        diff.join("dev/pts"),
        diff.join("dev/shm"),
        diff.join("etc"),
        dir.join("work"),
    ] {
        fs::create_dir(&d).map_err(|e| StoreError::io(&d, e))?;
    }
    let files: [(&str, String, u32); 5] = [
        (".dockerenv", String::new(), 0o755),
        ("dev/console", String::new(), 0o755),
        ("etc/hostname", format!("{}\n", init.hostname), 0o644),
        ("etc/hosts", hosts_file(&init.hostname), 0o644),
        (
            "etc/resolv.conf",
            "nameserver 127.0.0.11\noptions ndots:0\n".into(),
            0o644,
        ),
    ];
    let umask = crate::util::umask::current_umask();
    for (name, content, mode) in files {
        let path = diff.join(name);
        write_with_mode(&path, content.as_bytes(), mode)?;
        // Created with the mode; only a mask that took bits away needs a chmod.
        if mode & umask != 0 {
            fs::set_permissions(&path, fs::Permissions::from_mode(mode))
                .map_err(|e| StoreError::io(&path, e))?;
        }
    }
    let mtab = diff.join("etc/mtab");
    std::os::unix::fs::symlink("/proc/mounts", &mtab).map_err(|e| StoreError::io(&mtab, e))?;
    write(&dir.join("committed"), b"")
}

fn write_with_mode(path: &Path, bytes: &[u8], mode: u32) -> StoreResult<()> {
    use std::io::Write;
    use std::os::unix::fs::OpenOptionsExt;
    fs::OpenOptions::new()
        .write(true)
        .create(true)
        .truncate(true)
        .mode(mode)
        .open(path)
        .and_then(|mut f| f.write_all(bytes))
        .map_err(|e| StoreError::io(path, e))
}

fn write(path: &Path, bytes: &[u8]) -> StoreResult<()> {
    fs::write(path, bytes).map_err(|e| StoreError::io(path, e))
}
