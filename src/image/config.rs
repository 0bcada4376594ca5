//! Docker's image config JSON (imagedb/content/sha256/<id>), with Docker's field names.
//! Parsed for reading only: the stored bytes are the truth and are never re-serialised.
//! Unknown fields are kept in `extra` so that nothing is lost when a new config is derived.
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};
use serde_json::Value;

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct ImageConfig {
    #[serde(default)]
    pub architecture: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub config: Option<ContainerConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub container_config: Option<ContainerConfig>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub docker_version: Option<String>,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub history: Vec<History>,
    #[serde(default)]
    pub os: String,
    #[serde(default)]
    pub rootfs: RootFs,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

/// The `config` / `container_config` object (Go's container.Config).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(rename_all = "PascalCase")]
pub struct ContainerConfig {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub hostname: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub user: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub exposed_ports: Option<BTreeMap<String, Value>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub env: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub cmd: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub image: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub working_dir: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub entrypoint: Option<Vec<String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
    #[serde(flatten)]
    pub extra: BTreeMap<String, Value>,
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct History {
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub created_by: Option<String>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    #[serde(default, skip_serializing_if = "std::ops::Not::not")]
    pub empty_layer: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RootFs {
    #[serde(rename = "type")]
    pub kind: String,
    #[serde(default)]
    pub diff_ids: Vec<String>,
}

impl Default for RootFs {
    fn default() -> Self {
        RootFs {
            kind: "layers".to_string(),
            diff_ids: Vec::new(),
        }
    }
}

impl ImageConfig {
    pub fn from_bytes(bytes: &[u8]) -> Result<ImageConfig, serde_json::Error> {
        serde_json::from_slice(bytes)
    }

    /// Serialise a freshly built config (compact, as Docker stores it).
    pub fn to_bytes(&self) -> Result<Vec<u8>, serde_json::Error> {
        serde_json::to_vec(self)
    }

    pub fn diff_ids(&self) -> &[String] {
        &self.rootfs.diff_ids
    }

    /// The image's `config`, or an empty one.
    pub fn run_config(&self) -> ContainerConfig {
        self.config.clone().unwrap_or_default()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_a_committed_docker_config() {
        let text = r#"{"architecture":"amd64","author":"student","config":{"Hostname":"f75c19081b1e","Domainname":"","Env":null,"Cmd":["sleep","100000"],"Labels":{}},"created":"2026-11-23T08:30:12.071968893Z","docker_version":"20.10.24+dfsg1","history":[{"created":"2026-11-23T08:29:42.578975932Z","comment":"busybox-static rootfs"},{"created":"2026-11-23T08:30:12.071968893Z","author":"student","created_by":"sleep 100000","comment":"cow demo"}],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:5d49","sha256:6ecf"]}}"#;
        let config = ImageConfig::from_bytes(text.as_bytes()).unwrap();
        assert_eq!(config.author.as_deref(), Some("student"));
        assert_eq!(config.diff_ids().len(), 2);
        let run = config.run_config();
        assert_eq!(
            run.cmd,
            Some(vec!["sleep".to_string(), "100000".to_string()])
        );
        assert_eq!(
            run.extra.get("Domainname"),
            Some(&Value::String(String::new()))
        );
        assert_eq!(
            config.history[1].created_by.as_deref(),
            Some("sleep 100000")
        );
    }

    #[test]
    fn fresh_config_serialises_like_docker() {
        let config = ImageConfig {
            architecture: "amd64".into(),
            os: "linux".into(),
            config: Some(ContainerConfig {
                cmd: Some(vec!["sh".into()]),
                ..Default::default()
            }),
            history: vec![History {
                created_by: Some("/bin/sh -c #(nop)  CMD [\"sh\"]".into()),
                empty_layer: true,
                ..Default::default()
            }],
            ..Default::default()
        };
        let text = String::from_utf8(config.to_bytes().unwrap()).unwrap();
        insta::assert_snapshot!(text, @r#"{"architecture":"amd64","config":{"Cmd":["sh"]},"history":[{"created_by":"/bin/sh -c #(nop)  CMD [\"sh\"]","empty_layer":true}],"os":"linux","rootfs":{"type":"layers","diff_ids":[]}}"#);
    }
}
