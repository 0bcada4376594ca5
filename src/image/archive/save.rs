//! Writing Docker ≥ 25's `docker save` layout.
use std::collections::BTreeMap;
use std::io::{self, Read, Write};

use serde::Serialize;
use sha2::{Digest, Sha256};
use tar::{Builder, EntryType, Header};

use crate::util::testpoint::pause_point;

/// One image to save.
pub struct SaveImage<'a> {
    /// The config bytes as stored (their sha256 is the image id).
    pub config: Vec<u8>,
    /// Full references ("docker.io/library/cowimg:v1") with their familiar form.
    pub tags: Vec<(String, String)>,
    pub layers: Vec<SaveLayer<'a>>,
}

/// A layer tar, opened when it is written.
pub struct SaveLayer<'a> {
    /// "sha256:<hex>": the digest of the uncompressed tar.
    pub diff_id: String,
    /// The tar's length when known without reading it (the store's tar-split records
    /// give it); else the tar is read once more, first, to learn it.
    pub len: Option<u64>,
    pub open: Box<dyn Fn() -> io::Result<Box<dyn Read>> + 'a>,
}

#[derive(Serialize)]
struct Descriptor {
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    digest: String,
    size: u64,
    #[serde(skip_serializing_if = "Option::is_none")]
    annotations: Option<BTreeMap<String, String>>,
}

#[derive(Serialize)]
struct OciManifest {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    config: Descriptor,
    layers: Vec<Descriptor>,
}

#[derive(Serialize)]
struct OciIndex {
    #[serde(rename = "schemaVersion")]
    schema_version: u32,
    #[serde(rename = "mediaType")]
    media_type: &'static str,
    manifests: Vec<Descriptor>,
}

#[derive(Serialize)]
#[serde(rename_all = "PascalCase")]
struct DockerManifest {
    config: String,
    repo_tags: Option<Vec<String>>,
    layers: Vec<String>,
}

const MANIFEST_TYPE: &str = "application/vnd.oci.image.manifest.v1+json";
const CONFIG_TYPE: &str = "application/vnd.oci.image.config.v1+json";
const LAYER_TYPE: &str = "application/vnd.oci.image.layer.v1.tar";

enum Blob<'a, 'b> {
    Bytes(Vec<u8>),
    Layer(&'a SaveLayer<'b>, u64),
}

fn hex_of(d: &str) -> &str {
    d.strip_prefix("sha256:").unwrap_or(d)
}

fn digest(bytes: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(bytes)))
}

fn header(kind: EntryType, mode: u32, size: u64) -> Header {
    let mut h = Header::new_ustar();
    h.set_entry_type(kind);
    h.set_mode(mode);
    h.set_size(size);
    h.set_mtime(0);
    h.set_uid(0);
    h.set_gid(0);
    h
}

fn json<T: Serialize>(v: &T) -> io::Result<Vec<u8>> {
    serde_json::to_vec(v).map_err(io::Error::other)
}

/// Writes the archive for `images` to `out`.
pub fn write_save<W: Write>(images: &[SaveImage<'_>], out: W) -> io::Result<W> {
    let mut blobs: BTreeMap<String, Blob> = BTreeMap::new();
    let mut index = Vec::new();
    let mut manifest = Vec::new();
    let mut repositories: BTreeMap<String, BTreeMap<String, String>> = BTreeMap::new();
    for image in images {
        let config_digest = digest(&image.config);
        let mut layers = Vec::new();
        for layer in &image.layers {
            let size = match layer.len {
                Some(len) => len,
                None => io::copy(&mut (layer.open)()?, &mut io::sink())?,
            };
            layers.push(Descriptor {
                media_type: LAYER_TYPE,
                digest: layer.diff_id.clone(),
                size,
                annotations: None,
            });
            blobs.insert(hex_of(&layer.diff_id).to_string(), Blob::Layer(layer, size));
        }
        let oci = OciManifest {
            schema_version: 2,
            media_type: MANIFEST_TYPE,
            config: Descriptor {
                media_type: CONFIG_TYPE,
                digest: config_digest.clone(),
                size: image.config.len() as u64,
                annotations: None,
            },
            layers,
        };
        let oci_bytes = json(&oci)?;
        let manifest_digest = digest(&oci_bytes);
        let manifest_size = oci_bytes.len() as u64;
        blobs.insert(
            hex_of(&config_digest).to_string(),
            Blob::Bytes(image.config.clone()),
        );
        blobs.insert(hex_of(&manifest_digest).to_string(), Blob::Bytes(oci_bytes));
        let descriptor = |annotations| Descriptor {
            media_type: MANIFEST_TYPE,
            digest: manifest_digest.clone(),
            size: manifest_size,
            annotations,
        };
        if image.tags.is_empty() {
            index.push(descriptor(None));
        }
        for (full, familiar) in &image.tags {
            let tag = full.rsplit_once(':').map(|t| t.1).unwrap_or("latest");
            let annotations = BTreeMap::from([
                ("io.containerd.image.name".to_string(), full.clone()),
                (
                    "org.opencontainers.image.ref.name".to_string(),
                    tag.to_string(),
                ),
            ]);
            index.push(descriptor(Some(annotations)));
            if let Some((repo, tag)) = familiar.rsplit_once(':') {
                repositories
                    .entry(repo.to_string())
                    .or_default()
                    .insert(tag.to_string(), hex_of(&config_digest).to_string());
            }
        }
        manifest.push(DockerManifest {
            config: format!("blobs/sha256/{}", hex_of(&config_digest)),
            repo_tags: (!image.tags.is_empty())
                .then(|| image.tags.iter().map(|t| t.1.clone()).collect()),
            layers: image
                .layers
                .iter()
                .map(|l| format!("blobs/sha256/{}", hex_of(&l.diff_id)))
                .collect(),
        });
    }

    let mut b = Builder::new(out);
    for dir in ["blobs/", "blobs/sha256/"] {
        b.append_data(
            &mut header(EntryType::Directory, 0o755, 0),
            dir,
            io::empty(),
        )?;
    }
    for (hex, blob) in &blobs {
        let path = format!("blobs/sha256/{hex}");
        match blob {
            Blob::Bytes(bytes) => {
                let mut h = header(EntryType::Regular, 0o644, bytes.len() as u64);
                b.append_data(&mut h, &path, bytes.as_slice())?;
            }
            Blob::Layer(layer, size) => {
                let mut h = header(EntryType::Regular, 0o644, *size);
                // take() guards against a layer that changed size between the passes.
                let r = (layer.open)()?.take(*size);
                b.append_data(&mut h, &path, r)?;
                b.get_mut().flush()?;
                pause_point("save:after-layer");
            }
        }
    }
    let index = OciIndex {
        schema_version: 2,
        media_type: "application/vnd.oci.image.index.v1+json",
        manifests: index,
    };
    let files: [(&str, Vec<u8>); 4] = [
        ("index.json", json(&index)?),
        ("manifest.json", json(&manifest)?),
        ("oci-layout", br#"{"imageLayoutVersion":"1.0.0"}"#.to_vec()),
        ("repositories", json(&repositories)?),
    ];
    for (name, bytes) in files {
        let mut h = header(EntryType::Regular, 0o644, bytes.len() as u64);
        b.append_data(&mut h, name, bytes.as_slice())?;
    }
    b.into_inner()
}
