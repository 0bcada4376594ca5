//! The daemon's brain: one verb per file, the lifecycle state machine, the event log.
//! It decides; a backend (see `crate::backend::Runtime`) only carries out side effects.
//! Nothing here knows which backend it drives.
pub mod container;
pub mod error;
pub mod lookup;
pub mod meta;
pub mod names;
pub mod state;

pub mod attach;
pub mod commit;
pub mod create;
pub mod diff;
pub mod disk;
pub mod exec;
pub mod export;
pub mod history;
pub mod image_prune;
pub mod image_views;
pub mod images;
pub mod import;
pub mod info;
pub mod inspect;
pub mod kill;
pub mod lifecycle_ops;
pub mod load;
pub mod logs;
mod lost;
pub mod ns;
pub mod pause;
pub mod prune;
pub mod ps;
pub mod rm;
pub mod rmi;
pub mod run;
pub mod save;
pub mod start;
pub mod stats;
pub mod stop;
pub mod tag;
pub mod top;
pub mod views;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use crate::backend::{BackendKind, LaunchSpec, ProcStatus, Runtime};
use crate::store::{Durability, Store, StoreLock};
use crate::util::Clock;
pub use container::Container;
pub use error::{EngineError, EngineResult};
use meta::EngineMeta;
use state::{ContainerStatus, Transition};

/// How a container's process ended.
#[derive(Debug, Clone, Copy)]
pub struct Exit {
    pub code: i32,
    pub oom_killed: bool,
    pub at: chrono::DateTime<chrono::Utc>,
}

pub struct Engine {
    pub store: Store,
    pub runtime: Box<dyn Runtime>,
    pub meta: EngineMeta,
    /// Containers by id.
    pub containers: BTreeMap<String, Container>,
    lock: Option<StoreLock>,
    /// The generation of the on-disk state this process last saw.
    seen_generation: u64,
    /// This command changed engine.json.
    changed: bool,
    /// engine.json, kept open between commands.
    meta_record: crate::store::HeldRecord,
    /// Containers whose record (config.v2.json) changed during this command and is written
    /// when it ends (`write_pending_records`): a `run` moves a container through three
    /// states in one command, and each synced write costs two disk flushes. Until then
    /// the record on disk is the one before the command: a crash in the middle leaves the
    /// container as it was (or, for one being created, a create that never finished).
    pending_records: std::collections::BTreeSet<String>,
}

impl Engine {
    /// Opens (creating if needed) the state under `root` for `runtime`'s backend.
    pub fn open(
        root: &Path,
        runtime: Box<dyn Runtime>,
        deterministic: bool,
    ) -> EngineResult<Engine> {
        let store = Store::open(root, runtime.kind())?;
        if deterministic {
            // Cache ids, short links and temporary names follow the seed too.
            store.set_deterministic_seed(Some("dockerlings".to_string()));
        }
        let meta_record = EngineMeta::record(store.root());
        let mut engine = Engine {
            store,
            runtime,
            meta: EngineMeta::default_for(deterministic),
            containers: BTreeMap::new(),
            lock: None,
            seen_generation: u64::MAX,
            changed: false,
            meta_record,
            pending_records: Default::default(),
        };
        engine.begin()?;
        let result = engine.recover().and_then(|()| engine.ensure_base_images());
        engine.end()?;
        result?;
        Ok(engine)
    }

    pub fn backend(&self) -> BackendKind {
        self.runtime.kind()
    }

    pub fn root(&self) -> &Path {
        self.store.root()
    }

    /// Clears what a process killed in this root left behind and finishes its rmi.
    fn recover(&mut self) -> EngineResult<()> {
        let done = self.store.recover()?;
        for what in &done.unfinished {
            if let Some(id) = what.strip_prefix("rmi ") {
                self.finish_rmi(id)?;
            }
        }
        Ok(())
    }

    fn ensure_base_images(&mut self) -> EngineResult<()> {
        if self.meta.base_images_installed {
            return Ok(());
        }
        match self.runtime.kind() {
            BackendKind::Sim => crate::image::builtin::install_builtin_images(&self.store)?,
            BackendKind::Linux => crate::backend::linux::install_base_images(&self.store)?,
        }
        self.meta.base_images_installed = true;
        self.mark_changed();
        Ok(())
    }

    /// Starts one command: takes the store lock, reloads what another process changed,
    /// ticks the logical clock and brings every live container up to date.
    pub fn begin(&mut self) -> EngineResult<()> {
        // flock is per open file: taking it again in this process would wait on ourselves.
        if self.lock.is_none() {
            self.lock = Some(self.store.lock()?);
        }
        self.runtime.hold(true);
        let result = self.begin_locked();
        if result.is_err() {
            // The command will not run, so its `end` will not come: release the root now.
            self.runtime.hold(false);
            self.lock = None;
        }
        result
    }

