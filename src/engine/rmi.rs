//! `rmi [-f] IMAGE...`: untag, and delete when nothing else needs the image — with the
//! conflicts of moby's daemon/images/image_delete.go (reference b_ 9a–9f).
use super::Engine;
use super::error::{EngineError, EngineResult};
use super::images::chain_ids;
use super::ps::short_image_id;
use crate::image::reference::Reference;
use crate::util::Output;
use crate::util::testpoint::pause_point;

struct Conflict {
    error: EngineError,
    /// A container uses the image (Docker reports such conflicts even after an untag).
    used: bool,
}

impl Engine {
    pub fn cmd_rmi(&mut self, names: &[String], force: bool, out: &mut Output) -> i32 {
        let mut code = 0;
        for name in names {
            match self.rmi_one(name, force) {
                Ok(records) => {
                    for r in records {
                        out.outln(&r);
                    }
                }
                Err(e) => {
                    out.errln(&e.to_string());
                    code = 1;
                }
            }
        }
        code
    }

    /// Containers using the image, oldest first: (short id, has a process).
    fn image_users(&self, id: &str) -> Vec<(String, bool)> {
        let mut users: Vec<_> = self
            .containers
            .values()
            .filter(|c| c.image_id == id)
            .collect();
        users.sort_by_key(|a| a.created);
        users
            .into_iter()
            .map(|c| (c.short_id().to_string(), c.status().has_process()))
            .collect()
    }

    fn delete_conflict(&self, id: &str, force: bool, check_refs: bool) -> Option<Conflict> {
        let short = short_image_id(id);
        let has_children = self
            .store
            .list_image_ids()
            .unwrap_or_default()
            .iter()
            .any(|other| self.store.image_parent(other).as_deref() == Some(id));
        if has_children {
            return Some(Conflict {
                error: EngineError::Daemon(format!(
                    "conflict: unable to delete {short} (cannot be forced) - image has dependent child images"
                )),
                used: false,
            });
        }
        let users = self.image_users(id);
        if let Some((c, _)) = users.iter().find(|(_, running)| *running) {
            return Some(Conflict {
                error: EngineError::RmiRunning {
                    image: short,
                    container: c.clone(),
                },
                used: true,
            });
        }
        if force {
            return None;
        }
        if check_refs && !self.image_tags(id).is_empty() {
            return Some(Conflict {
                error: EngineError::RmiMultipleRefs { image: short },
                used: false,
            });
        }
        users.first().map(|(c, _)| Conflict {
            error: EngineError::RmiStopped {
                image: short_image_id(id),
                container: c.clone(),
            },
            used: true,
        })
    }

    fn rmi_one(&mut self, name: &str, force: bool) -> EngineResult<Vec<String>> {
        let id = self
            .store
            .resolve_image(name)
            .ok_or_else(|| EngineError::NoSuchImage(name.to_string()))?;
        // Should this process die half-way, the next one finishes the deletion (recover).
        let _txn = self.store.begin_txn(&format!("rmi {id}"))?;
        let hex = id.strip_prefix("sha256:").unwrap_or(&id);
        // moby's isImageIDPrefix.
        let by_id = id.starts_with(name) || hex.starts_with(name);
        let mut records = Vec::new();
        let mut removed_ref = false;
        let refs = self.image_tags(&id);
        if !by_id {
            if !force
                && refs.len() <= 1
                && let Some((c, _)) = self.image_users(&id).first()
            {
                return Err(EngineError::RmiRefInUse {
                    reference: name.to_string(),
                    container: c.clone(),
                    image: short_image_id(&id),
                });
            }
            let reference =
                Reference::parse(name).map_err(|e| EngineError::Daemon(e.to_string()))?;
            self.store.remove_tag(&reference)?;
            pause_point("rmi:after-untag");
            self.mark_changed();
            records.push(format!("Untagged: {}", reference.familiar()));
            if !self.image_tags(&id).is_empty() {
                return Ok(records);
            }
            removed_ref = true;
        } else if refs.len() <= 1 {
            if let Some(conflict) = self.delete_conflict(&id, force, false) {
                return Err(conflict.error);
            }
            for r in refs {
                if let Ok(reference) = Reference::parse(&r) {
                    self.store.remove_tag(&reference)?;
                    records.push(format!("Untagged: {}", reference.familiar()));
                }
            }
            self.mark_changed();
        }
        if let Some(conflict) = self.delete_conflict(&id, force, true) {
            let dangling = self.image_tags(&id).is_empty();
            if removed_ref && (!dangling || conflict.used) {
                return Ok(records);
            }
            return Err(conflict.error);
        }
        for r in self.image_tags(&id) {
            if let Ok(reference) = Reference::parse(&r) {
                self.store.remove_tag(&reference)?;
                records.push(format!("Untagged: {}", reference.familiar()));
            }
        }
        let in_use = self.chains_in_use()?;
        let removed_layers = self.store.delete_image(&id, &in_use)?;
        self.mark_changed();
        records.push(format!("Deleted: {id}"));
        for chain in removed_layers {
            records.push(format!("Deleted: {chain}"));
        }
        Ok(records)
    }

    /// Finishes an rmi of `id` that a killed process began: the image is deleted when it
    /// is still there, untagged, and nothing stops its deletion — the decision that rmi
    /// takes after untagging. An image that still has a tag was only being untagged.
    pub(super) fn finish_rmi(&mut self, id: &str) -> EngineResult<()> {
        if self.store.image_config_bytes(id).is_err()
            || !self.image_tags(id).is_empty()
            || self.delete_conflict(id, false, true).is_some()
        {
            return Ok(());
        }
        let in_use = self.chains_in_use()?;
        self.store.delete_image(id, &in_use)?;
        self.mark_changed();
        Ok(())
    }

    /// Every layer chain a container's writable layer sits on: never deleted under it.
    pub fn chains_in_use(&self) -> EngineResult<Vec<String>> {
        let mut chains = Vec::new();
        for c in self.containers.values() {
            if let Ok(diff_ids) = self.image_diff_ids(&c.image_id) {
                chains.extend(chain_ids(&diff_ids));
            }
        }
        Ok(chains)
    }
}
