//! The engine's own record in the root (engine.json): the clock, the id counter, and a
//! generation number so a process notices when another one changed the state.
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use super::container::Container;
use super::error::{EngineError, EngineResult};
use crate::store::{HeldRecord, Store};
use crate::util::Clock;
use crate::util::clock::ClockMode;

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct EngineMeta {
    pub clock: Clock,
    pub counter: u64,
    pub generation: u64,
    pub base_images_installed: bool,
    /// The last container removed, so `show lifecycle NAME` can still draw its end.
    pub last_removed: Option<Container>,
}

const FILE: &str = "engine.json";

impl EngineMeta {
    pub fn default_for(deterministic: bool) -> EngineMeta {
        EngineMeta {
            clock: if deterministic {
                Clock::logical()
            } else {
                Clock::wall()
            },
            counter: 0,
            generation: 0,
            base_images_installed: false,
            last_removed: None,
        }
    }

    /// Loads the record; the clock mode always follows this invocation's `--deterministic`,
    /// while the logical time and the counter continue from the previous invocation.
    pub fn load(
        store: &Store,
        record: &mut HeldRecord,
        deterministic: bool,
    ) -> EngineResult<EngineMeta> {
        let mut meta = match record.read()? {
            Some(bytes) => match serde_json::from_slice::<EngineMeta>(&bytes) {
                Ok(meta) => meta,
                // Written without fsync (see `Engine::end`), then emptied
                // (or, without a journal, filled with stale blocks) by a machine crash:
                // start afresh. It holds nothing a user made: images in the store mean the
                // base images were installed (installing again would undo the user's tags
                // and removals), deterministic ids skip the ones in use (`new_id`), and a
                // new generation makes every process reload.
                Err(_) => EngineMeta {
                    generation: lost_generation(),
                    base_images_installed: !store.list_image_ids()?.is_empty(),
                    ..EngineMeta::default_for(deterministic)
                },
            },
            None => EngineMeta::default_for(deterministic),
        };
        meta.clock.mode = if deterministic {
            ClockMode::Logical
        } else {
            ClockMode::Wall
        };
        Ok(meta)
    }

    /// engine.json under `root`, to be kept open (see `HeldRecord`).
    pub fn record(root: &std::path::Path) -> HeldRecord {
        HeldRecord::new(&root.join(FILE))
    }

    /// Rewrites engine.json in place, unsynced (see `Engine::end`).
    pub fn save(&self, store: &Store, record: &mut HeldRecord) -> EngineResult<()> {
        let bytes = serde_json::to_vec(self).map_err(|e| EngineError::Corrupt {
            path: store.root().join(FILE),
            message: e.to_string(),
        })?;
        record.write(&bytes)?;
        Ok(())
    }

    /// A 64-hex container id: seeded and counted under --deterministic, random otherwise.
    pub fn new_id(&mut self) -> String {
        self.counter += 1;
        if self.clock.is_logical() {
            hex::encode(Sha256::digest(format!("dockerlings-seed-{}", self.counter)))
        } else {
            let mut buf = [0u8; 32];
            if getrandom::fill(&mut buf).is_err() {
                // No entropy source: fall back to time and counter, still unique per root.
                let seed = format!("{:?}-{}", std::time::SystemTime::now(), self.counter);
                return hex::encode(Sha256::digest(seed));
            }
            hex::encode(buf)
        }
    }
}

/// A generation no process has seen, so that all of them reload after a lost record.
fn lost_generation() -> u64 {
    let mut buf = [0u8; 8];
    if getrandom::fill(&mut buf).is_err() {
        return u64::MAX - 1;
    }
    u64::from_le_bytes(buf)
}
