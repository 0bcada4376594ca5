//! Control groups for one container: create, join, freeze/thaw, measure, remove.
//! The cgroupfs root and /proc are parameters so that tests can run on a fake tree of plain files.
mod files;
mod memory;
#[cfg(test)]
mod tests;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

pub use files::poll_until;
pub use memory::{host_total_memory, parse_kv, usage_minus_inactive};

use crate::backend::MemoryReading;

#[derive(Debug, thiserror::Error)]
pub enum CgroupError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: did not read back {want:?} in time (last read {last:?})")]
    NotReached {
        path: PathBuf,
        want: String,
        last: String,
    },
    #[error("{path}: unexpected content {content:?}")]
    Parse { path: PathBuf, content: String },
    #[error(
        "{path}: a cgroup of that name still holds processes (left over from an earlier run?); remove them first"
    )]
    InUse { path: PathBuf },
}

impl CgroupError {
    pub(crate) fn io(path: &Path, source: std::io::Error) -> Self {
        CgroupError::Io {
            path: path.to_path_buf(),
            source,
        }
    }
}

pub type CgResult<T> = Result<T, CgroupError>;

/// Which cgroup hierarchy we drive.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CgroupMode {
    /// v1 controllers under `<root>/<controller>/` (legacy, or hybrid with an extra v2 mount).
    V1,
    /// One unified v2 tree at `<root>`.
    V2,
}

const CGROUP2_SUPER_MAGIC: i64 = 0x6367_7270;
const TMPFS_MAGIC: i64 = 0x0102_1994;

/// Pure part of the detection: the filesystem magic of `<root>` and of `<root>/unified`.
/// Hybrid (tmpfs with a cgroup2 `unified/`) uses the v1 controllers, as Docker 20.10 does.
pub fn classify(root_magic: i64, _unified_magic: Option<i64>) -> CgroupMode {
    if root_magic == CGROUP2_SUPER_MAGIC {
        CgroupMode::V2
    } else {
        // TMPFS_MAGIC with or without unified/: v1 controllers either way.
        let _ = TMPFS_MAGIC;
        CgroupMode::V1
    }
}

/// Where the cgroupfs and /proc are, and which hierarchy to drive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CgroupSetup {
    pub root: PathBuf,
    pub proc_root: PathBuf,
    pub mode: CgroupMode,
}

impl CgroupSetup {
    /// Look at the real machine: statfs on `root` (normally /sys/fs/cgroup).
    pub fn detect(root: &Path) -> CgResult<CgroupSetup> {
        let magic = |p: &Path| -> CgResult<i64> {
            let st = nix::sys::statfs::statfs(p)
                .map_err(|e| CgroupError::io(p, std::io::Error::from(e)))?;
            Ok(st.filesystem_type().0 as i64)
        };
        let root_magic = magic(root)?;
        let unified = root.join("unified");
        let unified_magic = magic(&unified).ok();
        Ok(CgroupSetup {
            root: root.to_path_buf(),
            proc_root: PathBuf::from("/proc"),
            mode: classify(root_magic, unified_magic),
        })
    }
}

/// Where a container's cgroups go, relative to each hierarchy's root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CgroupParent {
    /// `<hierarchy>/<name>/<id>`, e.g. `memory/dockerlings/<id>` (what Docker does with /docker).
    Fixed(String),
    /// Below the calling process's own cgroup in each hierarchy (from /proc/self/cgroup), so a
    /// process confined by its caller stays inside its caller's limits.
    NestedInSelf(String),
}

impl CgroupParent {
    /// The same parent, its name suffixed with a short hash of `root` (the store root).
    pub fn for_root(&self, root: &Path) -> CgroupParent {
        use sha2::Digest;
        let canonical = root.canonicalize().unwrap_or_else(|_| root.to_path_buf());
        let digest = sha2::Sha256::digest(canonical.as_os_str().as_encoded_bytes());
        let tag = hex::encode(&digest[..4]);
        match self {
            CgroupParent::Fixed(n) => CgroupParent::Fixed(format!("{n}-{tag}")),
            CgroupParent::NestedInSelf(n) => CgroupParent::NestedInSelf(format!("{n}-{tag}")),
        }
    }
}

