//! The lesson runner wired to the real program: a `cli::Session` as `LessonHost`, and the
//! engine's state as `StateProbe`.
//!
//! `StateProbe` takes `&self`, but reading memory asks the backend (`Runtime::memory` takes
//! `&mut`, the kernel backend reads the cgroup). So the host reads memory right after every
//! line it runs and the probe answers from that reading: between two lines nothing the
//! lesson can observe happens, so the reading is current.
use std::collections::BTreeMap;
use std::path::PathBuf;

use super::probe::StateProbe;
use super::runner::LessonHost;
use crate::backend::BackendKind;
use crate::cli::Session;
use crate::engine::Engine;
use crate::engine::images::chain_ids;
use crate::engine::state::ContainerStatus;
use crate::image::changes::ChangeKind;
use crate::render::style::Style;

/// A session on its own temporary root; `reset` replaces both.
pub struct SessionHost {
    kind: BackendKind,
    session: Session,
    /// Kept so the root lives as long as the session; removed on drop.
    root: tempfile::TempDir,
    /// The lesson's host-side files (archives), where relative paths land.
    files: tempfile::TempDir,
    /// Container id → resident bytes, read after the last line.
    memory: BTreeMap<String, u64>,
}

/// A fresh session on a temporary root. On the kernel the ids are random, not seeded:
/// cgroups are named by container id and are global to the machine, so seeded ids would
/// collide with any other scratch root (a test, a replay) running at the same time.
/// The second directory holds the lesson's host files (`save -o app.tar`).
fn scratch(kind: BackendKind) -> Result<(tempfile::TempDir, tempfile::TempDir, Session), String> {
    let files = tempfile::Builder::new()
        .prefix("dockerlings-files-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary directory: {e}"))?;
    let (root, mut session) = crate::cli::start::scratch_session(kind)?;
    if kind != BackendKind::Sim {
        let opts = session.opts.clone();
        drop(session);
        session = crate::cli::start::open_session(root.path(), kind, false, opts)
            .map_err(|e| e.to_string())?;
    }
    session.host_dir = Some(files.path().to_path_buf());
    Ok((root, files, session))
}

impl SessionHost {
    pub fn new(kind: BackendKind) -> Result<SessionHost, String> {
        SessionHost::styled(kind, Style::plain(80, false))
    }

    /// A host whose diagrams and banners follow `style` (width, `--ascii`).
    pub fn styled(kind: BackendKind, style: Style) -> Result<SessionHost, String> {
        let (root, files, mut session) = scratch(kind)?;
        session.opts.style = style;
        let mut host = SessionHost {
            kind,
            session,
            root,
            files,
            memory: BTreeMap::new(),
        };
        host.read_memory();
        Ok(host)
    }

    pub fn session(&mut self) -> &mut Session {
        &mut self.session
    }

    fn engine(&self) -> &Engine {
        &self.session.engine
    }

    /// Host files (`save -o app.tar`) are looked up where the session puts relative paths.
    fn host_path(&self, path: &str) -> PathBuf {
        self.files.path().join(path)
    }

    fn read_memory(&mut self) {
        self.memory.clear();
        let engine = &mut self.session.engine;
        let live: Vec<_> = engine
            .containers
            .values()
            .filter(|c| c.status().has_process())
            .cloned()
            .collect();
        for c in live {
            let Ok(spec) = engine.launch_spec(&c) else {
                continue;
            };
            let clock = engine.meta.clock.clone();
            if let Ok(m) = engine.runtime.memory(&spec, &clock) {
                self.memory.insert(c.id.clone(), m.usage);
            }
        }
    }

    /// Stops every container with a process, so a kernel root leaves nothing behind.
    fn tear_down(&mut self) {
        let live: Vec<String> = self
            .engine()
            .containers
            .values()
            .filter(|c| c.status() != ContainerStatus::Removed)
            .map(|c| c.id.clone())
            .collect();
        if !live.is_empty() {
            self.session.feed_line(&format!("rm -f {}", live.join(" ")));
        }
    }
}

impl Drop for SessionHost {
    fn drop(&mut self) {
        self.tear_down();
    }
}

