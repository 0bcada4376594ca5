//! Image configs written by `commit` and `import`, serialised as Docker writes them: the
//! top-level keys sorted (moby marshals the image through a map), the `config` and
//! `container_config` objects in the field order of Go's container.Config, with its nulls.
//! Also the `-c/--change` Dockerfile instructions both commands accept.
use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::config::{History, RootFs};

/// Go's container.Config, field for field in Go's order.
#[derive(Debug, Clone, Default, Serialize)]
#[serde(rename_all = "PascalCase")]
pub struct GoConfig {
    pub hostname: String,
    pub domainname: String,
    pub user: String,
    pub attach_stdin: bool,
    pub attach_stdout: bool,
    pub attach_stderr: bool,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub exposed_ports: Option<BTreeMap<String, Value>>,
    pub tty: bool,
    pub open_stdin: bool,
    pub stdin_once: bool,
    pub env: Option<Vec<String>>,
    pub cmd: Option<Vec<String>>,
    pub image: String,
    pub volumes: Option<BTreeMap<String, Value>>,
    pub working_dir: String,
    pub entrypoint: Option<Vec<String>>,
    pub on_build: Option<Vec<String>>,
    pub labels: Option<BTreeMap<String, String>>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub stop_signal: Option<String>,
}

/// A new image config (keys in sorted order, as moby's Image.MarshalJSON writes them).
#[derive(Debug, Clone, Serialize)]
pub struct NewImage {
    pub architecture: String,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub author: Option<String>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub comment: Option<String>,
    pub config: GoConfig,
    #[serde(skip_serializing_if = "String::is_empty")]
    pub container: String,
    pub container_config: GoConfig,
    pub created: String,
    pub docker_version: String,
    pub history: Vec<History>,
    pub os: String,
    pub rootfs: RootFs,
}

/// The docker_version we stamp into configs we create.
pub const DOCKER_VERSION: &str = "20.10.24-dockerlings";

#[derive(Debug, thiserror::Error)]
pub enum ChangeError {
    #[error("dockerfile parse error line 1: unknown instruction: {0}")]
    Unknown(String),
    #[error("{0} is not a valid change command")]
    NotAllowed(String),
    #[error("{0} requires at least one argument")]
    MissingArgument(String),
}

/// `CMD ["sh"]` (exec form) or `CMD sh -c x` (shell form, run by /bin/sh -c).
fn command_form(rest: &str) -> Vec<String> {
    if rest.trim_start().starts_with('[')
        && let Ok(v) = serde_json::from_str::<Vec<String>>(rest.trim())
    {
        return v;
    }
    vec!["/bin/sh".into(), "-c".into(), rest.trim().to_string()]
}

/// `K=V K2=V2` or the old `K V` form.
fn pairs(rest: &str) -> Vec<(String, String)> {
    let rest = rest.trim();
    if !rest.contains('=') {
        return match rest.split_once(char::is_whitespace) {
            Some((k, v)) => vec![(k.to_string(), v.trim().to_string())],
            None => vec![(rest.to_string(), String::new())],
        };
    }
    rest.split_whitespace()
        .filter_map(|kv| kv.split_once('='))
        .map(|(k, v)| (k.to_string(), v.trim_matches('"').to_string()))
        .collect()
}

/// Applies the `--change` instructions Docker allows (CMD, ENTRYPOINT, ENV, EXPOSE, LABEL,
/// ONBUILD, STOPSIGNAL, USER, VOLUME, WORKDIR) to `config`.
pub fn apply_changes(config: &mut GoConfig, changes: &[String]) -> Result<(), ChangeError> {
    for change in changes {
        let change = change.trim();
        let (word, rest) = change
            .split_once(char::is_whitespace)
            .unwrap_or((change, ""));
        let upper = word.to_ascii_uppercase();
        if rest.trim().is_empty() {
            return match upper.as_str() {
                "CMD" | "ENTRYPOINT" | "ENV" | "EXPOSE" | "LABEL" | "ONBUILD" | "STOPSIGNAL"
                | "USER" | "VOLUME" | "WORKDIR" => Err(ChangeError::MissingArgument(upper)),
                _ => Err(ChangeError::Unknown(upper)),
            };
        }
        match upper.as_str() {
            "CMD" => config.cmd = Some(command_form(rest)),
            "ENTRYPOINT" => config.entrypoint = Some(command_form(rest)),
            "ENV" => {
                let env = config.env.get_or_insert_with(Vec::new);
                for (k, v) in pairs(rest) {
                    env.retain(|e| e.split_once('=').map(|p| p.0) != Some(k.as_str()));
                    env.push(format!("{k}={v}"));
                }
            }
            "LABEL" => {
                let labels = config.labels.get_or_insert_with(BTreeMap::new);
                labels.extend(pairs(rest));
            }
            "EXPOSE" => {
                let ports = config.exposed_ports.get_or_insert_with(BTreeMap::new);
                for p in rest.split_whitespace() {
                    let p = if p.contains('/') {
                        p.to_string()
                    } else {
                        format!("{p}/tcp")
                    };
                    ports.insert(p, Value::Object(Default::default()));
                }
            }
            "ONBUILD" => config
                .on_build
                .get_or_insert_with(Vec::new)
                .push(rest.trim().to_string()),
            "STOPSIGNAL" => config.stop_signal = Some(rest.trim().to_string()),
            "USER" => config.user = rest.trim().to_string(),
            "VOLUME" => {
                let vols = config.volumes.get_or_insert_with(BTreeMap::new);
                for v in command_form_list(rest) {
                    vols.insert(v, Value::Object(Default::default()));
                }
            }
            "WORKDIR" => config.working_dir = rest.trim().to_string(),
            "FROM" | "RUN" | "COPY" | "ADD" | "ARG" | "MAINTAINER" | "HEALTHCHECK" | "SHELL" => {
                return Err(ChangeError::NotAllowed(upper));
            }
            _ => return Err(ChangeError::Unknown(upper)),
        }
    }
    Ok(())
}

fn command_form_list(rest: &str) -> Vec<String> {
    match serde_json::from_str::<Vec<String>>(rest.trim()) {
        Ok(v) => v,
        Err(_) => rest.split_whitespace().map(str::to_string).collect(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_set_cmd_env_and_refuse_run() {
        let mut c = GoConfig::default();
        apply_changes(
            &mut c,
            &[
                "CMD [\"sh\"]".into(),
                "ENV A=1".into(),
                "WORKDIR /srv".into(),
            ],
        )
        .unwrap();
        assert_eq!(c.cmd, Some(vec!["sh".to_string()]));
        assert_eq!(c.env, Some(vec!["A=1".to_string()]));
        assert_eq!(c.working_dir, "/srv");
        assert!(apply_changes(&mut c, &["RUN ls".into()]).is_err());
        assert!(apply_changes(&mut c, &["BOGUS x".into()]).is_err());
    }

    #[test]
    fn empty_config_serialises_with_gos_nulls() {
        let text = serde_json::to_string(&GoConfig::default()).unwrap();
        assert_eq!(
            text,
            r#"{"Hostname":"","Domainname":"","User":"","AttachStdin":false,"AttachStdout":false,"AttachStderr":false,"Tty":false,"OpenStdin":false,"StdinOnce":false,"Env":null,"Cmd":null,"Image":"","Volumes":null,"WorkingDir":"","Entrypoint":null,"OnBuild":null,"Labels":null}"#
        );
    }
}