/// The v1 controllers we use.
pub const V1_CONTROLLERS: [&str; 3] = ["memory", "pids", "freezer"];

/// One container's cgroup(s).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContainerCgroup {
    pub mode: CgroupMode,
    pub proc_root: PathBuf,
    /// v1: one dir per controller in V1_CONTROLLERS order; v2: exactly one dir.
    pub dirs: Vec<PathBuf>,
}

impl ContainerCgroup {
    pub fn new(setup: &CgroupSetup, parent: &CgroupParent, id: &str) -> CgResult<ContainerCgroup> {
        let self_cgroups = match parent {
            CgroupParent::NestedInSelf(_) => {
                let path = setup.proc_root.join("self/cgroup");
                let text = std::fs::read_to_string(&path).map_err(|e| CgroupError::io(&path, e))?;
                Some(text)
            }
            CgroupParent::Fixed(_) => None,
        };
        let (CgroupParent::Fixed(name) | CgroupParent::NestedInSelf(name)) = parent;
        let under = |hierarchy: PathBuf, key: &str| -> PathBuf {
            let own = self_cgroups
                .as_deref()
                .and_then(|t| memory::own_cgroup(t, key))
                .unwrap_or_default();
            let mut p = hierarchy;
            for part in own.split('/').filter(|s| !s.is_empty()) {
                p.push(part);
            }
            p.join(name).join(id)
        };
        let dirs = match setup.mode {
            CgroupMode::V1 => V1_CONTROLLERS
                .iter()
                .map(|c| under(setup.root.join(c), c))
                .collect(),
            CgroupMode::V2 => vec![under(setup.root.clone(), "")],
        };
        Ok(ContainerCgroup {
            mode: setup.mode,
            proc_root: setup.proc_root.clone(),
            dirs,
        })
    }

    fn dir(&self, controller: &str) -> &Path {
        match self.mode {
            CgroupMode::V2 => &self.dirs[0],
            CgroupMode::V1 => {
                let i = V1_CONTROLLERS
                    .iter()
                    .position(|c| *c == controller)
                    .unwrap_or(0);
                &self.dirs[i]
            }
        }
    }

    /// The directory shown to users (the memory cgroup on v1).
    pub fn display_path(&self) -> &Path {
        self.dir("memory")
    }

    /// Create the directories (and, on v2, enable memory+pids for the children of each parent).
    pub fn create(&self) -> CgResult<()> {
        // A cgroup left by an earlier container of the same id (a crash, a deterministic id)
        // must not be reused: a frozen one would freeze the new process, an old limit would
        // apply to it. Thaw it so its processes can go, and take it away if it is empty.
        for d in &self.dirs {
            if !d.exists() {
                continue;
            }
            let _ = files::write(&d.join("freezer.state"), "THAWED");
            let _ = files::write(&d.join("cgroup.freeze"), "0");
            if std::fs::remove_dir(d).is_err() && d.exists() {
                return Err(CgroupError::InUse { path: d.clone() });
            }
        }
        for d in &self.dirs {
            if self.mode == CgroupMode::V2
                && let Some(parent) = d.parent()
            {
                std::fs::create_dir_all(parent).map_err(|e| CgroupError::io(parent, e))?;
                files::enable_v2_controllers(d);
            }
            std::fs::create_dir_all(d).map_err(|e| CgroupError::io(d, e))?;
        }
        Ok(())
    }

    /// Move `pid` into every cgroup of the container.
    pub fn join(&self, pid: u32) -> CgResult<()> {
        for d in &self.dirs {
            files::write(&d.join("cgroup.procs"), &pid.to_string())?;
        }
        Ok(())
    }

