//! `save -o FILE IMAGE...`: the images with all their layers, in Docker ≥ 25's archive
//! layout (see image::archive). Layer blobs are the store's byte-exact layer tars, so the
//! archive's digests are the images' diffIDs and real Docker loads it.
use sha2::{Digest, Sha256};
use std::path::Path;

use super::Engine;
use super::error::{EngineError, EngineResult};
use super::export::{COWARDLY, validate_output_path, write_file_atomically};
use super::images::chain_ids;
use crate::image::archive::{SaveImage, SaveLayer, write_save};
use crate::image::reference::Reference;
use crate::util::Output;

impl Engine {
    pub fn cmd_save(&mut self, names: &[String], output: Option<&str>, out: &mut Output) -> i32 {
        let Some(path) = output else {
            out.errln(COWARDLY);
            out.errln("(dockerlings: archives are written with -o FILE only)");
            return 1;
        };
        if let Err(e) = validate_output_path(Path::new(path)) {
            out.errln(&format!("failed to save image: {e}"));
            return 1;
        }
        match self.save(names, Path::new(path)) {
            Ok(()) => 0,
            Err(e) => {
                out.errln(&e.to_string());
                1
            }
        }
    }

    fn save(&self, names: &[String], path: &Path) -> EngineResult<()> {
        let store = &self.store;
        // moby's reference store says "reference does not exist", without the name.
        let mut images: Vec<SaveImage> = Vec::new();
        for name in names {
            let id = self
                .store
                .resolve_image(name)
                .ok_or_else(|| EngineError::Daemon("reference does not exist".to_string()))?;
            // A name given as a reference saves that tag; an id saves every tag it has.
            let by_ref = Reference::parse(name).ok().filter(|r| {
                self.store
                    .tags()
                    .unwrap_or_default()
                    .iter()
                    .any(|(t, i)| t == r && *i == id)
            });
            let refs: Vec<Reference> = match by_ref {
                Some(r) => vec![r],
                None => self
                    .image_tags(&id)
                    .iter()
                    .filter_map(|t| Reference::parse(t).ok())
                    .collect(),
            };
            let tags: Vec<(String, String)> = refs
                .iter()
                .filter_map(|r| r.tag().map(|t| (format!("{}:{t}", r.name()), r.familiar())))
                .collect();
            if let Some(existing) = images
                .iter_mut()
                .find(|i| format!("sha256:{}", hex::encode(Sha256::digest(&i.config))) == id)
            {
                for t in tags {
                    if !existing.tags.contains(&t) {
                        existing.tags.push(t);
                    }
                }
                continue;
            }
            let config = self.store.image_config_bytes(&id)?;
            let diff_ids = self.image_diff_ids(&id)?;
            let layers = chain_ids(&diff_ids)
                .into_iter()
                .zip(diff_ids)
                .map(|(chain, diff_id)| SaveLayer {
                    diff_id,
                    open: Box::new(move || {
                        store
                            .layer_tar(&chain)
                            .map(|r| Box::new(r) as Box<dyn std::io::Read>)
                            .map_err(|e| std::io::Error::other(e.to_string()))
                    }),
                })
                .collect();
            images.push(SaveImage {
                config,
                tags,
                layers,
            });
        }
        write_file_atomically(path, |w| write_save(&images, w).map(|_| ()))
    }
}
