//! Finding containers the way Docker does: full id, then name, then a unique id prefix.
use super::{Container, Engine, EngineError, EngineResult};

impl Engine {
    /// A container with a process (running or paused), brought up to date first: what
    /// `top` and `show ns` look into.
    pub fn live_container(&mut self, name: &str) -> EngineResult<Container> {
        let id = self
            .resolve_container(name)
            .ok_or_else(|| EngineError::NoSuchContainer(name.to_string()))?;
        self.refresh(&id)?;
        let c = self.container_by_id(&id)?;
        if !c.status().has_process() {
            return Err(EngineError::NotRunning(id));
        }
        Ok(c)
    }

    pub fn resolve_container(&self, key: &str) -> Option<String> {
        let key = key.strip_prefix('/').unwrap_or(key);
        if key.is_empty() {
            return None;
        }
        if self.containers.contains_key(key) {
            return Some(key.to_string());
        }
        if let Some(c) = self.containers.values().find(|c| c.name == key) {
            return Some(c.id.clone());
        }
        let mut matches = self.containers.keys().filter(|id| id.starts_with(key));
        match (matches.next(), matches.next()) {
            (Some(id), None) => Some(id.clone()),
            _ => None,
        }
    }

    pub fn container(&self, key: &str) -> Option<&Container> {
        self.resolve_container(key)
            .and_then(|id| self.containers.get(&id))
    }

    pub fn container_names(&self) -> Vec<String> {
        self.containers.values().map(|c| c.name.clone()).collect()
    }

    /// Containers newest first, as `ps` lists them.
    pub fn containers_newest_first(&self) -> Vec<&Container> {
        let mut v: Vec<&Container> = self.containers.values().collect();
        v.sort_by(|a, b| b.created.cmp(&a.created).then(b.id.cmp(&a.id)));
        v
    }
}