    pub fn set_memory_limit(&self, bytes: u64) -> CgResult<()> {
        match self.mode {
            CgroupMode::V1 => files::write(
                &self.dir("memory").join("memory.limit_in_bytes"),
                &bytes.to_string(),
            ),
            CgroupMode::V2 => files::write(&self.dirs[0].join("memory.max"), &bytes.to_string()),
        }
    }

    /// Pids of every process in the container's cgroup.
    pub fn procs(&self) -> CgResult<Vec<u32>> {
        let path = self.dir("freezer").join("cgroup.procs");
        let text = files::read(&path)?;
        Ok(text.lines().filter_map(|l| l.trim().parse().ok()).collect())
    }

    /// Freeze every process and wait until the kernel says it is frozen; returns how long it took.
    /// On failure the cgroup is thawed again so no half-frozen container is left behind.
    pub fn freeze(&self) -> CgResult<Duration> {
        let started = Instant::now();
        let result = match self.mode {
            CgroupMode::V1 => {
                let state = self.dir("freezer").join("freezer.state");
                files::write(&state, "FROZEN")
                    .and_then(|_| files::wait_for(&state, |s| s.trim() == "FROZEN", "FROZEN"))
            }
            CgroupMode::V2 => {
                files::write(&self.dirs[0].join("cgroup.freeze"), "1").and_then(|_| {
                    files::wait_for(
                        &self.dirs[0].join("cgroup.events"),
                        |s| s.lines().any(|l| l.trim() == "frozen 1"),
                        "frozen 1",
                    )
                })
            }
        };
        match result {
            Ok(()) => Ok(started.elapsed()),
            Err(e) => {
                let _ = self.thaw();
                Err(e)
            }
        }
    }

    /// Thaw every process and wait until the kernel says so; returns how long it took.
    pub fn thaw(&self) -> CgResult<Duration> {
        let started = Instant::now();
        match self.mode {
            CgroupMode::V1 => {
                let state = self.dir("freezer").join("freezer.state");
                files::write(&state, "THAWED")?;
                files::wait_for(&state, |s| s.trim() == "THAWED", "THAWED")?;
            }
            CgroupMode::V2 => {
                files::write(&self.dirs[0].join("cgroup.freeze"), "0")?;
                files::wait_for(
                    &self.dirs[0].join("cgroup.events"),
                    |s| s.lines().any(|l| l.trim() == "frozen 0"),
                    "frozen 0",
                )?;
            }
        }
        Ok(started.elapsed())
    }

    /// Whether the kernel reports the container frozen right now.
    pub fn is_frozen(&self) -> CgResult<bool> {
        Ok(match self.mode {
            CgroupMode::V1 => {
                files::read(&self.dir("freezer").join("freezer.state"))?.trim() == "FROZEN"
            }
            CgroupMode::V2 => files::read(&self.dirs[0].join("cgroup.events"))?
                .lines()
                .any(|l| l.trim() == "frozen 1"),
        })
    }

    /// Memory as `docker stats` shows it, and the pid count. `host_total` stands in for "unlimited".
    pub fn memory(&self, host_total: u64) -> CgResult<MemoryReading> {
        memory::read(self, host_total)
    }

    /// Whether the kernel OOM-killed something in this cgroup.
    pub fn oom_killed(&self) -> bool {
        memory::oom_killed(self)
    }

    /// Remove the directories; the processes must be gone (retries briefly while the kernel
    /// still counts exiting tasks: EBUSY). Missing directories are fine.
    pub fn remove(&self) -> CgResult<()> {
        let mut first_err = None;
        for d in &self.dirs {
            if let Err(e) = files::rmdir_retry(d)
                && first_err.is_none()
            {
                first_err = Some(e);
            }
            // The root's parent cgroup goes with its last container (busy or not empty: kept).
            if let Some(parent) = d.parent() {
                let _ = std::fs::remove_dir(parent);
            }
        }
        match first_err {
            Some(e) => Err(e),
            None => Ok(()),
        }
    }
}
