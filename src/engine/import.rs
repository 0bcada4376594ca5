//! `import FILE|- [REPO[:TAG]] [-m MSG] [-c INSTR]`: a flat tar (from `export`, typically)
//! becomes a one-layer image with no parent; no CMD unless `-c` gives one
//! (moby daemon/images/image_import.go).
use std::fs::File;
use std::io::Read;

use super::Engine;
use super::error::{EngineError, EngineResult};
use crate::image::config::{History, RootFs};
use crate::image::go_config::{DOCKER_VERSION, GoConfig, NewImage, apply_changes};
use crate::image::reference::Reference;
use crate::util::Output;
use crate::util::stdio::ArchiveStreams;

/// Where an imported tar comes from: a file can be read twice, a stream once.
enum LayerSource<'a, R> {
    File(File, &'a std::path::Path),
    Stream(R),
}

impl Engine {
    pub fn cmd_import(
        &mut self,
        source: &str,
        repo: Option<&str>,
        message: Option<&str>,
        changes: &[String],
        streams: &mut dyn ArchiveStreams,
        out: &mut Output,
    ) -> i32 {
        if source.contains("://") {
            // Deliberate departure: no URL download inside the REPL.
            out.errln(&format!(
                "Error response from daemon: dockerlings imports from a file or stdin only, not {source:?}"
            ));
            return 1;
        }
        let imported = if source == "-" {
            // Docker would read a terminal too; we refuse it (nothing could end the tar).
            match streams.stdin() {
                Ok(stdin) => self.import(LayerSource::Stream(stdin), repo, message, changes),
                Err(why) => {
                    out.errln(super::load::stdin_refusal_text(why, "import"));
                    return 1;
                }
            }
        } else {
            // The client opens the file (docker/cli image/import.go), in Go's words.
            match File::open(source) {
                Ok(file) => self.import(
                    LayerSource::<File>::File(file, std::path::Path::new(source)),
                    repo,
                    message,
                    changes,
                ),
                Err(e) => {
                    out.errln(&format!(
                        "open {source}: {}",
                        super::load::go_error_text(&e)
                    ));
                    return 1;
                }
            }
        };
        match imported {
            Ok(id) => {
                out.outln(&id);
                0
            }
            Err(e) => {
                out.errln(&e.to_string());
                1
            }
        }
    }

    fn import(
        &mut self,
        tar: LayerSource<'_, impl Read>,
        repo: Option<&str>,
        message: Option<&str>,
        changes: &[String],
    ) -> EngineResult<String> {
        let reference = match repo {
            Some(r) => Some(Reference::parse(r).map_err(|e| EngineError::Daemon(e.to_string()))?),
            None => None,
        };
        let _txn = self.store.begin_txn("import")?;
        let mut config = GoConfig::default();
        apply_changes(&mut config, changes).map_err(|e| EngineError::Daemon(e.to_string()))?;
        let layer = match tar {
            LayerSource::File(file, path) => self.store.import_layer_file(None, file, path),
            LayerSource::Stream(stream) => self.store.import_layer(None, stream),
        }
        .map_err(|e| EngineError::Daemon(e.to_string()))?;
        // The CLI streams the file, so the daemon's source is "-".
        let msg = match message {
            Some(m) if !m.is_empty() => m.to_string(),
            _ => "Imported from -".to_string(),
        };
        let created = super::container::docker_time(Some(self.now()));
        let image = NewImage {
            architecture: "amd64".to_string(),
            author: None,
            comment: Some(msg.clone()),
            config,
            container: String::new(),
            container_config: GoConfig::default(),
            created: created.clone(),
            docker_version: DOCKER_VERSION.to_string(),
            history: vec![History {
                created: Some(created),
                comment: Some(msg),
                ..History::default()
            }],
            os: "linux".to_string(),
            rootfs: RootFs {
                kind: "layers".to_string(),
                diff_ids: vec![layer.diff_id],
            },
        };
        let bytes = serde_json::to_vec(&image).map_err(|e| EngineError::Daemon(e.to_string()))?;
        let id = self.store.put_image_config(&bytes)?;
        if let Some(r) = reference {
            self.store.set_tag(&r, &id)?;
        }
        self.mark_changed();
        Ok(id)
    }
}
