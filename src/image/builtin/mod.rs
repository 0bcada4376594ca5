//! The simulator's built-in images, generated deterministically as real tar layers:
//! busybox, alpine and ubuntu with one layer each (as the real ones have), and nginx and
//! python built on the ubuntu layer, so that sharing shows.
mod apps;
mod busybox;
pub mod layer;
mod ubuntu;

use std::collections::BTreeMap;
use std::sync::OnceLock;

use sha2::{Digest, Sha256};

use super::config::{ContainerConfig, History, ImageConfig, RootFs};
use super::reference::Reference;
use crate::store::{Store, StoreError, chain_id};

pub use busybox::APPLETS as BUSYBOX_APPLETS;

/// One generated image: its tags, layer tars (base first) and config bytes.
pub struct BuiltinImage {
    pub tags: &'static [&'static str],
    pub layers: Vec<&'static [u8]>,
    /// sha256 of each layer tar, computed once.
    pub diff_ids: Vec<String>,
    pub config: Vec<u8>,
}

impl BuiltinImage {
    /// "sha256:<hex>" of the config: the image id it gets in any store.
    pub fn id(&self) -> String {
        format!("sha256:{}", hex::encode(Sha256::digest(&self.config)))
    }
}

const PATH_ENV: &str = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

struct Layers {
    busybox: Vec<u8>,
    alpine: Vec<u8>,
    ubuntu: Vec<u8>,
    nginx_install: Vec<u8>,
    nginx_site: Vec<u8>,
    python: Vec<u8>,
    pip: Vec<u8>,
}

fn layers() -> &'static Layers {
    static LAYERS: OnceLock<Layers> = OnceLock::new();
    LAYERS.get_or_init(|| Layers {
        busybox: busybox::busybox_layer(),
        alpine: busybox::alpine_layer(),
        ubuntu: ubuntu::ubuntu_layer(),
        nginx_install: apps::nginx_install_layer(),
        nginx_site: apps::nginx_site_layer(),
        python: apps::python_layer(),
        pip: apps::pip_layer(),
    })
}

fn diff_id(tar: &[u8]) -> String {
    format!("sha256:{}", hex::encode(Sha256::digest(tar)))
}