    fn begin_locked(&mut self) -> EngineResult<()> {
        let deterministic = self.meta.clock.is_logical();
        let on_disk = EngineMeta::load(&self.store, &mut self.meta_record, deterministic)?;
        if on_disk.generation != self.seen_generation {
            self.store.forget_records();
            self.runtime.forget_state();
            self.meta = on_disk;
            self.load_containers()?;
            self.seen_generation = self.meta.generation;
            // engine.json is written without fsync: after a machine crash its clock may be
            // older than records that were synced. Time never runs backwards past them.
            let latest = self.containers.values().map(Container::latest_time).max();
            if let Some(latest) = latest {
                self.meta.clock.catch_up(latest);
            }
        }
        self.meta.clock.tick();
        self.changed = self.meta.clock.is_logical();
        self.refresh_all()?;
        Ok(())
    }

    /// Ends one command: persists the meta record if anything changed, releases the lock.
    ///
    /// engine.json is never synced. Everything in it is either derived again after a
    /// machine crash or may be taken back by one: the generation (a crash ends every
    /// process that cached state), the clock (caught up with the records on reload), the
    /// id counter (ids in use are skipped), whether the base images were installed (the
    /// store says), the last removed container (a diagram's memory). Syncing it cost two
    /// disk flushes per command that changed anything.
    pub fn end(&mut self) -> EngineResult<()> {
        let records = self.write_pending_records();
        if self.runtime.wrote_state() {
            self.changed = true;
        }
        let result = if self.changed {
            self.meta.generation = self.meta.generation.wrapping_add(1);
            self.seen_generation = self.meta.generation;
            self.meta.save(&self.store, &mut self.meta_record)
        } else {
            Ok(())
        };
        self.changed = false;
        self.runtime.hold(false);
        self.lock = None;
        records.and(result)
    }

    /// Writes the records `save_container` left for the end of the command, each as
    /// durable as its container is (an `--rm` container's are volatile).
    pub(crate) fn write_pending_records(&mut self) -> EngineResult<()> {
        for id in std::mem::take(&mut self.pending_records) {
            let Some(c) = self.containers.get(&id) else {
                continue;
            };
            let path = self.container_dir(&id).join("config.v2.json");
            let bytes = serde_json::to_vec(c).map_err(|e| EngineError::Corrupt {
                path: path.clone(),
                message: e.to_string(),
            })?;
            let durability = Durability::for_auto_remove(c.host_config.auto_remove);
            self.store.write_atomic_as(&path, &bytes, durability)?;
        }
        Ok(())
    }

    /// This command changed the engine's state: engine.json is written at its end, so that
    /// other processes see the new generation.
    pub fn mark_changed(&mut self) {
        self.changed = true;
    }

    fn containers_dir(&self) -> PathBuf {
        self.store.root().join("containers")
    }

    pub fn container_dir(&self, id: &str) -> PathBuf {
        self.containers_dir().join(id)
    }

    fn load_containers(&mut self) -> EngineResult<()> {
        self.containers.clear();
        let dir = self.containers_dir();
        let entries = std::fs::read_dir(&dir).map_err(|e| EngineError::io(&dir, e))?;
        for entry in entries {
            let entry = entry.map_err(|e| EngineError::io(&dir, e))?;
            match lost::read_record(&self.store, &entry.path())? {
                lost::Record::Found(c) => {
                    self.containers.insert(c.id.clone(), *c);
                }
                // A directory without a record is a create that never finished: ignore it.
                lost::Record::Missing => {}
                lost::Record::LostInCrash(id) => self.remove_lost_container(&id)?,
            }
        }
        Ok(())
    }

    /// Records a container's new state: at once in memory, on disk when the command ends
    /// (see `pending_records`).
    pub fn save_container(&mut self, c: Container) -> EngineResult<()> {
        self.pending_records.insert(c.id.clone());
        self.containers.insert(c.id.clone(), c);
        self.mark_changed();
        Ok(())
    }

    /// A fresh container id. The counter behind deterministic ids is volatile (a crash may
    /// take it back), so an id a container already has is skipped.
    pub fn new_id(&mut self) -> String {
        self.mark_changed();
        loop {
            let id = self.meta.new_id();
            if !self.containers.contains_key(&id) && !self.container_dir(&id).exists() {
                return id;
            }
        }
    }

    pub fn now(&self) -> chrono::DateTime<chrono::Utc> {
        self.meta.clock.now()
    }

    pub fn clock_mut(&mut self) -> &mut Clock {
        self.mark_changed();
        &mut self.meta.clock
    }

