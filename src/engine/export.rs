//! `export [-o FILE] CONTAINER`: the container's merged filesystem as one flat tar — no layers,
//! no config, whiteouts applied (what is deleted is simply absent). The merged view is the
//! user-space union (backend::sim::unionfs), which reads both whiteout forms, so the same code
//! serves a stopped kernel container whose overlay is no longer mounted.
use std::collections::HashMap;
use std::io::{self, Read, Write};
use std::os::unix::fs::MetadataExt;
use std::path::Path;

use tar::{Builder, EntryType, Header};

use super::Engine;
use super::error::{EngineError, EngineResult};
use crate::backend::sim::unionfs::{FileKind, UnionFs};
use crate::util::Output;
use crate::util::stdio::ArchiveStreams;
use crate::util::testpoint::pause_point;

/// Docker 20.10's refusal to write a tar to a terminal (docker/cli image/save.go,
/// container/export.go), for `save` and `export` without `-o` when stdout is one.
pub const COWARDLY: &str = "cowardly refusing to save to a terminal. Use the -o flag or redirect";

impl Engine {
    /// Without `-o` the tar goes to stdout, as Docker's does — unless stdout is a terminal.
    pub fn cmd_export(
        &mut self,
        name: &str,
        output: Option<&str>,
        streams: &mut dyn ArchiveStreams,
        out: &mut Output,
    ) -> i32 {
        let stdout = match output {
            Some(path) => {
                if let Err(e) = validate_output_path(Path::new(path)) {
                    out.errln(&format!("failed to export container: {e}"));
                    return 1;
                }
                None
            }
            None => match streams.stdout() {
                Some(w) => Some(w),
                None => {
                    out.errln(COWARDLY);
                    return 1;
                }
            },
        };
        let Some(id) = self.resolve_container(name) else {
            out.errln(&EngineError::NoSuchContainer(name.to_string()).to_string());
            return 1;
        };
        let mtime = self.tar_options().fixed_mtime;
        let result = (|| -> EngineResult<()> {
            let plan = self.store.rootfs_plan(&id)?;
            let fs = UnionFs::new(plan.lower_dirs.clone(), plan.upper.clone());
            let write = |w: &mut dyn Write| -> io::Result<()> {
                let mut builder = Builder::new(w);
                export_dir(
                    &fs,
                    &mut Vec::new(),
                    &mut builder,
                    mtime,
                    &mut HashMap::new(),
                )?;
                builder.into_inner().map(|_| ())
            };
            match (stdout, output) {
                (Some(w), _) => write_stream(w, |w| write(w)),
                (None, Some(path)) => write_file_atomically(Path::new(path), |w| write(w)),
                (None, None) => Ok(()),
            }
        })();
        match result {
            Ok(()) => 0,
            Err(e) => {
                out.errln(&format!("Error response from daemon: {e}"));
                1
            }
        }
    }
}

fn fs_err(e: impl std::fmt::Display) -> io::Error {
    io::Error::other(e.to_string())
}

/// Writes the subtree at `comps` in lexical order, directories before their contents.
fn export_dir<W: Write>(
    fs: &UnionFs,
    comps: &mut Vec<String>,
    builder: &mut Builder<W>,
    mtime: Option<u64>,
    links: &mut HashMap<(u64, u64), String>,
) -> io::Result<()> {
    for name in fs.read_dir_comps(comps).map_err(fs_err)? {
        comps.push(name);
        let (st, host) = fs.locate(comps).map_err(fs_err)?;
        let rel = comps.join("/");
        let mut h = Header::new_ustar();
        h.set_mode(st.mode);
        h.set_uid(0);
        h.set_gid(0);
        h.set_mtime(mtime.unwrap_or_else(|| u64::try_from(st.mtime).unwrap_or(0)));
        match st.kind {
            FileKind::Dir => {
                h.set_entry_type(EntryType::Directory);
                h.set_size(0);
                builder.append_data(&mut h, format!("{rel}/"), io::empty())?;
                export_dir(fs, comps, builder, mtime, links)?;
            }
            FileKind::Symlink => {
                h.set_entry_type(EntryType::Symlink);
                h.set_size(0);
                let target = st.link_target.clone().unwrap_or_default();
                builder.append_link(&mut h, &rel, target)?;
            }
            FileKind::File => {
                // Hard links stay links, as Docker's archive writes them (busybox's
                // applets would otherwise be hundreds of copies of one binary).
                let meta = std::fs::symlink_metadata(&host)?;
                let key = (meta.dev(), meta.ino());
                if meta.nlink() > 1 {
                    if let Some(first) = links.get(&key) {
                        h.set_entry_type(EntryType::Link);
                        h.set_size(0);
                        builder.append_link(&mut h, &rel, first)?;
                        comps.pop();
                        continue;
                    }
                    links.insert(key, rel.clone());
                }
                let file = std::fs::File::open(&host)?;
                h.set_entry_type(EntryType::Regular);
                h.set_size(meta.len());
                builder.append_data(&mut h, &rel, file.take(meta.len()))?;
            }
            // Devices and fifos are not created by the simulator and absent from our
            // images; a kernel container's /dev is a mount, not part of its layers.
            FileKind::Other => {}
        }
        comps.pop();
    }
    Ok(())
}

/// docker/cli's command.ValidateOutputPath: the directory must exist, the path must not be one.
pub fn validate_output_path(path: &Path) -> Result<(), String> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    if !dir.is_dir() {
        return Err(format!(
            "invalid output path: directory {:?} does not exist",
            dir.display().to_string()
        ));
    }
    if path.is_dir() {
        return Err(format!(
            "invalid output path: {:?} must be a file",
            path.display().to_string()
        ));
    }
    Ok(())
}

/// Writes an archive to a stream (stdout), through a large buffer, flushed at the end.
pub fn write_stream(
    stream: Box<dyn Write + '_>,
    write: impl FnOnce(&mut io::BufWriter<Box<dyn Write + '_>>) -> io::Result<()>,
) -> EngineResult<()> {
    let mut w = io::BufWriter::with_capacity(STREAM_BUFFER, stream);
    write(&mut w)
        .and_then(|()| w.flush())
        .map_err(|e| EngineError::io("/dev/stdout", e))
}

/// Buffer for archive streams: big enough that a pipe sees few, large writes.
pub const STREAM_BUFFER: usize = 1 << 20;

/// Writes `path` through a temporary file beside it, renamed into place once complete, so a
/// failure never leaves a truncated archive. Mode 0600, as Docker's `-o` files.
pub fn write_file_atomically(
    path: &Path,
    write: impl FnOnce(&mut io::BufWriter<std::fs::File>) -> io::Result<()>,
) -> EngineResult<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d.to_path_buf(),
        _ => std::path::PathBuf::from("."),
    };
    let tmp = crate::store::sibling_tmp(&dir.join(path.file_name().unwrap_or_default()), "partial");
    let result = (|| {
        let file = std::fs::OpenOptions::new()
            .write(true)
            .create(true)
            .truncate(true)
            .mode(0o600)
            .open(&tmp)?;
        let mut w = io::BufWriter::with_capacity(STREAM_BUFFER, file);
        write(&mut w)?;
        let file = w.into_inner().map_err(|e| e.into_error())?;
        file.sync_all()?;
        pause_point("save:before-rename");
        std::fs::rename(&tmp, path)
    })();
    if let Err(e) = result {
        let _ = std::fs::remove_file(&tmp);
        return Err(EngineError::io(path, e));
    }
    Ok(())
}