/// A history step: (created, created_by, empty_layer).
type Step = (&'static str, String, bool);

fn config_bytes(layers: &[&[u8]], steps: &[Step], run: ContainerConfig) -> Vec<u8> {
    let created = steps.last().map(|s| s.0.to_string());
    let config = ImageConfig {
        architecture: "amd64".into(),
        config: Some(run),
        created,
        docker_version: Some("20.10.23".into()),
        history: steps
            .iter()
            .map(|(created, by, empty)| History {
                created: Some(created.to_string()),
                created_by: Some(by.clone()),
                empty_layer: *empty,
                ..Default::default()
            })
            .collect(),
        os: "linux".into(),
        rootfs: RootFs {
            kind: "layers".into(),
            diff_ids: layers.iter().map(|l| diff_id(l)).collect(),
        },
        ..Default::default()
    };
    // Serialising our own struct cannot fail (no maps with non-string keys).
    config.to_bytes().unwrap_or_default()
}

fn add_file(tar: &[u8]) -> String {
    format!("/bin/sh -c #(nop) ADD file:{} in / ", &diff_id(tar)[7..])
}

fn run_config(env: &[&str], cmd: &[&str]) -> ContainerConfig {
    ContainerConfig {
        env: Some(env.iter().map(|s| s.to_string()).collect()),
        cmd: Some(cmd.iter().map(|s| s.to_string()).collect()),
        ..Default::default()
    }
}

fn ubuntu_steps(l: &Layers) -> Vec<Step> {
    let t = "2024-09-11T16:25:08Z";
    vec![
        (t, "/bin/sh -c #(nop)  ARG RELEASE".into(), true),
        (
            t,
            "/bin/sh -c #(nop)  ARG LAUNCHPAD_BUILD_ARCH".into(),
            true,
        ),
        (
            t,
            "/bin/sh -c #(nop)  LABEL org.opencontainers.image.ref.name=ubuntu".into(),
            true,
        ),
        (
            t,
            "/bin/sh -c #(nop)  LABEL org.opencontainers.image.version=24.04".into(),
            true,
        ),
        ("2024-09-11T16:25:10Z", add_file(&l.ubuntu), false),
        (
            "2024-09-11T16:25:11Z",
            "/bin/sh -c #(nop)  CMD [\"/bin/bash\"]".into(),
            true,
        ),
    ]
}

fn ubuntu_labels() -> BTreeMap<String, String> {
    BTreeMap::from([
        (
            "org.opencontainers.image.ref.name".to_string(),
            "ubuntu".to_string(),
        ),
        (
            "org.opencontainers.image.version".to_string(),
            "24.04".to_string(),
        ),
    ])
}

/// Every built-in image, generated once per process.
pub fn builtin_images() -> &'static [BuiltinImage] {
    static IMAGES: OnceLock<Vec<BuiltinImage>> = OnceLock::new();
    IMAGES.get_or_init(|| {
        let l = layers();
        let busybox = BuiltinImage {
            tags: &["busybox:latest"],
            layers: vec![&l.busybox],
            diff_ids: Vec::new(),
            config: config_bytes(
                &[&l.busybox],
                &[
                    ("2024-09-26T21:31:42Z", add_file(&l.busybox), false),
                    ("2024-09-26T21:31:42Z", "/bin/sh -c #(nop)  CMD [\"sh\"]".into(), true),
                ],
                run_config(&[PATH_ENV], &["sh"]),
            ),
        };
        let alpine = BuiltinImage {
            tags: &["alpine:latest", "alpine:3.20"],
            layers: vec![&l.alpine],
            diff_ids: Vec::new(),
            config: config_bytes(
                &[&l.alpine],
                &[
                    ("2024-09-06T12:05:36Z", add_file(&l.alpine), false),
                    ("2024-09-06T12:05:36Z", "/bin/sh -c #(nop)  CMD [\"/bin/sh\"]".into(), true),
                ],
                run_config(&[PATH_ENV], &["/bin/sh"]),
            ),
        };
        let mut ubuntu_run = run_config(&[PATH_ENV], &["/bin/bash"]);
        ubuntu_run.labels = Some(ubuntu_labels());
        let ubuntu = BuiltinImage {
            tags: &["ubuntu:latest", "ubuntu:24.04"],
            layers: vec![&l.ubuntu],
            diff_ids: Vec::new(),
            config: config_bytes(&[&l.ubuntu], &ubuntu_steps(l), ubuntu_run.clone()),
        };
        let nginx_layers: Vec<&[u8]> = vec![&l.ubuntu, &l.nginx_install, &l.nginx_site];
        let mut nginx_steps = ubuntu_steps(l);
        let t = "2024-10-02T09:14:27Z";
        nginx_steps.extend([
            (t, "/bin/sh -c apt-get update && apt-get install -y nginx && rm -rf /var/lib/apt/lists/*".to_string(), false),
            (t, "/bin/sh -c #(nop) COPY file:8a1c2e27b5f5e6d3 in /etc/nginx/sites-available/default ".to_string(), false),
            (t, "/bin/sh -c #(nop)  EXPOSE 80".to_string(), true),
            (t, "/bin/sh -c #(nop)  STOPSIGNAL SIGQUIT".to_string(), true),
            (t, "/bin/sh -c #(nop)  CMD [\"nginx\" \"-g\" \"daemon off;\"]".to_string(), true),
        ]);
        let mut nginx_run = run_config(&[PATH_ENV], &["nginx", "-g", "daemon off;"]);
        nginx_run.exposed_ports = Some(BTreeMap::from([("80/tcp".to_string(), serde_json::json!({}))]));
        nginx_run.stop_signal = Some("SIGQUIT".into());
        nginx_run.labels = Some(ubuntu_labels());
        let nginx = BuiltinImage {
            tags: &["nginx:latest"],
            config: config_bytes(&nginx_layers, &nginx_steps, nginx_run),
            layers: nginx_layers,
            diff_ids: Vec::new(),
        };
        let python_layers: Vec<&[u8]> = vec![&l.ubuntu, &l.python, &l.pip];
        let mut python_steps = ubuntu_steps(l);
        let t = "2024-10-01T18:02:51Z";
        python_steps.extend([
            (t, "/bin/sh -c #(nop)  ENV LANG=C.UTF-8".to_string(), true),
            (t, "/bin/sh -c #(nop)  ENV PYTHON_VERSION=3.12.7".to_string(), true),
            (t, "/bin/sh -c set -eux; ./configure --enable-shared --prefix=/usr/local && make -j 2 && make install".to_string(), false),
            (t, "/bin/sh -c python3 -m ensurepip && pip3 install --upgrade pip".to_string(), false),
            (t, "/bin/sh -c #(nop)  CMD [\"python3\"]".to_string(), true),
        ]);
        let mut python_run = run_config(
            &[PATH_ENV, "LANG=C.UTF-8", "PYTHON_VERSION=3.12.7"],
            &["python3"],
        );
        python_run.labels = Some(ubuntu_labels());
        let python = BuiltinImage {
            tags: &["python:3.12", "python:latest"],
            config: config_bytes(&python_layers, &python_steps, python_run),
            layers: python_layers,
            diff_ids: Vec::new(),
        };
        let mut images = vec![busybox, alpine, ubuntu, nginx, python];
        for image in &mut images {
            image.diff_ids = image.layers.iter().map(|l| diff_id(l)).collect();
        }
        images
    })
}

/// Install every built-in image into the store (layers shared, existing ones skipped) and
/// tag it. The caller holds the store lock.
pub fn install_builtin_images(store: &Store) -> Result<(), StoreError> {
    for image in builtin_images() {
        let mut parent: Option<String> = None;
        for (tar, diff_id) in image.layers.iter().zip(&image.diff_ids) {
            let chain = chain_id(parent.as_deref(), diff_id);
            if store.layer(&chain).is_err() {
                store.import_layer(parent.as_deref(), *tar)?;
            }
            parent = Some(chain);
        }
        let id = store.put_image_config(&image.config)?;
        for tag in image.tags {
            if let Ok(reference) = Reference::parse(tag) {
                store.set_tag(&reference, &id)?;
            }
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests;
