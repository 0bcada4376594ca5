//! An in-memory index of a read-only layer's file tree, so that lookups there cost no
//! system calls after the first (every PATH search walks every layer; a stat per component and
//! layer was most of the simulator's command time).
//!
//! Only read-only layers are indexed: `.../overlay2/<64-hex cache id>/diff` given as a
//! lower. Such a dir is never written after it is renamed into place, and its path names its
//! content for as long as any root holds it: a cache id is random (never reused), or, under
//! --deterministic, derived from the layer's chain id (the same path is the same layer).
//! A container's `-init` layer is indexed too, checked against its dir's identity (see
//! `layer_index`); the upper dir is looked up on disk. Indexes are kept for the process,
//! keyed by path; the shared trees of scratch roots (cli::template_clone) are indexed
//! once, by their target. A layer is listed one directory at a time, as lookups reach it,
//! and an entry is stat'ed only when a lookup finds it: a one-shot `run` pays only for
//! the few dirs it visits.
use std::collections::HashMap;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex, OnceLock};

use super::lookup::{FileKind, Meta};
use super::{FsError, OPAQUE_MARKER};
use crate::image::changes::{is_kernel_whiteout, is_opaque_dir};

/// One entry of an indexed directory. Its kind comes with the directory listing; its
/// metadata is read the first time a lookup finds it, and kept.
#[derive(Debug)]
pub(super) struct Entry {
    host: PathBuf,
    pub kernel_whiteout: bool,
    meta: OnceLock<Option<Meta>>,
}

/// An indexed directory: its entries as on disk (whiteout files included).
#[derive(Debug)]
pub(super) struct Dir {
    entries: HashMap<String, Arc<Entry>>,
    /// Names, sorted, each with whether it is a kernel whiteout (for merged listings).
    pub names: Vec<(String, bool)>,
    /// `.wh..wh..opq` (or the overlay xattr).
    pub opaque: bool,
}

/// A read-only layer's tree, listed one directory at a time as lookups reach it: a PATH
/// search lists the dirs on PATH once per process, and stats only what it finds.
#[derive(Debug)]
pub(super) struct LayerIndex {
    root: PathBuf,
    root_meta: Meta,
    /// Listed dirs by path relative to the root ("" is the root); None: not a directory.
    dirs: Mutex<HashMap<String, Option<Arc<Dir>>>>,
    /// For an `-init` layer: its root dir's identity when indexed (see `layer_index`).
    stamp: Option<Stamp>,
}

/// A dir's identity: device, inode and change time.
type Stamp = (u64, u64, i64, i64);

fn stamp_of(path: &Path) -> Option<Stamp> {
    let m = std::fs::metadata(path).ok()?;
    Some((m.dev(), m.ino(), m.ctime(), m.ctime_nsec()))
}

impl LayerIndex {
    fn new(root: &Path) -> Result<LayerIndex, FsError> {
        let meta = std::fs::metadata(root).map_err(|e| FsError::io(root, e))?;
        Ok(LayerIndex {
            root: root.to_path_buf(),
            root_meta: Meta::of(&meta, None),
            dirs: Mutex::new(HashMap::new()),
            stamp: None,
        })
    }

    /// The layer root's metadata and whether it is opaque.
    pub fn root(&self) -> (Meta, bool) {
        let opaque = self.dir(&[]).is_some_and(|d| d.opaque);
        (self.root_meta.clone(), opaque)
    }

    /// The directory at `comps`, listed on first use; None when it is not one.
    pub fn dir(&self, comps: &[String]) -> Option<Arc<Dir>> {
        let key = comps.join("/");
        let mut dirs = self.dirs.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(hit) = dirs.get(&key) {
            return hit.clone();
        }
        let mut host = self.root.clone();
        host.extend(comps);
        let listed = list_dir(&host).map(Arc::new);
        dirs.insert(key, listed.clone());
        listed
    }

    /// The entry at `comps` (not the root).
    pub fn entry(&self, comps: &[String]) -> Option<Arc<Entry>> {
        let (name, parent) = comps.split_last()?;
        self.dir(parent)?.entries.get(name).cloned()
    }

