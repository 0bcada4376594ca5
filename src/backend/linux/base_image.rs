//! The linux backend's offline base image: `busybox:latest`, one layer built from the host
//! (its busybox, or its /bin/sh and core utilities with their shared libraries), imported
//! into the store like any other layer.
use std::fs::File;
use std::io::{BufReader, BufWriter};

use super::host_image::{plan_from_host, write_tar};
use crate::image::config::{ContainerConfig, History, ImageConfig, RootFs};
use crate::image::reference::Reference;
use crate::store::{Store, StoreError};

/// A fixed date, so the image id only changes when the host's files do.
const CREATED: &str = "2025-01-01T00:00:00Z";

fn failed(e: impl std::fmt::Display) -> StoreError {
    StoreError::BadArchive(e.to_string())
}

pub fn install_base_images(store: &Store) -> Result<(), StoreError> {
    let plan = plan_from_host().map_err(failed)?;
    let tmp = store.tmp_dir().join("host-busybox.tar");
    let file = File::create(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
    let written = write_tar(&plan, BufWriter::new(file))
        .map_err(failed)
        .and_then(|w| w.into_inner().map_err(|e| failed(e.error())))
        .and_then(|f| f.sync_all().map_err(|e| StoreError::io(&tmp, e)));
    if let Err(e) = written {
        let _ = std::fs::remove_file(&tmp);
        return Err(e);
    }
    let reader = File::open(&tmp).map_err(|e| StoreError::io(&tmp, e))?;
    let layer = store.import_layer(None, BufReader::new(reader));
    let _ = std::fs::remove_file(&tmp);
    let layer = layer?;
    let hex = layer.diff_id.trim_start_matches("sha256:").to_string();
    let config = ImageConfig {
        architecture: "amd64".to_string(),
        config: Some(ContainerConfig {
            env: Some(vec![
                "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin".to_string(),
            ]),
            cmd: Some(vec!["sh".to_string()]),
            ..ContainerConfig::default()
        }),
        created: Some(CREATED.to_string()),
        history: vec![
            History {
                created: Some(CREATED.to_string()),
                created_by: Some(format!("/bin/sh -c #(nop) ADD file:{hex} in / ")),
                comment: Some("built offline from the host's shell and utilities".to_string()),
                ..History::default()
            },
            History {
                created: Some(CREATED.to_string()),
                created_by: Some("/bin/sh -c #(nop)  CMD [\"sh\"]".to_string()),
                empty_layer: true,
                ..History::default()
            },
        ],
        os: "linux".to_string(),
        rootfs: RootFs {
            kind: "layers".to_string(),
            diff_ids: vec![layer.diff_id.clone()],
        },
        ..ImageConfig::default()
    };
    let bytes = config.to_bytes().map_err(failed)?;
    let id = store.put_image_config(&bytes)?;
    let reference = Reference::parse("busybox:latest").map_err(failed)?;
    store.set_tag(&reference, &id)
}
