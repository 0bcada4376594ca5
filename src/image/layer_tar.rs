//! A container's writable layer (its upper dir) as a layer tar, the way `docker commit`
//! writes it: entries in lexical walk order, parents before children, whiteouts in the
//! tar form whatever form the upper dir keeps them in:
//! - kernel overlayfs: a char device 0:0 becomes `.wh.<name>`, a dir with
//!   `trusted.overlay.opaque=y` gets a `.wh..wh..opq` entry right after its own;
//! - simulator: `.wh.<name>` and `.wh..wh..opq` files are already in tar form.
//!
//! Streamed: file contents go straight from disk to the writer, never held in memory.
use std::fs::{self, File, Metadata};
use std::io::{self, Read, Write};
use std::os::unix::fs::{FileTypeExt, MetadataExt};
use std::path::{Path, PathBuf};

use tar::{Builder, EntryType, Header};

use super::changes::{OPAQUE_MARKER, WHITEOUT_PREFIX, is_kernel_whiteout, is_opaque_dir};

#[derive(Debug, thiserror::Error)]
pub enum LayerTarError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: io::Error,
    },
}

fn io_err(path: &Path) -> impl FnOnce(io::Error) -> LayerTarError + '_ {
    move |source| LayerTarError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// How headers are filled in.
#[derive(Debug, Clone, Copy, Default)]
pub struct TarOptions {
    /// Every entry gets this mtime (for `--deterministic`); otherwise the file's own.
    pub fixed_mtime: Option<u64>,
    /// Take uid/gid from disk (kernel backend); otherwise root, as the simulator's
    /// container files all belong to root whoever runs dockerlings.
    pub owners_from_disk: bool,
}

/// Writes the layer tar of `upper` to `out` and returns the writer.
pub fn write_upper_tar<W: Write>(
    upper: &Path,
    out: W,
    opts: TarOptions,
) -> Result<W, LayerTarError> {
    let mut builder = Builder::new(out);
    walk(upper, "", &mut builder, opts)?;
    builder.into_inner().map_err(io_err(upper))
}

/// The name a directory entry sorts under: a whiteout sorts where the name it hides would
/// (Docker walks the upper dir, where the kernel whiteout has that very name).
fn sort_key(name: &str) -> &str {
    name.strip_prefix(WHITEOUT_PREFIX).unwrap_or(name)
}

fn sorted_entries(dir: &Path) -> Result<Vec<(String, Metadata)>, LayerTarError> {
    let mut entries = Vec::new();
    for entry in fs::read_dir(dir).map_err(io_err(dir))? {
        let entry = entry.map_err(io_err(dir))?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name == OPAQUE_MARKER {
            continue; // emitted with its directory
        }
        let path = entry.path();
        let meta = fs::symlink_metadata(&path).map_err(io_err(&path))?;
        entries.push((name, meta));
    }
    entries.sort_by(|a, b| sort_key(&a.0).cmp(sort_key(&b.0)).then(a.0.cmp(&b.0)));
    Ok(entries)
}

fn header_for(meta: &Metadata, opts: TarOptions) -> Header {
    let mut h = Header::new_ustar();
    h.set_mode(meta.mode() & 0o7777);
    h.set_mtime(
        opts.fixed_mtime
            .unwrap_or_else(|| u64::try_from(meta.mtime()).unwrap_or(0)),
    );
    if opts.owners_from_disk {
        h.set_uid(u64::from(meta.uid()));
        h.set_gid(u64::from(meta.gid()));
    } else {
        h.set_uid(0);
        h.set_gid(0);
    }
    h
}

/// An empty regular file entry (whiteouts and the opaque marker).
fn empty_entry<W: Write>(
    builder: &mut Builder<W>,
    path: &str,
    mut h: Header,
    mode: u32,
    at: &Path,
) -> Result<(), LayerTarError> {
    h.set_entry_type(EntryType::Regular);
    h.set_mode(mode);
    h.set_size(0);
    builder
        .append_data(&mut h, path, io::empty())
        .map_err(io_err(at))
}

fn walk<W: Write>(
    dir: &Path,
    prefix: &str,
    builder: &mut Builder<W>,
    opts: TarOptions,
) -> Result<(), LayerTarError> {
    for (name, meta) in sorted_entries(dir)? {
        let host = dir.join(&name);
        let rel = format!("{prefix}{name}");
        let ft = meta.file_type();
        let mut h = header_for(&meta, opts);
        if ft.is_dir() {
            h.set_entry_type(EntryType::Directory);
            h.set_size(0);
            builder
                .append_data(&mut h, format!("{rel}/"), io::empty())
                .map_err(io_err(&host))?;
            if is_opaque_dir(&host) {
                // Docker writes the marker with the dir's mode and a zero mtime.
                let mut m = header_for(&meta, opts);
                m.set_mtime(opts.fixed_mtime.unwrap_or(0));
                let marker = format!("{rel}/{OPAQUE_MARKER}");
                empty_entry(builder, &marker, m, meta.mode() & 0o7777, &host)?;
            }
            walk(&host, &format!("{rel}/"), builder, opts)?;
        } else if is_kernel_whiteout(&meta) {
            let wh = format!("{prefix}{WHITEOUT_PREFIX}{name}");
            empty_entry(builder, &wh, h, 0o600, &host)?;
        } else if name.starts_with(WHITEOUT_PREFIX) {
            empty_entry(builder, &rel, h, 0o600, &host)?;
        } else if ft.is_symlink() {
            let target = fs::read_link(&host).map_err(io_err(&host))?;
            h.set_entry_type(EntryType::Symlink);
            h.set_size(0);
            builder
                .append_link(&mut h, &rel, &target)
                .map_err(io_err(&host))?;
        } else if ft.is_file() {
            // Hard links inside one upper dir are written as separate files: simpler, and
            // the merged view is the same (Docker would write a link entry).
            h.set_entry_type(EntryType::Regular);
            h.set_size(meta.len());
            let file = File::open(&host).map_err(io_err(&host))?;
            // One large read at a time (io::copy alone reads 8 KiB), and never more than
            // the header announced.
            let data = io::BufReader::with_capacity(1 << 20, file).take(meta.len());
            builder
                .append_data(&mut h, &rel, data)
                .map_err(io_err(&host))?;
        } else if ft.is_char_device() || ft.is_block_device() || ft.is_fifo() {
            let kind = if ft.is_char_device() {
                EntryType::Char
            } else if ft.is_block_device() {
                EntryType::Block
            } else {
                EntryType::Fifo
            };
            h.set_entry_type(kind);
            h.set_size(0);
            let rdev = meta.rdev();
            let _ = h.set_device_major(libc::major(rdev));
            let _ = h.set_device_minor(libc::minor(rdev));
            builder
                .append_data(&mut h, &rel, io::empty())
                .map_err(io_err(&host))?;
        }
        // Sockets are skipped, as Docker's archive skips them.
    }
    Ok(())
}

/// sha256 of the empty tar (two zero blocks): a commit without changes adds no layer.
pub const EMPTY_TAR_DIFF_ID: &str =
    "sha256:5f70bf18a086007016e948b04aed3b82103a36bea41755b6cddfaf10ace3c6ef";

#[cfg(test)]
mod tests;
