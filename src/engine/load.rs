//! `load [-i FILE]` (stdin without -i): images from an archive (Docker's legacy layout,
//! Docker ≥ 25's, or plain OCI; layers plain or gzip). Everything is unpacked and verified in the store's tmp/ before anything is
//! registered, and layers this load registered are released again if it fails half-way,
//! so a corrupt or hostile archive leaves the store as it was.
use std::fs::File;
use std::io::Read;

use super::Engine;
use super::error::{EngineError, EngineResult};
use crate::image::archive::{ArchiveError, read_archive, unpack_archive};
use crate::image::reference::Reference;
use crate::store::StoreError;
use crate::util::Output;
use crate::util::stdio::{ArchiveStreams, StdinRefusal};
use crate::util::testpoint::pause_point;

/// What `load` prints when it fails: Docker's client-side wording for the file and the
/// unpack, the daemon's for the rest.
#[derive(Debug, thiserror::Error)]
enum LoadError {
    #[error("{0}")]
    Plain(String),
    #[error(transparent)]
    Engine(#[from] EngineError),
}

impl From<StoreError> for LoadError {
    fn from(e: StoreError) -> Self {
        LoadError::Engine(e.into())
    }
}

/// Why stdin gave no archive. Docker's words for a terminal; when the batch script itself
/// comes from stdin there is no archive after it (dockerlings only: Docker has no scripts).
pub(super) fn stdin_refusal_text(why: StdinRefusal, verb: &str) -> &'static str {
    match (why, verb) {
        (StdinRefusal::Terminal, "load") => "requested load from stdin, but stdin is empty",
        (StdinRefusal::Terminal, _) => {
            "dockerlings: stdin is the terminal; give a file, or pipe the tar into a batch run (dockerlings -c 'import - NAME' < FILE)"
        }
        (StdinRefusal::Script, _) => {
            "dockerlings: stdin carries the script itself, so no archive can be read from it; give a file (-i FILE), or the script with -c"
        }
    }
}

/// Go's wording of an open error ("no such file or directory").
pub(super) fn go_error_text(e: &std::io::Error) -> String {
    let text = e.to_string();
    let text = text.split(" (os error").next().unwrap_or(&text).to_string();
    let mut chars = text.chars();
    match chars.next() {
        Some(c) => c.to_lowercase().collect::<String>() + chars.as_str(),
        None => text,
    }
}

impl Engine {
    /// Without `-i` the archive is read from stdin, as Docker's is — unless stdin is a
    /// terminal, or carries the batch script itself.
    pub fn cmd_load(
        &mut self,
        input: Option<&str>,
        quiet: bool,
        streams: &mut dyn ArchiveStreams,
        out: &mut Output,
    ) -> i32 {
        let loaded = match input {
            Some(path) => File::open(path)
                .map_err(|e| LoadError::Plain(format!("open {path}: {}", go_error_text(&e))))
                .and_then(|file| self.load(file)),
            None => match streams.stdin() {
                Ok(stdin) => self.load(stdin),
                Err(why) => {
                    out.errln(stdin_refusal_text(why, "load"));
                    return 1;
                }
            },
        };
        match loaded {
            Ok(lines) => {
                if !quiet {
                    for l in lines {
                        out.outln(&l);
                    }
                }
                0
            }
            Err(e) => {
                out.errln(&e.to_string());
                1
            }
        }
    }

