//! Reading an image archive: a safe unpack into a scratch dir, then the layout's manifests.
use std::fs::{self, File};
use std::io::{self, Read};
use std::path::{Component, Path, PathBuf};

use serde::Deserialize;
use serde_json::Value;
use sha2::{Digest, Sha256};
use tar::EntryType;

use super::{ArchiveError, io_err};

/// One image found in an archive, its files already verified.
#[derive(Debug, Clone)]
pub struct ArchiveImage {
    pub config: Vec<u8>,
    /// Layer blobs in the scratch dir, base first; each (uncompressed) hashes to the
    /// config's diffID.
    pub layers: Vec<ArchiveLayer>,
    /// The config's diffIDs, one per layer (each checked against its blob).
    pub diff_ids: Vec<String>,
    /// References as the archive names them ("cowimg:v1", "docker.io/library/x:y").
    pub tags: Vec<String>,
}

/// A layer blob of an unpacked archive: a tar, or a gzip-compressed tar (OCI archives,
/// skopeo's `--dest-compress`, media type `…tar+gzip`), told apart by its magic bytes as
/// Docker's DecompressStream does (a media type may lie, the bytes cannot).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ArchiveLayer {
    pub path: PathBuf,
    pub gzip: bool,
}

impl ArchiveLayer {
    /// The uncompressed layer tar, streamed.
    pub fn open(&self) -> io::Result<Box<dyn Read>> {
        let file = io::BufReader::with_capacity(BLOB_BUFFER, File::open(&self.path)?);
        Ok(if self.gzip {
            Box::new(flate2::bufread::MultiGzDecoder::new(file))
        } else {
            Box::new(file)
        })
    }
}

const BLOB_BUFFER: usize = 1 << 20;
const GZIP_MAGIC: [u8; 2] = [0x1f, 0x8b];
const ZSTD_MAGIC: [u8; 4] = [0x28, 0xb5, 0x2f, 0xfd];

fn hostile(entry: &str, reason: &str) -> ArchiveError {
    ArchiveError::Hostile {
        entry: entry.to_string(),
        reason: reason.to_string(),
    }
}

/// `s` safe to print on a terminal: the tar reader quotes raw header bytes in its errors.
fn printable(s: &str) -> String {
    s.chars()
        .map(|c| {
            if c.is_ascii_graphic() || c == ' ' {
                c
            } else {
                '?'
            }
        })
        .collect()
}

/// A relative path without `..`, or an error.
fn clean_rel(name: &str) -> Result<PathBuf, ArchiveError> {
    let p = Path::new(name);
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::Normal(n) => out.push(n),
            Component::CurDir => {}
            Component::ParentDir => return Err(hostile(name, "path contains '..'")),
            Component::RootDir | Component::Prefix(_) => {
                return Err(hostile(name, "absolute path"));
            }
        }
    }
    Ok(out)
}

/// Creates the parents of `rel` under `dest`, refusing to pass through a symlink.
fn make_parents(dest: &Path, rel: &Path, name: &str) -> Result<(), ArchiveError> {
    let mut cur = dest.to_path_buf();
    let parts: Vec<_> = rel.components().collect();
    for part in &parts[..parts.len().saturating_sub(1)] {
        cur.push(part);
        match fs::symlink_metadata(&cur) {
            Ok(m) if m.is_dir() => {}
            Ok(_) => return Err(hostile(name, "parent is not a directory")),
            Err(_) => fs::create_dir(&cur).map_err(io_err(&cur))?,
        }
    }
    Ok(())
}

