//! Engine state turned into the renderers' views. The renderers stay pure; every fact they
//! draw comes from here (the store's real layers, the backend's real readings).
use std::collections::BTreeMap;

use super::Engine;
use super::error::{EngineError, EngineResult};
use super::images::chain_ids;
use super::ps::short_image_id;
use crate::backend::MemorySource;
use crate::image::changes::ChangeKind as DiffKind;
use crate::render::cow::{ChangeKind, CowAction, CowRow, CowView};
use crate::render::layers::{LayerRow, LayerStackView, SharingTotals, WritableLayer};
use crate::render::lifecycle::{LifecycleView, Refusal};
use crate::render::memory::{MemSample, MemoryView};

impl Engine {
    /// The container named, or the live record of the last one removed under that name.
    fn lifecycle_subject(&self, key: &str) -> Option<super::Container> {
        if let Some(c) = self.container(key) {
            return Some(c.clone());
        }
        self.meta
            .last_removed
            .as_ref()
            .filter(|c| c.name == key || c.id.starts_with(key))
            .cloned()
    }

    pub fn lifecycle_view(&self, key: Option<&str>) -> LifecycleView {
        let subject = key.and_then(|k| self.lifecycle_subject(k));
        match subject {
            None => LifecycleView {
                container: None,
                current: None,
                last: None,
                refused: None,
                note: None,
            },
            Some(c) => LifecycleView {
                container: Some(c.name.clone()),
                current: Some(c.status()),
                last: c.last.as_ref().map(|l| (l.from, l.transition, l.to)),
                refused: c.refused.as_ref().map(|r| Refusal {
                    from: r.from,
                    transition: r.transition,
                    reason: r.reason.clone(),
                }),
                note: c.last.as_ref().and_then(|l| l.note.clone()),
            },
        }
    }

    /// (tag or short id) of every local image, with its chain ids base first.
    fn image_chains(&self) -> EngineResult<Vec<(String, String, Vec<String>)>> {
        let mut out = Vec::new();
        for id in self.store.list_image_ids()? {
            let name = self
                .image_tags(&id)
                .into_iter()
                .next()
                .unwrap_or_else(|| super::ps::short_image_id(&id));
            out.push((id.clone(), name, chain_ids(&self.image_diff_ids(&id)?)));
        }
        Ok(out)
    }

    /// `created_by` of each layer-making history entry, base first.
    fn layer_history(&self, image_id: &str) -> EngineResult<Vec<String>> {
        let raw = self.image_json_raw(image_id)?;
        let entries = raw["history"].as_array().cloned().unwrap_or_default();
        Ok(entries
            .iter()
            .filter(|h| !h["empty_layer"].as_bool().unwrap_or(false))
            .map(|h| h["created_by"].as_str().unwrap_or_default().to_string())
            .collect())
    }

    pub fn layers_view(&self, key: &str) -> EngineResult<LayerStackView> {
        let (image_id, title, writable) = if let Some(c) = self.container(key) {
            let changes = self.container_changes(&c.id)?.len();
            let upper = self.store.rootfs_plan(&c.id)?.upper;
            (
                c.image_id.clone(),
                format!("container {} (image {})", c.name, c.config.image),
                Some(WritableLayer {
                    container: c.name.clone(),
                    size: crate::store::dir_size(&upper),
                    changes,
                }),
            )
        } else if let Some(id) = self.store.resolve_image(key) {
            (id, format!("image {key}"), None)
        } else {
            return Err(EngineError::NoSuchObject(key.to_string()));
        };
        let all = self.image_chains()?;
        let mut users: BTreeMap<String, Vec<String>> = BTreeMap::new();
        for (_, name, chains) in &all {
            for chain in chains {
                users.entry(chain.clone()).or_default().push(name.clone());
            }
        }
        let this_name = all
            .iter()
            .find(|(id, _, _)| *id == image_id)
            .map(|(_, n, _)| n.clone())
            .unwrap_or_default();
        let chains = chain_ids(&self.image_diff_ids(&image_id)?);
        let history = self.layer_history(&image_id)?;
        let mut layers = Vec::new();
        for (i, chain) in chains.iter().enumerate() {
            let info = self.store.layer(chain)?;
            let mut shared_with: Vec<String> = users
                .get(chain)
                .map(|v| v.iter().filter(|n| **n != this_name).cloned().collect())
                .unwrap_or_default();
            shared_with.dedup();
            layers.push(LayerRow {
                diff_id: info.diff_id.clone(),
                size: info.size,
                created_by: history.get(i).cloned().unwrap_or_default(),
                shared_with,
            });
        }
        layers.reverse();
        let mut total_layers = 0;
        let mut shared = 0;
        let mut saved = 0u64;
        for (chain, names) in &users {
            total_layers += 1;
            if names.len() > 1 {
                shared += 1;
                let size = self.store.layer(chain).map(|l| l.size).unwrap_or(0);
                saved += size * (names.len() as u64 - 1);
            }
        }
        Ok(LayerStackView {
            title,
            writable,
            layers,
            totals: Some(SharingTotals {
                images: all.len(),
                layers: total_layers,
                shared,
                saved_bytes: saved,
            }),
        })
    }