impl LessonHost for SessionHost {
    fn run(&mut self, line: &str) -> (String, String, i32) {
        let o = self.session.feed_line(line);
        self.read_memory();
        (o.output.stdout, o.output.stderr, o.exit)
    }

    fn probe(&self) -> &dyn StateProbe {
        self
    }

    fn ascii(&self) -> bool {
        self.session.opts.style.ascii
    }

    fn diagram(&mut self, spec: &str) -> Option<String> {
        let o = self.session.feed_line(&format!("show {spec}"));
        (o.exit == 0 && !o.output.stdout.is_empty()).then_some(o.output.stdout)
    }

    fn reset(&mut self) {
        self.tear_down();
        match scratch(self.kind) {
            Ok((root, files, session)) => {
                self.session = session;
                self.root = root;
                self.files = files;
                self.memory.clear();
            }
            // The old session stays: the lesson then fails its checks and says why.
            Err(e) => eprintln!("dockerlings: cannot reset the lesson state: {e}"),
        }
    }
}

impl StateProbe for SessionHost {
    fn container_status(&self, name: &str) -> Option<ContainerStatus> {
        self.engine().container(name).map(|c| c.status())
    }

    fn container_exit_code(&self, name: &str) -> Option<i32> {
        let c = self.engine().container(name)?;
        (c.status() == ContainerStatus::Exited && c.state.finished_at.is_some())
            .then_some(c.state.exit_code)
    }

    fn image_layers(&self, reference: &str) -> Option<usize> {
        image_layers(self.engine(), reference)
    }

    fn image_id(&self, reference: &str) -> Option<String> {
        let id = self.engine().store.resolve_image(reference)?;
        Some(if id.starts_with("sha256:") {
            id
        } else {
            format!("sha256:{id}")
        })
    }

    fn images_sharing_layers(&self, reference: &str) -> Option<usize> {
        let e = self.engine();
        let id = e.store.resolve_image(reference)?;
        let mine = chain_ids(&e.image_diff_ids(&id).ok()?);
        let top = mine.last()?;
        let ids = e.store.list_image_ids().ok()?;
        let n = ids
            .iter()
            .filter(|other| bare(other) != bare(&id))
            .filter(|other| {
                e.image_diff_ids(other)
                    .map(|d| chain_ids(&d).get(mine.len() - 1) == Some(top))
                    .unwrap_or(false)
            })
            .count();
        Some(n)
    }

    fn writable_layer_change(&self, container: &str, path: &str) -> Option<char> {
        let e = self.engine();
        let id = e.resolve_container(container)?;
        let changes = e.container_changes(&id).ok()?;
        changes
            .iter()
            .find(|c| c.path == path)
            .map(|c| match c.kind {
                ChangeKind::Added => 'A',
                ChangeKind::Modified => 'C',
                ChangeKind::Deleted => 'D',
            })
    }

    fn memory_bytes(&self, container: &str) -> Option<u64> {
        let id = self.engine().resolve_container(container)?;
        Some(self.memory.get(&id).copied().unwrap_or(0))
    }

    fn running_count(&self) -> usize {
        self.engine()
            .containers
            .values()
            .filter(|c| c.status() == ContainerStatus::Running)
            .count()
    }

    fn container_count(&self) -> usize {
        self.engine()
            .containers
            .values()
            .filter(|c| c.status() != ContainerStatus::Removed)
            .count()
    }

    fn containers_from_image(&self, reference: &str) -> usize {
        let Some(id) = self.engine().store.resolve_image(reference) else {
            return 0;
        };
        self.engine()
            .containers
            .values()
            .filter(|c| c.status() != ContainerStatus::Removed && bare(&c.image_id) == bare(&id))
            .count()
    }

    fn host_file_exists(&self, path: &str) -> bool {
        self.host_path(path).exists()
    }

    fn archive_image_ids(&self, path: &str) -> Option<Vec<String>> {
        super::archive_ids::archive_image_ids(&self.host_path(path))
    }
}

fn bare(id: &str) -> &str {
    id.strip_prefix("sha256:").unwrap_or(id)
}

fn image_layers(e: &Engine, reference: &str) -> Option<usize> {
    let id = e.store.resolve_image(reference)?;
    e.image_diff_ids(&id).ok().map(|d| d.len())
}