/// Unpacks `archive` into the (empty) dir `dest`: regular files, directories and relative
/// symlinks that stay inside; anything else is refused. Streams file contents to disk.
/// Returns the absolute symlinks it skipped (see `read_archive`).
pub fn unpack_archive(archive: impl Read, dest: &Path) -> Result<Vec<String>, ArchiveError> {
    let mut refused = Vec::new();
    let mut ar = tar::Archive::new(archive);
    let bad = |e: io::Error| ArchiveError::BadTar(printable(&e.to_string()));
    for entry in ar.entries().map_err(bad)? {
        let mut entry = entry.map_err(bad)?;
        let name = String::from_utf8_lossy(&entry.path_bytes()).into_owned();
        let rel = clean_rel(&name)?;
        if rel.as_os_str().is_empty() {
            continue;
        }
        make_parents(dest, &rel, &name)?;
        let target = dest.join(&rel);
        match entry.header().entry_type() {
            EntryType::Directory => match fs::symlink_metadata(&target) {
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Err(hostile(&name, "directory over a file")),
                Err(_) => fs::create_dir(&target).map_err(io_err(&target))?,
            },
            EntryType::Regular | EntryType::Continuous => {
                let mut f = fs::OpenOptions::new()
                    .write(true)
                    .create_new(true)
                    .open(&target)
                    .map_err(|_| hostile(&name, "duplicate entry"))?;
                io::copy(&mut entry, &mut f).map_err(bad)?;
            }
            EntryType::Symlink => {
                let link = entry
                    .link_name()
                    .map_err(bad)?
                    .ok_or_else(|| hostile(&name, "symlink without a target"))?
                    .into_owned();
                if link.is_absolute() {
                    // Not created; refused by read_archive unless the archive turns out not
                    // to be an image archive at all (an export has /etc/mtab -> /proc/mounts).
                    refused.push(name);
                    continue;
                }
                // The target, resolved lexically from the link's dir, must stay inside.
                let mut depth = rel.components().count() as i64 - 1;
                for c in link.components() {
                    match c {
                        Component::ParentDir => depth -= 1,
                        Component::Normal(_) => depth += 1,
                        _ => {}
                    }
                    if depth < 0 {
                        return Err(hostile(&name, "symlink points outside the archive"));
                    }
                }
                std::os::unix::fs::symlink(&link, &target)
                    .map_err(|_| hostile(&name, "duplicate entry"))?;
            }
            EntryType::Link => {
                let link = entry
                    .link_name()
                    .map_err(bad)?
                    .ok_or_else(|| hostile(&name, "hard link without a target"))?
                    .into_owned();
                let source = dest.join(clean_rel(&link.to_string_lossy())?);
                match fs::symlink_metadata(&source) {
                    Ok(m) if m.is_file() => {}
                    _ => return Err(hostile(&name, "hard link to a missing or special file")),
                }
                fs::hard_link(&source, &target).map_err(|_| hostile(&name, "duplicate entry"))?;
            }
            // PAX/GNU metadata entries are consumed by the tar reader itself.
            EntryType::XGlobalHeader | EntryType::XHeader => {}
            _ => return Err(hostile(&name, "not a file, directory or symlink")),
        }
    }
    Ok(refused)
}

/// `dir/rel` with symlinks resolved, required to stay inside `dir`.
fn inside(dir: &Path, rel: &str) -> Result<PathBuf, ArchiveError> {
    let clean = clean_rel(rel)?;
    let path = dir.join(&clean);
    let real = fs::canonicalize(&path).map_err(|_| ArchiveError::Missing {
        file: rel.to_string(),
    })?;
    let root = fs::canonicalize(dir).map_err(io_err(dir))?;
    if !real.starts_with(&root) {
        return Err(hostile(rel, "resolves outside the archive"));
    }
    Ok(real)
}

fn read_json(dir: &Path, rel: &str) -> Result<(Vec<u8>, Value), ArchiveError> {
    let path = inside(dir, rel)?;
    let bytes = fs::read(&path).map_err(io_err(&path))?;
    let value = serde_json::from_slice(&bytes).map_err(|e| ArchiveError::BadManifest {
        file: rel.to_string(),
        reason: e.to_string(),
    })?;
    Ok((bytes, value))
}

/// The layer blob at `path`, its compression told by its first bytes.
fn layer_blob(path: &Path, file: &str) -> Result<ArchiveLayer, ArchiveError> {
    let mut magic = [0u8; 4];
    let mut f = File::open(path).map_err(io_err(path))?;
    let mut got = 0;
    while got < magic.len() {
        match f.read(&mut magic[got..]).map_err(io_err(path))? {
            0 => break,
            n => got += n,
        }
    }
    if magic == ZSTD_MAGIC {
        return Err(ArchiveError::Compressed(file.to_string()));
    }
    Ok(ArchiveLayer {
        path: path.to_path_buf(),
        gzip: got >= 2 && magic[..2] == GZIP_MAGIC,
    })
}

/// Checks a config against its layers: every layer's sha256 must be its diffID.
fn verified(
    dir: &Path,
    config: Vec<u8>,
    layer_files: &[String],
    tags: Vec<String>,
) -> Result<ArchiveImage, ArchiveError> {
    let parsed: Value = serde_json::from_slice(&config).map_err(|e| ArchiveError::BadManifest {
        file: "image config".to_string(),
        reason: e.to_string(),
    })?;
    let diff_ids: Vec<String> = parsed["rootfs"]["diff_ids"]
        .as_array()
        .map(|a| {
            a.iter()
                .filter_map(|v| v.as_str().map(str::to_string))
                .collect()
        })
        .unwrap_or_default();
    if diff_ids.len() != layer_files.len() {
        return Err(ArchiveError::BadManifest {
            file: "manifest".to_string(),
            reason: format!(
                "{} layers listed, the config has {} diffIDs",
                layer_files.len(),
                diff_ids.len()
            ),
        });
    }
    let mut layers = Vec::new();
    for (file, expected) in layer_files.iter().zip(&diff_ids) {
        let path = inside(dir, file)?;
        let layer = layer_blob(&path, file)?;
        // The diffID is the digest of the uncompressed tar: a gzip blob is decompressed
        // (streamed, nothing kept) to check it before anything reaches the store.
        let actual = layer
            .open()
            .and_then(crate::util::digest::stream_digest)
            .map_err(|e| match e.kind() {
                io::ErrorKind::InvalidInput
                | io::ErrorKind::InvalidData
                | io::ErrorKind::UnexpectedEof => ArchiveError::BadTar(format!("{file}: {e}")),
                _ => ArchiveError::Io {
                    path: path.clone(),
                    source: e,
                },
            })?;
        if &actual != expected {
            return Err(ArchiveError::DigestMismatch {
                file: file.clone(),
                expected: expected.clone(),
                actual,
            });
        }
        layers.push(layer);
    }
    Ok(ArchiveImage {
        config,
        layers,
        diff_ids,
        tags,
    })
}

