//! Which image IDs an image archive (`save -o FILE`) holds, read from its manifest.json: the
//! ID is the sha256 of the config file the manifest names, hashed here, not taken from the
//! file's name. Used by the check `image REF is the image in FILE`.
use std::collections::BTreeMap;
use std::io::Read;
use std::path::Path;

use serde::Deserialize;
use sha2::{Digest, Sha256};

/// Configs are small; anything bigger is a layer and is skipped unread.
const MAX_SMALL_FILE: u64 = 1 << 20;

#[derive(Deserialize)]
struct ManifestEntry {
    #[serde(rename = "Config")]
    config: String,
}

/// The IDs (`sha256:…`) of the images in the archive; `None` when the file is missing or is
/// not a Docker image archive.
pub fn archive_image_ids(path: &Path) -> Option<Vec<String>> {
    let file = std::fs::File::open(path).ok()?;
    let mut archive = tar::Archive::new(file);
    let mut small: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for entry in archive.entries().ok()? {
        let mut entry = entry.ok()?;
        if entry.size() > MAX_SMALL_FILE || !entry.header().entry_type().is_file() {
            continue;
        }
        let name = entry
            .path()
            .ok()?
            .to_string_lossy()
            .trim_start_matches("./")
            .to_string();
        let mut bytes = Vec::new();
        entry.read_to_end(&mut bytes).ok()?;
        small.insert(name, bytes);
    }
    let manifest: Vec<ManifestEntry> = serde_json::from_slice(small.get("manifest.json")?).ok()?;
    manifest
        .iter()
        .map(|m| {
            let config = small.get(m.config.trim_start_matches("./"))?;
            Some(format!("sha256:{}", hex::encode(Sha256::digest(config))))
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tar_with(files: &[(&str, &[u8])]) -> tempfile::NamedTempFile {
        let f = tempfile::NamedTempFile::new().unwrap();
        let mut b = tar::Builder::new(f.reopen().unwrap());
        for (name, data) in files {
            let mut h = tar::Header::new_gnu();
            h.set_size(data.len() as u64);
            h.set_mode(0o644);
            h.set_cksum();
            b.append_data(&mut h, name, *data).unwrap();
        }
        b.finish().unwrap();
        f
    }

    #[test]
    fn hashes_the_config_the_manifest_names() {
        let config = br#"{"architecture":"amd64"}"#;
        let id = format!("sha256:{}", hex::encode(Sha256::digest(config)));
        let f = tar_with(&[
            ("blobs/sha256/whatever", config),
            (
                "manifest.json",
                br#"[{"Config":"blobs/sha256/whatever","Layers":[]}]"#,
            ),
        ]);
        assert_eq!(archive_image_ids(f.path()), Some(vec![id]));
    }

    #[test]
    fn not_an_image_archive_is_none() {
        let f = tar_with(&[("etc/motd", b"hi")]);
        assert_eq!(archive_image_ids(f.path()), None);
        let f = tar_with(&[("manifest.json", br#"[{"Config":"gone.json"}]"#)]);
        assert_eq!(archive_image_ids(f.path()), None);
        assert_eq!(archive_image_ids(Path::new("/nonexistent/x.tar")), None);
    }
}
