//! `create`: a container record and its writable layer, from an image. No process yet.
use super::container::{Container, ContainerConfig, ContainerState, HostConfig, TransitionRecord};
use super::error::{EngineError, EngineResult};
use super::state::{ContainerStatus, Transition};
use super::{Engine, names};
use crate::backend::NetworkMode;
use crate::store::Durability;

/// The options `run` and `create` share (`docker run --help`).
#[derive(Debug, Clone, Default)]
pub struct RunOptions {
    pub image: String,
    pub command: Vec<String>,
    pub name: Option<String>,
    pub detach: bool,
    pub interactive: bool,
    pub tty: bool,
    pub auto_remove: bool,
    pub env: Vec<String>,
    /// `Some("")` clears the image's entrypoint.
    pub entrypoint: Option<String>,
    pub memory: Option<u64>,
    pub workdir: Option<String>,
    pub user: Option<String>,
    pub hostname: Option<String>,
    pub network_host: bool,
}

/// `-e KEY=VALUE` sets; `-e KEY` passes the caller's value if it has one (Docker's rule).
fn merge_env(image_env: &[String], flags: &[String]) -> Vec<String> {
    let mut env: Vec<String> = image_env.to_vec();
    for item in flags {
        let entry = if item.contains('=') {
            item.clone()
        } else {
            match std::env::var(item) {
                Ok(v) => format!("{item}={v}"),
                Err(_) => continue,
            }
        };
        let key = entry.split('=').next().unwrap_or("").to_string();
        env.retain(|e| e.split('=').next() != Some(key.as_str()));
        env.push(entry);
    }
    env
}

impl Engine {
    pub fn create(&mut self, o: &RunOptions) -> EngineResult<String> {
        let name = match &o.name {
            Some(n) => Some(names::validate(n)?),
            None => None,
        };
        if let Some(n) = &name
            && let Some(other) = self.containers.values().find(|c| &c.name == n)
        {
            return Err(EngineError::NameConflict {
                name: n.clone(),
                id: other.id.clone(),
            });
        }
        let image_id = self.resolve_image_for_run(&o.image)?;
        let defaults = self.image_defaults(&image_id)?;

        let entrypoint = match &o.entrypoint {
            Some(e) if e.is_empty() => None,
            Some(e) => Some(vec![e.clone()]),
            None => defaults.entrypoint.clone(),
        };
        let cmd = if !o.command.is_empty() {
            Some(o.command.clone())
        } else if o.entrypoint.is_some() {
            None
        } else {
            defaults.cmd.clone()
        };
        let mut argv: Vec<String> = entrypoint.clone().unwrap_or_default();
        argv.extend(cmd.clone().unwrap_or_default());
        if argv.is_empty() {
            return Err(EngineError::Daemon("No command specified.".to_string()));
        }

        let id = self.new_id();
        let name = match name {
            Some(n) => n,
            None => names::generate(&id, |n| self.containers.values().any(|c| c.name == n)),
        };
        let hostname = o.hostname.clone().unwrap_or_else(|| id[..12].to_string());
        let top_chain = self.image_top_chain(&image_id)?;
        self.store.create_rw_layer(
            &id,
            top_chain.as_deref(),
            &crate::store::InitFiles {
                hostname: hostname.clone(),
            },
            Durability::for_auto_remove(o.auto_remove),
        )?;

        let now = self.now();
        let c = Container {
            id: id.clone(),
            name,
            created: now,
            image_id,
            path: argv[0].clone(),
            args: argv[1..].to_vec(),
            config: ContainerConfig {
                hostname,
                env: merge_env(&defaults.env, &o.env),
                cmd,
                entrypoint,
                image: o.image.clone(),
                working_dir: o
                    .workdir
                    .clone()
                    .unwrap_or_else(|| defaults.working_dir.clone()),
                user: o.user.clone().unwrap_or_else(|| defaults.user.clone()),
                tty: o.tty,
                open_stdin: o.interactive,
            },
            host_config: HostConfig {
                memory: o.memory.unwrap_or(0),
                auto_remove: o.auto_remove,
                network_mode: if o.network_host {
                    NetworkMode::Host
                } else {
                    NetworkMode::None
                },
            },
            state: ContainerState {
                status: ContainerStatus::Created,
                oom_killed: false,
                pid: 0,
                exit_code: 0,
                error: String::new(),
                started_at: None,
                finished_at: None,
            },
            restart_count: 0,
            last: Some(TransitionRecord {
                from: ContainerStatus::Created,
                transition: Transition::Create,
                to: ContainerStatus::Created,
                note: None,
            }),
            refused: None,
            memory_samples: Vec::new(),
        };
        let dir = self.container_dir(&id);
        std::fs::create_dir_all(&dir).map_err(|e| EngineError::io(&dir, e))?;
        let hostconfig_path = dir.join("hostconfig.json");
        let hostconfig = serde_json::to_vec(&c.host_config).map_err(|e| EngineError::Corrupt {
            path: hostconfig_path.clone(),
            message: e.to_string(),
        })?;
        let durability = Durability::for_auto_remove(c.host_config.auto_remove);
        self.store
            .write_atomic_as(&hostconfig_path, &hostconfig, durability)?;
        self.save_container(c)?;
        Ok(id)
    }
}

#[cfg(test)]
mod tests {
    use super::merge_env;

    #[test]
    fn env_flags_override_image_env_by_key() {
        let env = merge_env(
            &["PATH=/bin".to_string(), "A=1".to_string()],
            &["A=2".to_string(), "B=3".to_string()],
        );
        assert_eq!(env, vec!["PATH=/bin", "A=2", "B=3"]);
    }
}