    pub fn cow_view(&self, key: &str) -> EngineResult<CowView> {
        let c = self
            .container(key)
            .cloned()
            .ok_or_else(|| EngineError::NoSuchContainer(key.to_string()))?;
        let plan = self.store.rootfs_plan(&c.id)?;
        // lower_dirs = [-init, image top … base]; name each by its diff id.
        let mut lower_names = vec!["init".to_string()];
        let mut chains = chain_ids(&self.image_diff_ids(&c.image_id)?);
        chains.reverse();
        for chain in chains {
            lower_names.push(short_image_id(&self.store.layer(&chain)?.diff_id));
        }
        let rows = self
            .container_changes(&c.id)?
            .into_iter()
            .map(|ch| {
                let from_layer = ch.origin_layer.and_then(|i| lower_names.get(i).cloned());
                let (kind, action) = match ch.kind {
                    DiffKind::Added => (ChangeKind::Added, CowAction::New),
                    DiffKind::Deleted => (ChangeKind::Deleted, CowAction::Whiteout),
                    DiffKind::Modified if ch.opaque => (ChangeKind::Changed, CowAction::OpaqueDir),
                    DiffKind::Modified => (ChangeKind::Changed, CowAction::CopiedUp),
                };
                let upper_path = plan.upper.join(ch.path.trim_start_matches('/'));
                let size = std::fs::symlink_metadata(&upper_path)
                    .ok()
                    .filter(|m| m.is_file())
                    .map(|m| m.len());
                CowRow {
                    kind,
                    path: ch.path.clone(),
                    from_layer,
                    action,
                    size,
                }
            })
            .collect();
        Ok(CowView {
            container: c.name.clone(),
            image: c.config.image.clone(),
            rows,
        })
    }

    pub fn memory_view(&mut self, key: &str) -> EngineResult<MemoryView> {
        let c = self
            .container(key)
            .cloned()
            .ok_or_else(|| EngineError::NoSuchContainer(key.to_string()))?;
        let mut samples: Vec<MemSample> = c
            .memory_samples
            .iter()
            .map(|s| MemSample {
                phase: s.phase.clone(),
                bytes: s.bytes,
                latency_ms: s.latency_ms,
            })
            .collect();
        let mut source = "simulated model".to_string();
        if c.status().has_process() {
            let spec = self.launch_spec(&c)?;
            let m = self.runtime.memory(&spec, &self.meta.clock)?;
            source = match m.source {
                MemorySource::Simulated => "simulated model (no kernel here)".to_string(),
                MemorySource::CgroupV1 => {
                    "cgroup v1: memory.usage_in_bytes − total_inactive_file".to_string()
                }
                MemorySource::CgroupV2 => "cgroup v2: memory.current − inactive_file".to_string(),
                MemorySource::ProcRss => "/proc/<pid>/status VmRSS".to_string(),
            };
            samples.push(MemSample {
                phase: format!("now ({})", c.status().as_str()),
                bytes: m.usage,
                latency_ms: None,
            });
        } else if self.backend() == crate::backend::BackendKind::Linux {
            source = "cgroup (removed: the container has no process)".to_string();
        }
        Ok(MemoryView {
            container: c.name.clone(),
            source,
            samples,
        })
    }
}