#[derive(Deserialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifestEntry {
    config: String,
    #[serde(default)]
    repo_tags: Option<Vec<String>>,
    #[serde(default)]
    layers: Vec<String>,
}

fn blob_path(digest: &str) -> String {
    format!("blobs/{}", digest.replacen(':', "/", 1))
}

/// The images of the archive unpacked in `dir`, in the order the archive lists them.
/// `absolute_links`: what `unpack_archive` skipped; in an image archive they are hostile.
pub fn read_archive(
    dir: &Path,
    absolute_links: &[String],
) -> Result<Vec<ArchiveImage>, ArchiveError> {
    let is_image = dir.join("manifest.json").exists() || dir.join("index.json").exists();
    if let (true, Some(first)) = (is_image, absolute_links.first()) {
        return Err(hostile(first, "absolute symlink"));
    }
    if dir.join("manifest.json").exists() {
        let (_, value) = read_json(dir, "manifest.json")?;
        let entries: Vec<DockerManifestEntry> =
            serde_json::from_value(value).map_err(|e| ArchiveError::BadManifest {
                file: "manifest.json".to_string(),
                reason: e.to_string(),
            })?;
        let mut out = Vec::new();
        for e in entries {
            let path = inside(dir, &e.config)?;
            let config = fs::read(&path).map_err(io_err(&path))?;
            out.push(verified(
                dir,
                config,
                &e.layers,
                e.repo_tags.unwrap_or_default(),
            )?);
        }
        return Ok(out);
    }
    if dir.join("index.json").exists() {
        let (_, index) = read_json(dir, "index.json")?;
        let mut out = Vec::new();
        oci_index(dir, &index, &mut out, 0)?;
        return Ok(out);
    }
    let mut names: Vec<String> = fs::read_dir(dir)
        .map_err(io_err(dir))?
        .flatten()
        .filter(|e| e.path().is_dir())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    Err(ArchiveError::NotImageArchive {
        first_dir: names.into_iter().next().unwrap_or_default(),
    })
}

fn bad(file: &str, reason: &str) -> ArchiveError {
    ArchiveError::BadManifest {
        file: file.to_string(),
        reason: reason.to_string(),
    }
}

fn oci_index(
    dir: &Path,
    index: &Value,
    out: &mut Vec<ArchiveImage>,
    depth: usize,
) -> Result<(), ArchiveError> {
    if depth > 4 {
        return Err(bad("index.json", "nested indexes too deep"));
    }
    let manifests = index["manifests"]
        .as_array()
        .ok_or_else(|| bad("index.json", "no manifests"))?;
    for m in manifests {
        let digest = m["digest"]
            .as_str()
            .ok_or_else(|| bad("index.json", "no digest"))?;
        let (_, manifest) = read_json(dir, &blob_path(digest))?;
        if manifest["manifests"].is_array() {
            oci_index(dir, &manifest, out, depth + 1)?;
            continue;
        }
        let ann = &m["annotations"];
        let name = ann["io.containerd.image.name"]
            .as_str()
            .or_else(|| ann["org.opencontainers.image.ref.name"].as_str())
            .filter(|n| n.contains(':') || n.contains('/'));
        let config_digest = manifest["config"]["digest"]
            .as_str()
            .ok_or_else(|| bad("manifest", "no config digest"))?;
        let config_path = inside(dir, &blob_path(config_digest))?;
        let config = fs::read(&config_path).map_err(io_err(&config_path))?;
        let layers: Vec<String> = manifest["layers"]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|l| l["digest"].as_str().map(blob_path))
                    .collect()
            })
            .unwrap_or_default();
        // The same image under several names appears once per name: merge them.
        let tags: Vec<String> = name.map(|n| vec![n.to_string()]).unwrap_or_default();
        let config_id = format!("sha256:{}", hex::encode(Sha256::digest(&config)));
        if let Some(prev) = out
            .iter_mut()
            .find(|i| format!("sha256:{}", hex::encode(Sha256::digest(&i.config))) == config_id)
        {
            prev.tags.extend(tags);
            continue;
        }
        out.push(verified(dir, config, &layers, tags)?);
    }
    Ok(())
}
