//! Views for the commit, save and export diagrams (render::commit, render::archive): which
//! layers went into the result, read back from the store after the command ran.
use super::Engine;
use super::error::{EngineError, EngineResult};
use super::images::chain_ids;
use super::ps::short_image_id;
use crate::image::changes::ChangeKind;
use crate::render::archive::{ExportView, SaveView, SavedImage};
use crate::render::commit::{CommitView, NewLayer};

impl Engine {
    /// An image's layers, base first: (diff id, size).
    fn layer_sizes(&self, image_id: &str) -> EngineResult<Vec<(String, u64)>> {
        let diff_ids = self.image_diff_ids(image_id)?;
        chain_ids(&diff_ids)
            .iter()
            .zip(diff_ids)
            .map(|(chain, diff_id)| Ok((diff_id, self.store.layer(chain)?.size)))
            .collect()
    }

    /// The image a name gives, under the name the user would know it by.
    fn image_name(&self, id: &str) -> String {
        self.image_tags(id)
            .into_iter()
            .next()
            .unwrap_or_else(|| short_image_id(id))
    }

    /// The commit just made of `container`: the image `repo` names, else the newest image
    /// committed from that container.
    pub fn commit_view(&self, container: &str, repo: Option<&str>) -> EngineResult<CommitView> {
        let c = self
            .container(container)
            .ok_or_else(|| EngineError::NoSuchContainer(container.to_string()))?;
        let image_id = match repo.and_then(|r| self.store.resolve_image(r)) {
            Some(id) => id,
            None => {
                let mut made: Vec<(String, String)> = Vec::new();
                for id in self.store.list_image_ids()? {
                    let raw = self.image_json_raw(&id)?;
                    if raw["container"].as_str() == Some(c.id.as_str()) {
                        let created = raw["created"].as_str().unwrap_or_default().to_string();
                        made.push((created, id));
                    }
                }
                made.sort();
                made.pop()
                    .map(|(_, id)| id)
                    .ok_or_else(|| EngineError::NoSuchImage(container.to_string()))?
            }
        };
        let mut kept = self.layer_sizes(&c.image_id)?;
        let mut all = self.layer_sizes(&image_id)?;
        let new_layer = if all.len() > kept.len() {
            let (diff_id, size) = all.pop().unwrap_or_default();
            let changes = self.container_changes(&c.id)?;
            Some(NewLayer {
                diff_id,
                size,
                written: changes
                    .iter()
                    .filter(|ch| ch.kind != ChangeKind::Deleted)
                    .count(),
                whiteouts: changes
                    .iter()
                    .filter(|ch| ch.kind == ChangeKind::Deleted)
                    .count(),
                opaque: changes.iter().filter(|ch| ch.opaque).count(),
            })
        } else {
            None
        };
        kept.reverse();
        Ok(CommitView {
            container: c.name.clone(),
            tag: repo.map(|_| self.image_name(&image_id)),
            image_id,
            parent: c.config.image.clone(),
            kept,
            new_layer,
        })
    }

    /// The images `save` just wrote to `target`.
    pub fn save_view(&self, names: &[String], target: &str) -> EngineResult<SaveView> {
        let mut images: Vec<SavedImage> = Vec::new();
        for name in names {
            let id = self
                .store
                .resolve_image(name)
                .ok_or_else(|| EngineError::NoSuchImage(name.clone()))?;
            if images.iter().any(|i| i.config_id == id) {
                continue;
            }
            images.push(SavedImage {
                name: name.clone(),
                layers: self.layer_sizes(&id)?,
                config_id: id,
            });
        }
        Ok(SaveView {
            target: target.to_string(),
            images,
        })
    }

    /// The container `export` just flattened into `target`.
    pub fn export_view(&self, container: &str, target: &str) -> EngineResult<ExportView> {
        let c = self
            .container(container)
            .ok_or_else(|| EngineError::NoSuchContainer(container.to_string()))?;
        let mut layers = self.layer_sizes(&c.image_id)?;
        layers.reverse();
        Ok(ExportView {
            target: target.to_string(),
            container: c.name.clone(),
            image: c.config.image.clone(),
            writable_changes: self.container_changes(&c.id)?.len(),
            layers,
        })
    }
}
