//! repositories.json, in Docker's format:
//! `{"Repositories":{"busybox":{"busybox:latest":"sha256:…"}}}`.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::{Store, StoreError, StoreResult};
use crate::image::reference::Reference;

#[derive(Debug, Default, Serialize, Deserialize)]
struct Repositories {
    #[serde(rename = "Repositories", default)]
    repositories: BTreeMap<String, BTreeMap<String, String>>,
}

impl Store {
    fn read_repositories(&self) -> StoreResult<Repositories> {
        let path = self.repositories_path();
        let bytes = match self.read_record(&path) {
            Ok(b) => b,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {
                return Ok(Repositories::default());
            }
            Err(e) => return Err(StoreError::io(&path, e)),
        };
        serde_json::from_slice(&bytes).map_err(|e| StoreError::Corrupt {
            path,
            reason: e.to_string(),
        })
    }

    fn write_repositories(&self, repos: &Repositories) -> StoreResult<()> {
        let path = self.repositories_path();
        let bytes = serde_json::to_vec(repos).map_err(|e| StoreError::Corrupt {
            path: path.clone(),
            reason: e.to_string(),
        })?;
        self.write_atomic(&path, &bytes)
    }

    /// Every tag (and digest reference) with its image id, sorted by reference.
    pub fn tags(&self) -> StoreResult<Vec<(Reference, String)>> {
        let repos = self.read_repositories()?;
        let mut out: Vec<(Reference, String)> = repos
            .repositories
            .values()
            .flat_map(|m| m.iter())
            .filter_map(|(r, id)| Reference::parse(r).ok().map(|r| (r, id.clone())))
            .collect();
        out.sort();
        Ok(out)
    }

    /// Point `reference` at image `id` (moving it from any other image).
    pub fn set_tag(&self, reference: &Reference, id: &str) -> StoreResult<()> {
        let mut repos = self.read_repositories()?;
        repos
            .repositories
            .entry(reference.familiar_name())
            .or_default()
            .insert(reference.familiar(), id.to_string());
        self.write_repositories(&repos)
    }

    /// Remove a tag; returns the image id it pointed at.
    pub fn remove_tag(&self, reference: &Reference) -> StoreResult<Option<String>> {
        let mut repos = self.read_repositories()?;
        let name = reference.familiar_name();
        let Some(repo) = repos.repositories.get_mut(&name) else {
            return Ok(None);
        };
        let removed = repo.remove(&reference.familiar());
        if repo.is_empty() {
            repos.repositories.remove(&name);
        }
        if removed.is_some() {
            self.write_repositories(&repos)?;
        }
        Ok(removed)
    }

    /// The image id a user's word names: a reference (`busybox`, `busybox:latest`,
    /// `docker.io/library/busybox:latest`), a full `sha256:` id, or a unique id prefix.
    pub fn resolve_image(&self, s: &str) -> Option<String> {
        if let Ok(reference) = Reference::parse(s) {
            let tags = self.tags().ok()?;
            if let Some((_, id)) = tags.iter().find(|(r, _)| *r == reference) {
                return Some(id.clone());
            }
        }
        let hex = s.strip_prefix("sha256:").unwrap_or(s);
        if hex.is_empty() || !hex.bytes().all(|b| b.is_ascii_hexdigit()) {
            return None;
        }
        let ids = self.list_image_ids().ok()?;
        let mut matches = ids.into_iter().filter(|id| id[7..].starts_with(hex));
        let first = matches.next()?;
        match matches.next() {
            None => Some(first),
            Some(_) => None,
        }
    }
}