    /// Whether `parent` holds a `.wh.<name>` entry.
    pub fn has_whiteout(&self, parent: &[String], name: &str) -> bool {
        let wh = format!("{}{name}", super::WHITEOUT_PREFIX);
        self.dir(parent)
            .is_some_and(|d| d.entries.contains_key(&wh))
    }

    /// An entry's metadata (None if it cannot be read).
    pub fn meta(&self, entry: &Entry) -> Option<Meta> {
        entry
            .meta
            .get_or_init(|| {
                let m = std::fs::symlink_metadata(&entry.host).ok()?;
                let target = if m.file_type().is_symlink() {
                    let t = std::fs::read_link(&entry.host).ok()?;
                    Some(t.to_string_lossy().into_owned())
                } else {
                    None
                };
                Some(Meta::of(&m, target))
            })
            .clone()
    }
}

/// One directory's listing: names and kinds from readdir, a stat only for devices (to
/// tell a kernel whiteout, 0:0).
fn list_dir(host: &Path) -> Option<Dir> {
    use std::os::unix::fs::FileTypeExt;
    let mut entries = HashMap::new();
    let mut names = Vec::new();
    for entry in std::fs::read_dir(host).ok()? {
        let entry = entry.ok()?;
        let name = entry.file_name().to_string_lossy().into_owned();
        let kernel_whiteout = entry.file_type().ok()?.is_char_device()
            && entry.metadata().is_ok_and(|m| is_kernel_whiteout(&m));
        names.push((name.clone(), kernel_whiteout));
        entries.insert(
            name,
            Arc::new(Entry {
                host: entry.path(),
                kernel_whiteout,
                meta: OnceLock::new(),
            }),
        );
    }
    names.sort();
    let opaque = entries.contains_key(OPAQUE_MARKER) || is_opaque_dir(host);
    Some(Dir {
        entries,
        names,
        opaque,
    })
}

impl Meta {
    pub(super) fn of(m: &std::fs::Metadata, link_target: Option<String>) -> Meta {
        let ft = m.file_type();
        let kind = if ft.is_dir() {
            FileKind::Dir
        } else if ft.is_symlink() {
            FileKind::Symlink
        } else if ft.is_file() {
            FileKind::File
        } else {
            FileKind::Other
        };
        Meta {
            kind,
            size: m.len(),
            mode: m.permissions().mode() & 0o7777,
            mtime: m.mtime(),
            link_target,
        }
    }
}

/// What kind of layer tree a lower dir is, by its place in the store.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Kind {
    /// `.../overlay2/<64-hex>/diff`.
    Image,
    /// `.../overlay2/<64-hex>-init/diff`: a container's init layer.
    Init,
}

fn kind_of(path: &Path) -> Option<Kind> {
    let mut back = path.iter().rev();
    let (Some(diff), Some(id), Some(overlay)) = (back.next(), back.next(), back.next()) else {
        return None;
    };
    if diff != "diff" || overlay != "overlay2" {
        return None;
    }
    let id = id.to_string_lossy();
    let (hex, kind) = match id.strip_suffix("-init") {
        Some(hex) => (hex, Kind::Init),
        None => (id.as_ref(), Kind::Image),
    };
    (hex.len() == 64 && hex.bytes().all(|b| b.is_ascii_hexdigit())).then_some(kind)
}

#[cfg(test)]
fn is_image_layer_diff(path: &Path) -> bool {
    kind_of(path) == Some(Kind::Image)
}

/// Past this many paths the cache starts over: a process that opens many roots (the test
/// suite; scratch roots share their image layers) keeps the memory bounded, a layer's
/// listings being up to a few hundred entries.
const MAX_CACHED_PATHS: usize = 512;

type Cache = Mutex<HashMap<PathBuf, Arc<LayerIndex>>>;

