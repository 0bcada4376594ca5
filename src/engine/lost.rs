//! Containers a machine crash left half-written. An `--rm` container's records are
//! volatile (see `Durability`): after a crash they may read back empty, or (ext4 without a
//! journal) hold another file's stale blocks. Docker removes `--rm` containers it finds
//! after a restart; so does this engine, whether their records survived (they are brought
//! up to date and removed by `refresh`) or not (here). A durable record is never lost by a
//! crash, so an unreadable one with no sign of `--rm` is reported as corrupt, not deleted.
use std::path::Path;

use super::Engine;
use super::container::{Container, HostConfig};
use super::error::{EngineError, EngineResult};
use crate::store::{Store, is_lost_record};

pub enum Record {
    Found(Box<Container>),
    /// No record yet: a create that never finished.
    Missing,
    /// An `--rm` container whose volatile records a crash emptied (its id).
    LostInCrash(String),
}

/// Reads containers/<id>/config.v2.json and tells what it is.
pub fn read_record(store: &Store, dir: &Path) -> EngineResult<Record> {
    let path = dir.join("config.v2.json");
    let bytes = match std::fs::read(&path) {
        Ok(b) => b,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(Record::Missing),
        Err(e) => return Err(EngineError::io(&path, e)),
    };
    let id = dir
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_default();
    // Without a journal (ext4 mounted so, as on this project's CI machine) an unsynced
    // file may also come back holding another file's old blocks: not parsing is lost too.
    let parsed = if is_lost_record(&bytes) {
        Err("the record is empty".to_string())
    } else {
        serde_json::from_slice::<Container>(&bytes).map_err(|e| e.to_string())
    };
    let c = match parsed {
        Ok(c) => c,
        Err(_) if was_volatile(dir) => return Ok(Record::LostInCrash(id)),
        Err(message) => return Err(EngineError::Corrupt { path, message }),
    };
    // The record survived but its layer registration did not: nothing can run or be
    // shown of it, and --rm says it goes.
    if c.host_config.auto_remove && store.rw_layer_id(&c.id).is_err() {
        return Ok(Record::LostInCrash(id));
    }
    Ok(Record::Found(Box::new(c)))
}

/// hostconfig.json says `--rm`, or was itself lost (empty, or not JSON at all): a durable
/// container's hostconfig is written and synced before its first record, so it cannot be.
/// JSON of another shape (a record from another version) is not a sign of a crash: its
/// `auto_remove` decides, and without one the container counts as kept.
fn was_volatile(dir: &Path) -> bool {
    let Ok(bytes) = std::fs::read(dir.join("hostconfig.json")) else {
        return false;
    };
    if let Ok(h) = serde_json::from_slice::<HostConfig>(&bytes) {
        return h.auto_remove;
    }
    match serde_json::from_slice::<serde_json::Value>(&bytes) {
        Ok(v) => v.get("auto_remove").and_then(serde_json::Value::as_bool) == Some(true),
        Err(_) => true,
    }
}

impl Engine {
    /// Removes an `--rm` container a crash left without usable records: its layers (by
    /// registration if that survived, else by sweeping unregistered layer dirs) and its dir.
    pub(super) fn remove_lost_container(&mut self, id: &str) -> EngineResult<()> {
        if self.store.rw_layer_id(id).is_ok() {
            self.store.remove_rw_layer(id)?;
        } else {
            self.store.remove_lost_rw_layer(id)?;
        }
        self.remove_container_dir(id)
    }
}

#[cfg(test)]
#[path = "lost_tests.rs"]
mod tests;
