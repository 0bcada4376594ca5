//! `commit [-m] [-a] [-c] [-p] CONTAINER [REPO[:TAG]]`: the writable layer becomes a new
//! image layer on top of the container's image (moby daemon/commit.go, image.NewChildImage).
use std::io::BufWriter;

use super::Engine;
use super::error::{EngineError, EngineResult};
use super::images::chain_ids;
use super::state::ContainerStatus;
use crate::backend::BackendKind;
use crate::image::config::{History, ImageConfig};
use crate::image::go_config::{DOCKER_VERSION, GoConfig, NewImage, apply_changes};
use crate::image::layer_tar::{EMPTY_TAR_DIFF_ID, TarOptions, write_upper_tar};
use crate::image::reference::Reference;
use crate::util::Output;
use crate::util::testpoint::pause_point;
use sha2::{Digest, Sha256};

#[derive(Debug, Clone, Default)]
pub struct CommitOptions {
    pub message: Option<String>,
    pub author: Option<String>,
    pub changes: Vec<String>,
    pub pause: bool,
}

impl Engine {
    pub fn cmd_commit(
        &mut self,
        container: &str,
        repo: Option<&str>,
        o: &CommitOptions,
        out: &mut Output,
    ) -> i32 {
        match self.commit(container, repo, o) {
            Ok(id) => {
                out.outln(&id);
                0
            }
            Err(e) => {
                out.errln(&e.to_string());
                e.exit_code()
            }
        }
    }

    /// The tar options for layers this engine writes (fixed mtime under the logical clock).
    pub fn tar_options(&self) -> TarOptions {
        TarOptions {
            fixed_mtime: self
                .meta
                .clock
                .is_logical()
                .then(|| u64::try_from(self.now().timestamp()).unwrap_or(0)),
            owners_from_disk: self.backend() == BackendKind::Linux,
        }
    }

    /// Tars `upper` and imports the tar on top of `parent_chain`, in one pass: a thread
    /// writes the tar into a pipe while this one extracts, hashes and records it (two cores
    /// busy, no temporary tar on disk, never a layer in memory).
    pub fn import_upper(
        &mut self,
        upper: &std::path::Path,
        parent_chain: Option<&str>,
    ) -> EngineResult<crate::store::LayerInfo> {
        // One id per commit, as when it named a temporary tar: deterministic transcripts pin
        // the sequence of ids.
        let _ = self.new_id();
        let (reader, writer) = std::io::pipe().map_err(|e| EngineError::io(upper, e))?;
        // 1 MiB instead of 64 KiB: fewer hand-overs between the two threads (best effort).
        let _ = nix::fcntl::fcntl(&writer, nix::fcntl::FcntlArg::F_SETPIPE_SZ(1 << 20));
        let opts = self.tar_options();
        let source = upper.to_path_buf();
        let producer = std::thread::spawn(move || {
            let w = write_upper_tar(&source, BufWriter::with_capacity(1 << 20, writer), opts)
                .map_err(|e| EngineError::Daemon(e.to_string()))?;
            let w = w
                .into_inner()
                .map_err(|e| EngineError::io(&source, e.into_error()))?;
            // The whole tar is written; the importer has not seen its end yet.
            pause_point("commit:after-tar");
            drop(w);
            Ok::<(), EngineError>(())
        });
        let imported = self.store.import_layer(parent_chain, reader);
        // A failed import closed the pipe, which ends the producer too.
        let produced = producer
            .join()
            .map_err(|_| EngineError::Daemon("commit: the tar writer panicked".into()))?;
        // The producer's error (an unreadable file) explains a short tar better than the
        // importer's "unexpected end of archive".
        produced?;
        Ok(imported?)
    }