/// The index of the lower dir `path`, made on first use; None when it is neither an image
/// layer nor an init layer (then it is read from disk). An unreadable layer is not indexed
/// either: the disk lookup reports its error.
///
/// An init layer is written once, when its container is created, but its files depend on
/// the container's `--hostname`, and its path could come back with other files if a root
/// were deleted and made again at the same place while this process runs (under
/// --deterministic the ids repeat): its index is used only while its root dir is the very
/// dir it was made from (device, inode, change time; one stat per union).
pub(super) fn layer_index(path: &Path) -> Option<Arc<LayerIndex>> {
    let kind = kind_of(path)?;
    static CACHE: OnceLock<Cache> = OnceLock::new();
    let cache = CACHE.get_or_init(Default::default);
    if kind == Kind::Init {
        let stamp = stamp_of(path)?;
        let hit = lock(cache).get(path).cloned();
        if let Some(hit) = hit
            && hit.stamp == Some(stamp)
        {
            return Some(hit);
        }
        let mut index = LayerIndex::new(path).ok()?;
        index.stamp = Some(stamp);
        let index = Arc::new(index);
        insert(cache, &[path], &index);
        return Some(index);
    }
    if let Some(hit) = lock(cache).get(path) {
        return Some(hit.clone());
    }
    // A scratch root's layer dir is a symlink to the template's, by its canonical path
    // (cli::template_clone): one readlink finds the tree, indexed once for all roots.
    // Another layer is indexed by its canonical path too.
    let target = match path.parent().map(std::fs::read_link) {
        Some(Ok(dir)) if dir.is_absolute() => dir.join("diff"),
        _ => std::fs::canonicalize(path).ok()?,
    };
    let found = lock(cache).get(&target).cloned();
    let index = match found {
        Some(index) => index,
        None => Arc::new(LayerIndex::new(&target).ok()?),
    };
    insert(cache, &[&target, path], &index);
    Some(index)
}

fn insert(cache: &Cache, paths: &[&Path], index: &Arc<LayerIndex>) {
    let mut map = lock(cache);
    if map.len() >= MAX_CACHED_PATHS {
        map.clear();
    }
    for p in paths {
        map.insert(p.to_path_buf(), index.clone());
    }
}

fn lock(cache: &Cache) -> std::sync::MutexGuard<'_, HashMap<PathBuf, Arc<LayerIndex>>> {
    cache.lock().unwrap_or_else(|p| p.into_inner())
}

#[cfg(test)]
mod tests {
    use super::super::{Layer, UnionFs};
    use super::*;

    const A: &str = "aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
    const B: &str = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    /// Two image layers in the store's form (top = A over base = B) and an upper dir.
    fn layers(t: &Path) -> (PathBuf, PathBuf, PathBuf) {
        let top = t.join(format!("overlay2/{A}/diff"));
        let base = t.join(format!("overlay2/{B}/diff"));
        let upper = t.join("upper");
        for d in ["etc", "home/user", "var/log", "usr/bin", "opt/keep"] {
            std::fs::create_dir_all(base.join(d)).unwrap();
        }
        std::fs::write(base.join("etc/motd"), "hello\n").unwrap();
        std::fs::write(base.join("etc/group"), "root:x:0:\n").unwrap();
        std::fs::write(base.join("var/log/syslog"), "log\n").unwrap();
        std::fs::write(base.join("usr/bin/ls"), "").unwrap();
        std::fs::write(base.join("opt/keep/old"), "").unwrap();
        std::os::unix::fs::symlink("usr/bin", base.join("bin")).unwrap();
        std::fs::set_permissions(base.join("var/log"), std::fs::Permissions::from_mode(0o750))
            .unwrap();
        for d in ["etc", "opt/keep", "home"] {
            std::fs::create_dir_all(top.join(d)).unwrap();
        }
        std::fs::write(top.join("etc/app.conf"), "x=1\n").unwrap();
        std::fs::write(top.join("etc/.wh.group"), "").unwrap();
        std::fs::write(top.join("opt/keep/.wh..wh..opq"), "").unwrap();
        std::fs::write(top.join("opt/keep/new"), "").unwrap();
        std::fs::write(top.join("home/.wh.user"), "").unwrap();
        std::fs::create_dir_all(&upper).unwrap();
        (top, base, upper)
    }