    /// What the backend needs to act on a container.
    pub fn launch_spec(&self, c: &Container) -> EngineResult<LaunchSpec> {
        // Read once and kept by the store (with the records it comes from): every command
        // asks for the live containers' (`refresh_all`).
        let rootfs = self.store.rootfs_plan(&c.id)?;
        let dir = self.container_dir(&c.id);
        Ok(LaunchSpec {
            id: c.id.clone(),
            argv: c.argv(),
            env: c.config.env.clone(),
            workdir: if c.config.working_dir.is_empty() {
                "/".to_string()
            } else {
                c.config.working_dir.clone()
            },
            hostname: c.config.hostname.clone(),
            tty: c.config.tty,
            interactive: c.config.open_stdin,
            memory_limit: (c.host_config.memory > 0).then_some(c.host_config.memory),
            network: c.host_config.network_mode,
            auto_remove: c.host_config.auto_remove,
            rootfs,
            log_path: dir.join(format!("{}-json.log", c.id)),
            container_dir: dir,
        })
    }

    fn refresh_all(&mut self) -> EngineResult<()> {
        let live: Vec<String> = self
            .containers
            .values()
            .filter(|c| c.status().has_process())
            .map(|c| c.id.clone())
            .collect();
        for id in live {
            self.refresh(&id)?;
        }
        Ok(())
    }

    /// Asks the backend whether a live container's process has ended, and records it.
    pub fn refresh(&mut self, id: &str) -> EngineResult<()> {
        let Some(c) = self.containers.get(id) else {
            return Ok(());
        };
        if c.status() != ContainerStatus::Running {
            return Ok(());
        }
        let spec = self.launch_spec(c)?;
        let status = match self.runtime.status(&spec, &self.meta.clock) {
            Ok(s) => s,
            // The backend lost the process (e.g. its monitor was killed): record it as exited
            // with the error, as Docker does for a container it cannot restore (exit 255),
            // instead of failing every later command.
            Err(e) => {
                let now = self.meta.clock.now();
                let exit = Exit {
                    code: 255,
                    oom_killed: false,
                    at: now,
                };
                self.record_exit(id, &spec, exit, Transition::Die, None)?;
                if let Some(mut c) = self.containers.get(id).cloned() {
                    c.state.error = e.to_string();
                    self.save_container(c)?;
                }
                return Ok(());
            }
        };
        if let ProcStatus::Exited {
            code,
            oom_killed,
            at,
        } = status
        {
            let exit = Exit {
                code,
                oom_killed,
                at,
            };
            self.record_exit(id, &spec, exit, Transition::Die, None)?;
        }
        Ok(())
    }

    /// The process is gone: record how it ended, free its resources, honour --rm.
    pub fn record_exit(
        &mut self,
        id: &str,
        spec: &LaunchSpec,
        exit: Exit,
        how: Transition,
        note: Option<String>,
    ) -> EngineResult<()> {
        let Exit {
            code,
            oom_killed,
            at,
        } = exit;
        let Some(mut c) = self.containers.get(id).cloned() else {
            return Ok(());
        };
        self.runtime.cleanup(spec)?;
        // Under the logical clock a real process's wall-clock exit time would lie in the
        // logical future; the exit happened "now" on the timeline this engine keeps.
        let at = if self.meta.clock.is_logical() {
            at.min(self.meta.clock.now())
        } else {
            at
        };
        c.state.exit_code = code;
        c.state.oom_killed = oom_killed;
        c.state.finished_at = Some(at);
        c.state.pid = 0;
        c.record(how, ContainerStatus::Exited, note);
        c.push_memory_sample("stopped", 0, None);
        if c.host_config.auto_remove {
            // The record is deleted next: writing it durably first would only wait for the
            // disk. A crash in between leaves the older record, which the next invocation
            // brings up to date from the monitor's exit file.
            self.containers.insert(c.id.clone(), c);
            self.mark_changed();
            return self.remove_container_files(id);
        }
        self.save_container(c)
    }

    /// Deletes a container's record and writable layer (the engine has decided it may).
    pub fn remove_container_files(&mut self, id: &str) -> EngineResult<()> {
        if let Some(mut c) = self.containers.remove(id) {
            let how = if c.status().has_process() {
                Transition::ForceRemove
            } else {
                Transition::Remove
            };
            c.record(how, ContainerStatus::Removed, None);
            self.meta.last_removed = Some(c);
        }
        self.store.remove_rw_layer(id)?;
        self.remove_container_dir(id)
    }

    /// containers/<id>, if it is still there.
    fn remove_container_dir(&mut self, id: &str) -> EngineResult<()> {
        self.pending_records.remove(id);
        let dir = self.container_dir(id);
        match crate::store::remove_dir_forcing(&dir) {
            Ok(()) => {}
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => {}
            Err(e) => return Err(EngineError::io(&dir, e)),
        }
        self.mark_changed();
        Ok(())
    }
}

#[cfg(test)]
#[path = "shared_root_tests.rs"]
mod shared_root_tests;
#[cfg(test)]
mod test_session;
