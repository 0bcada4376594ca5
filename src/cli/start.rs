//! Choosing the backend and opening a session, for the binary and for tests.
use std::path::{Path, PathBuf};

use crate::backend::{BackendKind, Runtime};
use crate::engine::Engine;
use crate::render::style::Style;

use super::session::{Session, SessionOptions};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum BackendChoice {
    Sim,
    Linux,
    Auto,
}

/// The backend to use, and for `auto` a one-line reason when it falls back to the simulator.
pub fn choose_backend(choice: BackendChoice) -> Result<(BackendKind, Option<String>), String> {
    match choice {
        BackendChoice::Sim => Ok((BackendKind::Sim, None)),
        BackendChoice::Linux => crate::backend::linux::probe()
            .map(|()| (BackendKind::Linux, None))
            .map_err(|why| format!("the linux backend cannot run here: {why}")),
        BackendChoice::Auto => match crate::backend::linux::probe() {
            Ok(()) => Ok((BackendKind::Linux, None)),
            Err(why) => Ok((
                BackendKind::Sim,
                Some(format!("using the simulator: {why}")),
            )),
        },
    }
}

pub fn make_runtime(kind: BackendKind) -> Result<Box<dyn Runtime>, String> {
    match kind {
        BackendKind::Sim => Ok(Box::new(crate::backend::sim::SimRuntime::new())),
        BackendKind::Linux => crate::backend::linux::runtime(),
    }
}

pub fn open_session(
    root: &Path,
    kind: BackendKind,
    deterministic: bool,
    opts: SessionOptions,
) -> Result<Session, crate::engine::EngineError> {
    let runtime = make_runtime(kind).map_err(crate::engine::EngineError::Daemon)?;
    let engine = Engine::open(root, runtime, deterministic)?;
    Ok(Session::new(engine, opts))
}

/// A simulator root with the built-in images installed, kept as a cache under $TMPDIR and
/// keyed by this executable (so a rebuilt program makes a new one): fresh scratch roots are
/// hard-linked copies of it (`cp -al`). That is safe because image layers are never written
/// in place (copy-up writes a container's own upper dir; store files are replaced by rename).
/// None when it cannot be made: callers then install the images into each root.
fn sim_template() -> Option<&'static std::path::Path> {
    static TEMPLATE: std::sync::OnceLock<Option<HeldTemplate>> = std::sync::OnceLock::new();
    TEMPLATE
        .get_or_init(|| make_sim_template().and_then(HeldTemplate::hold))
        .as_ref()
        .map(|t| t.path.as_path())
}

/// A template this process uses, with a shared lock on its `complete` file for as long as
/// the process lives: scratch roots link into it, so no other process may remove it then
/// (see `remove_stale_templates`, which takes the lock exclusively first).
struct HeldTemplate {
    path: std::path::PathBuf,
    _in_use: nix::fcntl::Flock<std::fs::File>,
}

impl HeldTemplate {
    fn hold(path: std::path::PathBuf) -> Option<HeldTemplate> {
        let file = std::fs::File::open(path.join("complete")).ok()?;
        // Refused only while another process is removing it: do without a template then.
        let lock = nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockSharedNonblock).ok()?;
        path.join("complete").exists().then_some(HeldTemplate {
            path,
            _in_use: lock,
        })
    }
}

fn make_sim_template() -> Option<std::path::PathBuf> {
    use sha2::Digest;
    use std::os::unix::fs::MetadataExt;
    let exe = std::env::current_exe().ok()?;
    let meta = std::fs::metadata(&exe).ok()?;
    let key = sha2::Sha256::digest(format!(
        "{}\0{}\0{}\0{}",
        env!("CARGO_PKG_VERSION"),
        exe.display(),
        meta.mtime_nsec() + meta.mtime() * 1_000_000_000,
        meta.size()
    ));
    let uid = nix::unistd::geteuid();
    let path = std::env::temp_dir().join(format!(
        "dockerlings-template-{uid}-{}",
        hex::encode(&key[..8])
    ));
    if path.join("complete").exists() {
        // Scratch roots share its layer trees: mark it in use, so that a process of another
        // build does not take it for stale (see remove_stale_templates).
        let _ = std::fs::File::options()
            .write(true)
            .open(path.join("complete"))
            .and_then(|f| f.set_modified(std::time::SystemTime::now()));
        return Some(path);
    }
    remove_stale_templates(&format!("dockerlings-template-{uid}-"));
    let building = tempfile::Builder::new()
        .prefix("dockerlings-template-build-")
        .tempdir()
        .ok()?;
    let runtime = make_runtime(BackendKind::Sim).ok()?;
    Engine::open(building.path(), runtime, true).ok()?;
    std::fs::write(building.path().join("complete"), b"").ok()?;
    let built = building.keep();
    if std::fs::rename(&built, &path).is_err() {
        // Another process finished first: use its template.
        let _ = std::fs::remove_dir_all(&built);
    }
    path.join("complete").exists().then_some(path)
}

/// Templates of other builds (a rebuilt program makes a new one), untouched for ten minutes
/// and held by no running process, are removed: each is ~12 MB, in RAM when $TMPDIR is a
/// tmpfs, and every rebuilt test or bench binary makes one.
fn remove_stale_templates(prefix: &str) {
    let Ok(entries) = std::fs::read_dir(std::env::temp_dir()) else {
        return;
    };
    let unused_for = std::time::Duration::from_secs(10 * 60);
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().to_string();
        let complete = entry.path().join("complete");
        let stale = complete
            .metadata()
            .and_then(|m| m.modified())
            .ok()
            .and_then(|t| t.elapsed().ok())
            .is_some_and(|age| age > unused_for);
        if !name.starts_with(prefix) || !stale {
            continue;
        }
        let Ok(file) = std::fs::File::open(&complete) else {
            continue;
        };
        // Held (shared) by a process whose scratch roots link into it: leave it.
        if let Ok(_removing) =
            nix::fcntl::Flock::lock(file, nix::fcntl::FlockArg::LockExclusiveNonblock)
        {
            let _ = std::fs::remove_dir_all(entry.path());
        }
    }
}