    fn load(&mut self, archive: impl Read) -> Result<Vec<String>, LoadError> {
        let _txn = self.store.begin_txn("load")?;
        let scratch = self.store.scratch_dir()?;
        let images = unpack_archive(archive, scratch.path())
            .and_then(|links| read_archive(scratch.path(), &links))
            .map_err(|e| self.archive_error(e))?;
        pause_point("load:after-unpack");
        let mut lines = Vec::new();
        let mut registered: Vec<String> = Vec::new();
        let result = (|| -> EngineResult<()> {
            for image in &images {
                let mut parent: Option<String> = None;
                let present = |chain: &str| self.store.layer(chain).is_ok();
                let wanted = layers_to_import(&image.diff_ids, present);
                for (layer, (chain, import)) in image.layers.iter().zip(wanted) {
                    // As Docker's loader: a chain the store has is not unpacked again (its
                    // blob was checked against the config's diffID all the same).
                    if !import {
                        parent = Some(chain);
                        continue;
                    }
                    let f = layer.open().map_err(|e| EngineError::io(&layer.path, e))?;
                    // Known chains are not ours to release on failure.
                    let before = self.store.list_layers()?;
                    let layer = self.store.import_layer(parent.as_deref(), f)?;
                    if !before.contains(&layer.chain_id) {
                        registered.push(layer.chain_id.clone());
                    }
                    parent = Some(layer.chain_id);
                    pause_point("load:after-layer");
                }
            }
            Ok(())
        })();
        if let Err(e) = result {
            for chain in registered.iter().rev() {
                let _ = self.store.remove_layer(chain);
            }
            return Err(e.into());
        }
        for image in images {
            let id = self.store.put_image_config(&image.config)?;
            pause_point("load:after-config");
            if image.tags.is_empty() {
                lines.push(format!("Loaded image ID: {id}"));
            }
            for tag in &image.tags {
                let Ok(reference) = Reference::parse(tag) else {
                    continue;
                };
                let old = self.store.resolve_image(&reference.familiar());
                if let Some(old) = old.filter(|o| *o != id)
                    && self.store.tags()?.iter().any(|(r, _)| *r == reference)
                {
                    lines.push(format!(
                        "The image {} already exists, renaming the old one with ID {old} to empty string",
                        reference.familiar()
                    ));
                }
                self.store.set_tag(&reference, &id)?;
                lines.push(format!("Loaded image: {}", reference.familiar()));
            }
        }
        self.mark_changed();
        Ok(lines)
    }

    fn archive_error(&mut self, e: ArchiveError) -> LoadError {
        match e {
            // Nothing at all (an empty stdin): the daemon's tar reader hits EOF at once.
            ArchiveError::NotImageArchive { first_dir } if first_dir.is_empty() => {
                LoadError::Engine(EngineError::Daemon("unexpected EOF".to_string()))
            }
            // Docker's legacy loader then looks for <first dir>/json in its unpack dir.
            // We add a line saying what the file is (a deliberate, friendlier departure).
            ArchiveError::NotImageArchive { first_dir } => {
                let n = u32::from_str_radix(&self.new_id()[..8], 16).unwrap_or(0) % 4_000_000_000;
                LoadError::Plain(format!(
                    "open {}/tmp/docker-import-{n}/{first_dir}/json: no such file or directory\n\
                     dockerlings: this looks like a filesystem tarball (from `export`), not an image archive (from `save`); use `import` to make an image of it",
                    self.root().display()
                ))
            }
            other => LoadError::Engine(EngineError::Daemon(other.to_string())),
        }
    }
}

/// Each layer's chain id, and whether it must be imported: not when the store has that
/// chain already (`present`), the way Docker's loader asks its layer store first.
fn layers_to_import(diff_ids: &[String], present: impl Fn(&str) -> bool) -> Vec<(String, bool)> {
    let mut parent: Option<String> = None;
    let mut out = Vec::new();
    for diff_id in diff_ids {
        let chain = crate::store::chain_id(parent.as_deref(), diff_id);
        out.push((chain.clone(), !present(&chain)));
        parent = Some(chain);
    }
    out
}

#[cfg(test)]
mod layer_tests {
    use super::*;

    #[test]
    fn only_chains_the_store_lacks_are_imported() {
        let d = |n: u8| format!("sha256:{}", format!("{n:x}").repeat(64));
        let ids = [d(1), d(2), d(3)];
        let base = ids[0].clone();
        let two = crate::store::chain_id(Some(&base), &ids[1]);
        let three = crate::store::chain_id(Some(&two), &ids[2]);
        let have = [base.clone()];
        let got = layers_to_import(&ids, |c| have.iter().any(|h| h == c));
        assert_eq!(got, [(base, false), (two, true), (three, true)]);
        // A diffID equal to a present base, but on another parent, is another chain.
        let got = layers_to_import(&[d(2), d(1)], |c| c == d(1));
        assert_eq!(
            got.iter().map(|(_, i)| *i).collect::<Vec<_>>(),
            [true, true]
        );
    }
}
