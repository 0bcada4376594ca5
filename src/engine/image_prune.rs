//! `image prune [-f] [-a]`: remove dangling images (no tag, no container, no child image);
//! with `-a`, every image no container uses. As moby's ImagesPrune, each removal also
//! removes the untagged parents left without children.
use super::Engine;
use super::error::EngineResult;
use crate::image::reference::Reference;
use crate::util::Output;
use crate::util::humanize::human_size;

impl Engine {
    /// The confirmation is asked by the caller (it owns the terminal).
    pub fn cmd_image_prune(&mut self, all: bool, confirmed: bool, out: &mut Output) -> i32 {
        if !confirmed {
            return 0;
        }
        let mut records = Vec::new();
        let mut reclaimed = 0u64;
        let result = self.prune_images(all, &mut records, &mut reclaimed);
        if !records.is_empty() {
            out.outln("Deleted Images:");
            for r in &records {
                out.outln(r);
            }
            out.outln("");
        }
        out.outln(&format!("Total reclaimed space: {}", human_size(reclaimed)));
        match result {
            Ok(()) => 0,
            Err(e) => {
                out.errln(&e.to_string());
                1
            }
        }
    }

    fn has_children(&self, id: &str) -> bool {
        self.store
            .list_image_ids()
            .unwrap_or_default()
            .iter()
            .any(|other| self.store.image_parent(other).as_deref() == Some(id))
    }

    fn used_by_container(&self, id: &str) -> bool {
        self.containers.values().any(|c| c.image_id == id)
    }

    fn prune_images(
        &mut self,
        all: bool,
        records: &mut Vec<String>,
        reclaimed: &mut u64,
    ) -> EngineResult<()> {
        let candidates: Vec<String> = self
            .store
            .list_image_ids()?
            .into_iter()
            .filter(|id| !self.has_children(id) && !self.used_by_container(id))
            .filter(|id| all || self.image_tags(id).is_empty())
            .collect();
        for id in candidates {
            let mut next = Some(id);
            let mut first = true;
            while let Some(id) = next.take() {
                // Parents go only while untagged, childless and unused.
                if !first
                    && (!self.image_tags(&id).is_empty()
                        || self.has_children(&id)
                        || self.used_by_container(&id))
                {
                    break;
                }
                first = false;
                if self.store.image_config_bytes(&id).is_err() {
                    break;
                }
                let parent = self.store.image_parent(&id);
                for t in self.image_tags(&id) {
                    if let Ok(r) = Reference::parse(&t) {
                        self.store.remove_tag(&r)?;
                        records.push(format!("untagged: {}", r.familiar()));
                    }
                }
                let in_use = self.chains_in_use()?;
                let sizes: Vec<(String, u64)> = self
                    .store
                    .list_layers()?
                    .into_iter()
                    .filter_map(|c| self.store.layer(&c).ok().map(|l| (c, l.size)))
                    .collect();
                let removed = self.store.delete_image(&id, &in_use)?;
                records.push(format!("deleted: {id}"));
                for chain in removed {
                    *reclaimed += sizes
                        .iter()
                        .find(|(c, _)| *c == chain)
                        .map(|(_, s)| *s)
                        .unwrap_or(0);
                    records.push(format!("deleted: {chain}"));
                }
                self.mark_changed();
                next = parent;
            }
        }
        Ok(())
    }
}