/// A fresh root for the simulator: a clone of the template, with the engine's record of a
/// root whose base images are installed and whose clock has not started.
fn fresh_sim_root(dir: &std::path::Path) -> Result<(), String> {
    let Some(template) = sim_template() else {
        return Ok(());
    };
    if super::template_clone::clone_template(template, dir).is_err() {
        // A different filesystem or a damaged cache: start from an empty root instead.
        for entry in std::fs::read_dir(dir).map_err(|e| e.to_string())?.flatten() {
            let _ = std::fs::remove_dir_all(entry.path())
                .or_else(|_| std::fs::remove_file(entry.path()));
        }
        return Ok(());
    }
    std::fs::create_dir(dir.join("tmp")).map_err(|e| e.to_string())?;
    write_fresh_engine_record(dir)
}

/// engine.json of a root whose base images are installed and whose clock has not started.
fn write_fresh_engine_record(dir: &std::path::Path) -> Result<(), String> {
    let mut meta = crate::engine::meta::EngineMeta::default_for(true);
    meta.base_images_installed = true;
    let bytes = serde_json::to_vec(&meta).map_err(|e| e.to_string())?;
    std::fs::write(dir.join("engine.json"), bytes).map_err(|e| e.to_string())
}

/// A scratch session on `used`, a simulator scratch root a finished replay leaves: renamed
/// and reset to a fresh clone of the template (cli::template_reset). On failure the root
/// is removed and the error returned: the caller makes a fresh one.
pub fn reused_scratch_session(used: PathBuf) -> Result<(PathBuf, Session), String> {
    let fail = |root: &std::path::Path, e: String| {
        remove_scratch_root(root);
        e
    };
    let Some(template) = sim_template() else {
        return Err(fail(&used, "no template root".into()));
    };
    let root = match super::template_reset::rename_fresh(&used) {
        Ok(r) => r,
        Err(e) => return Err(fail(&used, e.to_string())),
    };
    let reset = super::template_reset::reset_to_template(template, &root)
        .map_err(|e| e.to_string())
        .and_then(|()| write_fresh_engine_record(&root));
    if let Err(e) = reset {
        return Err(fail(&root, e));
    }
    match open_session(&root, BackendKind::Sim, true, scratch_options()) {
        Ok(session) => Ok((root, session)),
        Err(e) => Err(fail(&root, e.to_string())),
    }
}

/// Removes a scratch root (its layers may hold read-only dirs).
pub fn remove_scratch_root(root: &std::path::Path) {
    let _ = crate::store::remove_dir_forcing(root);
}

fn scratch_options() -> SessionOptions {
    SessionOptions {
        diagrams: false,
        style: Style::plain(80, false),
        interactive: false,
        stdin_free: false,
    }
}

/// A fresh session on a temporary root, as `replay` and the tests use it: deterministic,
/// width 80, no colour, no diagrams.
pub fn scratch_session(kind: BackendKind) -> Result<(tempfile::TempDir, Session), String> {
    let dir = tempfile::Builder::new()
        .prefix("dockerlings-")
        .tempdir()
        .map_err(|e| format!("cannot make a temporary root: {e}"))?;
    if kind == BackendKind::Sim {
        // Before the clone makes the layout (see store/spread.rs).
        crate::store::spread::spread_subdirs(dir.path());
        fresh_sim_root(dir.path())?;
    }
    let session =
        open_session(dir.path(), kind, true, scratch_options()).map_err(|e| e.to_string())?;
    Ok((dir, session))
}

pub fn root_or_default(root: Option<PathBuf>, kind: BackendKind) -> PathBuf {
    root.unwrap_or_else(|| super::paths::default_root(kind))
}

#[cfg(test)]
mod tests {
    use super::remove_stale_templates;

    /// A template unused for ten minutes goes, unless a process holds it (its scratch roots
    /// link into it); one used lately stays.
    #[test]
    fn stale_templates_go_unless_held_or_recent() {
        let prefix = format!("dockerlings-template-test-{}-", std::process::id());
        let make = |name: &str, age_secs: u64| {
            let dir = std::env::temp_dir().join(format!("{prefix}{name}"));
            std::fs::create_dir_all(&dir).unwrap();
            let complete = std::fs::File::create(dir.join("complete")).unwrap();
            let then = std::time::SystemTime::now() - std::time::Duration::from_secs(age_secs);
            complete.set_modified(then).unwrap();
            dir
        };
        let stale = make("stale", 3600);
        let held = make("held", 3600);
        let recent = make("recent", 5);
        let lock = nix::fcntl::Flock::lock(
            std::fs::File::open(held.join("complete")).unwrap(),
            nix::fcntl::FlockArg::LockSharedNonblock,
        )
        .unwrap();
        remove_stale_templates(&prefix);
        assert!(!stale.exists());
        assert!(held.exists(), "held by a running process");
        assert!(recent.exists());
        drop(lock);
        remove_stale_templates(&prefix);
        assert!(!held.exists(), "released, it is stale");
        std::fs::remove_dir_all(recent).unwrap();
    }
}