    fn commit(
        &mut self,
        name: &str,
        repo: Option<&str>,
        o: &CommitOptions,
    ) -> EngineResult<String> {
        let id = self
            .resolve_container(name)
            .ok_or_else(|| EngineError::NoSuchContainer(name.to_string()))?;
        let reference = match repo {
            Some(r) => Some(Reference::parse(r).map_err(|e| EngineError::Daemon(e.to_string()))?),
            None => None,
        };
        let c = self.container_by_id(&id)?;
        let _txn = self.store.begin_txn("commit")?;
        let freeze = o.pause && c.status() == ContainerStatus::Running;
        let spec = self.launch_spec(&c)?;
        if freeze {
            self.runtime.freeze(&spec)?;
        }
        let plan = self.store.rootfs_plan(&id);
        let parent_bytes = self.store.image_config_bytes(&c.image_id);
        let layer = match (&plan, &parent_bytes) {
            (Ok(plan), Ok(bytes)) => {
                let parent = ImageConfig::from_bytes(bytes).map_err(|e| {
                    EngineError::Daemon(format!("invalid image config {}: {e}", c.image_id))
                });
                match parent {
                    Ok(p) => {
                        let top = chain_ids(p.diff_ids()).pop();
                        self.import_upper(&plan.upper, top.as_deref())
                            .map(|l| (p, l))
                    }
                    Err(e) => Err(e),
                }
            }
            _ => Err(EngineError::Daemon(format!(
                "cannot read the layers of container {id}"
            ))),
        };
        if freeze {
            self.runtime.thaw(&spec)?;
        }
        let (parent, layer) = layer?;
        pause_point("commit:after-layer");

        let created = super::container::docker_time(Some(self.now()));
        let mut config = container_go_config(&c, &parent);
        let container_config = config.clone();
        apply_changes(&mut config, &o.changes).map_err(|e| EngineError::Daemon(e.to_string()))?;
        let empty = layer.diff_id == EMPTY_TAR_DIFF_ID;
        let mut rootfs = parent.rootfs.clone();
        if !empty {
            rootfs.diff_ids.push(layer.diff_id.clone());
        }
        let mut history = parent.history.clone();
        history.push(History {
            created: Some(created.clone()),
            author: o.author.clone().filter(|a| !a.is_empty()),
            created_by: Some(c.config.cmd.clone().unwrap_or_default().join(" ")),
            comment: o.message.clone().filter(|m| !m.is_empty()),
            empty_layer: empty,
        });
        let image = NewImage {
            architecture: non_empty(&parent.architecture, "amd64"),
            author: o.author.clone().filter(|a| !a.is_empty()),
            comment: None,
            config,
            container: c.id.clone(),
            container_config,
            created,
            docker_version: DOCKER_VERSION.to_string(),
            history,
            os: non_empty(&parent.os, "linux"),
            rootfs,
        };
        let bytes = serde_json::to_vec(&image).map_err(|e| EngineError::Daemon(e.to_string()))?;
        // The parent link first: a crash then leaves a stray metadata dir, never an image
        // whose parent is unknown (rmi of the parent would not see it as a child).
        let new_id = format!("sha256:{}", hex::encode(Sha256::digest(&bytes)));
        self.store.set_image_parent(&new_id, &c.image_id)?;
        pause_point("commit:after-parent-link");
        self.store.put_image_config(&bytes)?;
        pause_point("commit:after-config");
        if let Some(r) = reference {
            self.store.set_tag(&r, &new_id)?;
        }
        self.mark_changed();
        Ok(new_id)
    }
}

fn non_empty(s: &str, default: &str) -> String {
    if s.is_empty() {
        default.to_string()
    } else {
        s.to_string()
    }
}

/// The container's config as Docker keeps it (what `commit` stores as config and
/// container_config), with the image's labels and exposed ports carried over.
fn container_go_config(c: &super::Container, parent: &ImageConfig) -> GoConfig {
    let pc = parent.run_config();
    GoConfig {
        hostname: c.config.hostname.clone(),
        user: c.config.user.clone(),
        exposed_ports: pc.exposed_ports.clone(),
        tty: c.config.tty,
        open_stdin: c.config.open_stdin,
        env: (!c.config.env.is_empty()).then(|| c.config.env.clone()),
        cmd: c.config.cmd.clone(),
        image: c.config.image.clone(),
        working_dir: c.config.working_dir.clone(),
        entrypoint: c.config.entrypoint.clone(),
        labels: Some(pc.labels.clone().unwrap_or_default()),
        stop_signal: pc.stop_signal.clone(),
        ..GoConfig::default()
    }
}