    fn answers(fs: &UnionFs) -> Vec<String> {
        let paths = [
            "/",
            "/etc",
            "/etc/motd",
            "/etc/group",
            "/etc/app.conf",
            "/bin",
            "/bin/ls",
            "/usr/bin/ls",
            "/var/log",
            "/var/log/syslog",
            "/opt/keep",
            "/opt/keep/old",
            "/opt/keep/new",
            "/home",
            "/home/user",
            "/nope",
            "/etc/motd/x",
            "/etc/.wh.group",
        ];
        let mut out = Vec::new();
        for p in paths {
            out.push(format!(
                "{p}: {:?} {:?} {:?} {:?}",
                fs.stat("/", p).map_err(|e| e.to_string()),
                fs.lstat("/", p).map_err(|e| e.to_string()),
                fs.read_dir("/", p).map_err(|e| e.to_string()),
                fs.read_file("/", p).map_err(|e| e.to_string()),
            ));
        }
        out
    }

    #[test]
    fn indexed_layers_answer_as_the_disk_does() {
        let t = tempfile::tempdir().unwrap();
        let (top, base, upper) = layers(t.path());
        let indexed = UnionFs::new(vec![top.clone(), base.clone()], upper.clone());
        // The same trees under names that are not image layers: read from disk.
        std::os::unix::fs::symlink(&top, t.path().join("top")).unwrap();
        std::os::unix::fs::symlink(&base, t.path().join("base")).unwrap();
        let disk = || {
            UnionFs::new(
                vec![t.path().join("top"), t.path().join("base")],
                upper.clone(),
            )
        };
        assert!(indexed.index_of(Layer::Lower(1)).is_some());
        assert!(disk().index_of(Layer::Lower(1)).is_none());
        assert_eq!(answers(&indexed), answers(&disk()));
        // And writes over indexed lowers still copy up and white out. (A union remembers
        // lookups until its own writes: the disk one is made after them.)
        indexed
            .write_file("/", "/etc/motd", b"more\n", true)
            .unwrap();
        indexed.remove("/", "/var/log", true).unwrap();
        indexed
            .write_file("/", "/etc/app.conf", b"", false)
            .unwrap();
        assert_eq!(answers(&indexed), answers(&disk()));
    }

    #[test]
    fn an_indexed_layer_is_read_from_memory_after_first_use() {
        let t = tempfile::tempdir().unwrap();
        let (top, base, upper) = layers(t.path());
        let first = UnionFs::new(vec![top.clone(), base.clone()], upper.clone());
        assert!(first.exists("/", "/var/log/syslog"));
        // Image layers never change; the index does not look again.
        std::fs::remove_file(base.join("var/log/syslog")).unwrap();
        let later = UnionFs::new(vec![top, base], upper);
        assert!(later.exists("/", "/var/log/syslog"));
    }

    #[test]
    fn only_image_layer_trees_are_indexed() {
        let yes = format!("/r/overlay2/{B}/diff");
        assert!(is_image_layer_diff(Path::new(&yes)));
        assert_eq!(
            kind_of(Path::new(&format!("/r/overlay2/{B}-init/diff"))),
            Some(Kind::Init)
        );
        for no in [
            format!("/r/overlay2/{B}-init/diff"),
            format!("/r/overlay2/{B}/work"),
            format!("/r/other/{B}/diff"),
            "/r/overlay2/xyz/diff".to_string(),
            "diff".to_string(),
        ] {
            assert!(!is_image_layer_diff(Path::new(&no)), "{no}");
        }
    }

    #[test]
    fn an_init_layer_made_again_at_the_same_path_is_indexed_again() {
        let t = tempfile::tempdir().unwrap();
        let init = t.path().join(format!("overlay2/{B}-init/diff"));
        std::fs::create_dir_all(init.join("etc")).unwrap();
        std::fs::write(init.join("etc/hostname"), "one\n").unwrap();
        let upper = t.path().join("upper");
        std::fs::create_dir_all(&upper).unwrap();
        let fs = UnionFs::new(vec![init.clone()], upper.clone());
        assert!(fs.index_of(Layer::Lower(0)).is_some());
        assert_eq!(fs.stat("/", "/etc/hostname").unwrap().size, 4);
        // The root removed and made again, the same container id, another --hostname.
        std::fs::remove_dir_all(t.path().join("overlay2")).unwrap();
        std::fs::create_dir_all(init.join("etc")).unwrap();
        std::fs::write(init.join("etc/hostname"), "another\n").unwrap();
        let fs = UnionFs::new(vec![init], upper);
        assert_eq!(fs.stat("/", "/etc/hostname").unwrap().size, 8);
    }
}
