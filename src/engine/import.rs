//! `import FILE [REPO[:TAG]] [-m MSG] [-c INSTR]`: a flat tar (from `export`, typically)
//! becomes a one-layer image with no parent; no CMD unless `-c` gives one
//! (moby daemon/images/image_import.go).
use std::fs::File;

use super::Engine;
use super::error::{EngineError, EngineResult};
use crate::image::config::{History, RootFs};
use crate::image::go_config::{DOCKER_VERSION, GoConfig, NewImage, apply_changes};
use crate::image::reference::Reference;
use crate::util::Output;

impl Engine {
    pub fn cmd_import(
        &mut self,
        source: &str,
        repo: Option<&str>,
        message: Option<&str>,
        changes: &[String],
        out: &mut Output,
    ) -> i32 {
        // The client opens the file (docker/cli image/import.go), in Go's words.
        if source != "-"
            && !source.contains("://")
            && let Err(e) = File::open(source)
        {
            out.errln(&format!(
                "open {source}: {}",
                super::load::go_error_text(&e)
            ));
            return 1;
        }
        match self.import(source, repo, message, changes) {
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
        source: &str,
        repo: Option<&str>,
        message: Option<&str>,
        changes: &[String],
    ) -> EngineResult<String> {
        if source == "-" || source.contains("://") {
            // Deliberate departure: no stdin stream or URL download inside the REPL.
            return Err(EngineError::Daemon(format!(
                "dockerlings imports from a file only, not {source:?}"
            )));
        }
        let reference = match repo {
            Some(r) => Some(Reference::parse(r).map_err(|e| EngineError::Daemon(e.to_string()))?),
            None => None,
        };
        let mut config = GoConfig::default();
        apply_changes(&mut config, changes).map_err(|e| EngineError::Daemon(e.to_string()))?;
        let file = File::open(source).map_err(|e| EngineError::io(source, e))?;
        let layer = self
            .store
            .import_layer(None, file)
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
