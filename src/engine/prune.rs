//! `container prune [-f]`: remove every stopped container.
use super::Engine;
use super::state::ContainerStatus;
use crate::util::Output;
use crate::util::humanize::human_size;

impl Engine {
    /// The confirmation is asked by the caller (it owns the terminal); `confirmed` is the answer.
    pub fn cmd_container_prune(&mut self, confirmed: bool, out: &mut Output) -> i32 {
        if !confirmed {
            return 0;
        }
        let mut victims: Vec<(chrono::DateTime<chrono::Utc>, String)> = self
            .containers
            .values()
            .filter(|c| {
                matches!(
                    c.status(),
                    ContainerStatus::Created | ContainerStatus::Exited
                )
            })
            .map(|c| (c.created, c.id.clone()))
            .collect();
        victims.sort();
        let mut reclaimed = 0u64;
        let mut deleted = Vec::new();
        for (_, id) in victims {
            let size = self
                .store
                .rootfs_plan(&id)
                .map(|p| crate::store::dir_size(&p.upper))
                .unwrap_or(0);
            match self.remove_container_files(&id) {
                Ok(()) => {
                    reclaimed += size;
                    deleted.push(id);
                }
                Err(e) => {
                    out.errln(&e.to_string());
                    return 1;
                }
            }
        }
        if !deleted.is_empty() {
            out.outln("Deleted Containers:");
            for id in &deleted {
                out.outln(id);
            }
            out.outln("");
        }
        out.outln(&format!("Total reclaimed space: {}", human_size(reclaimed)));
        0
    }
}
