//! `save [-o FILE] IMAGE...`: the images with all their layers, in Docker ≥ 25's archive
//! layout (see image::archive). Layer blobs are the store's byte-exact layer tars, so the
//! archive's digests are the images' diffIDs and real Docker loads it.
use sha2::{Digest, Sha256};
use std::path::Path;

use super::Engine;
use super::error::{EngineError, EngineResult};
use super::export::{COWARDLY, validate_output_path, write_file_atomically, write_stream};
use super::images::chain_ids;
use crate::image::archive::{SaveImage, SaveLayer, write_save};
use crate::image::reference::Reference;
use crate::util::Output;
use crate::util::stdio::ArchiveStreams;

impl Engine {
    /// Without `-o` the archive goes to stdout, as Docker's does — unless stdout is a
    /// terminal (checked first, by the client).
    pub fn cmd_save(
        &mut self,
        names: &[String],
        output: Option<&str>,
        streams: &mut dyn ArchiveStreams,
        out: &mut Output,
    ) -> i32 {
        let written = match output {
            Some(path) => {
                if let Err(e) = validate_output_path(Path::new(path)) {
                    out.errln(&format!("failed to save image: {e}"));
                    return 1;
                }
                self.save_images(names).and_then(|images| {
                    write_file_atomically(Path::new(path), |w| write_save(&images, w).map(|_| ()))
                })
            }
            None => {
                let Some(stdout) = streams.stdout() else {
                    out.errln(COWARDLY);
                    return 1;
                };
                self.save_images(names)
                    .and_then(|images| write_stream(stdout, |w| write_save(&images, w).map(|_| ())))
            }
        };
        match written {
            Ok(()) => 0,
            Err(e) => {
                out.errln(&e.to_string());
                1
            }
        }
    }

    fn save_images(&self, names: &[String]) -> EngineResult<Vec<SaveImage<'_>>> {
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
                    len: store.layer_tar(&chain).ok().map(|r| r.tar_len()),
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
        Ok(images)
    }
}
