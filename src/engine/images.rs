//! Images as the engine sees them: what a container inherits from one, its layers, its
//! Docker-shaped inspect JSON, and `images`.
use serde_json::{Value, json};
use sha2::{Digest, Sha256};

use super::Engine;
use super::error::{EngineError, EngineResult};
use super::ps::short_image_id;
use crate::image::reference::Reference;
use crate::util::Output;
use crate::util::humanize::{human_duration, human_size};

/// What a new container inherits from its image's config.
#[derive(Debug, Clone, Default)]
pub struct ImageDefaults {
    pub cmd: Option<Vec<String>>,
    pub entrypoint: Option<Vec<String>>,
    pub env: Vec<String>,
    pub working_dir: String,
    pub user: String,
}

fn strings(v: &Value) -> Option<Vec<String>> {
    v.as_array().map(|a| {
        a.iter()
            .map(|s| s.as_str().unwrap_or_default().to_string())
            .collect()
    })
}

/// chainID(base) = diffID; chainID(n) = sha256(chainID(n-1) + " " + diffID(n)).
pub fn chain_ids(diff_ids: &[String]) -> Vec<String> {
    let mut out: Vec<String> = Vec::with_capacity(diff_ids.len());
    for d in diff_ids {
        let next = match out.last() {
            None => d.clone(),
            Some(prev) => format!(
                "sha256:{}",
                hex::encode(Sha256::digest(format!("{prev} {d}")))
            ),
        };
        out.push(next);
    }
    out
}

pub const IMAGES_HEADERS: &[(&str, &str)] = &[
    ("Repository", "REPOSITORY"),
    ("Tag", "TAG"),
    ("ID", "IMAGE ID"),
    ("CreatedSince", "CREATED"),
    ("CreatedAt", "CREATED AT"),
    ("Size", "SIZE"),
    ("Digest", "DIGEST"),
];

const IMAGES_DEFAULT_TABLE: &str =
    "table {{.Repository}}\t{{.Tag}}\t{{.ID}}\t{{.CreatedSince}}\t{{.Size}}";

#[derive(Debug, Clone, Default)]
pub struct ImagesOptions {
    pub all: bool,
    pub quiet: bool,
    pub no_trunc: bool,
    pub format: Option<String>,
    pub repository: Option<String>,
}

impl Engine {
    /// The image a `run`/`create` names, or Docker's "Unable to find image" when absent.
    pub fn resolve_image_for_run(&self, name: &str) -> EngineResult<String> {
        if let Some(id) = self.store.resolve_image(name) {
            return Ok(id);
        }
        let reference = Reference::parse(name)
            .map_err(|_| EngineError::Usage("invalid reference format".to_string()))?;
        Err(EngineError::ImageNotLocal(reference.familiar()))
    }

    pub fn image_json_raw(&self, id: &str) -> EngineResult<Value> {
        let bytes = self.store.image_config_bytes(id)?;
        serde_json::from_slice(&bytes).map_err(|e| EngineError::Corrupt {
            path: self
                .root()
                .join("image/overlay2/imagedb/content/sha256")
                .join(id),
            message: e.to_string(),
        })
    }

    pub fn image_defaults(&self, id: &str) -> EngineResult<ImageDefaults> {
        let raw = self.image_json_raw(id)?;
        let cfg = &raw["config"];
        Ok(ImageDefaults {
            cmd: strings(&cfg["Cmd"]),
            entrypoint: strings(&cfg["Entrypoint"]),
            env: strings(&cfg["Env"]).unwrap_or_default(),
            working_dir: cfg["WorkingDir"].as_str().unwrap_or_default().to_string(),
            user: cfg["User"].as_str().unwrap_or_default().to_string(),
        })
    }

    pub fn image_diff_ids(&self, id: &str) -> EngineResult<Vec<String>> {
        let raw = self.image_json_raw(id)?;
        Ok(strings(&raw["rootfs"]["diff_ids"]).unwrap_or_default())
    }

    pub fn image_top_chain(&self, id: &str) -> EngineResult<Option<String>> {
        Ok(chain_ids(&self.image_diff_ids(id)?).pop())
    }

    /// Sum of the image's layer sizes (what `images` shows as SIZE).
    pub fn image_size(&self, id: &str) -> EngineResult<u64> {
        let mut total = 0;
        for chain in chain_ids(&self.image_diff_ids(id)?) {
            total += self.store.layer(&chain)?.size;
        }
        Ok(total)
    }

    pub fn image_tags(&self, id: &str) -> Vec<String> {
        let mut tags: Vec<String> = self
            .store
            .tags()
            .unwrap_or_default()
            .into_iter()
            .filter(|(_, i)| i == id)
            .map(|(r, _)| r.familiar())
            .collect();
        tags.sort();
        tags
    }

    /// Docker's `image inspect` object.
    pub fn image_inspect_json(&self, id: &str) -> EngineResult<Value> {
        let raw = self.image_json_raw(id)?;
        let diff_ids = strings(&raw["rootfs"]["diff_ids"]).unwrap_or_default();
        let size = self.image_size(id)?;
        let graph = self.image_graph_driver(&diff_ids)?;
        let parent = self.store.image_parent(id).unwrap_or_default();
        Ok(json!({
            "Id": id,
            "RepoTags": self.image_tags(id),
            "RepoDigests": [],
            "Parent": parent,
            // moby: an image without a comment shows its last history entry's.
            "Comment": raw
                .get("comment")
                .cloned()
                .or_else(|| raw["history"].as_array().and_then(|h| h.last()).and_then(|h| h.get("comment").cloned()))
                .unwrap_or(json!("")),
            "Created": raw.get("created").cloned().unwrap_or(json!("")),
            "Container": raw.get("container").cloned().unwrap_or(json!("")),
            "ContainerConfig": raw.get("container_config").cloned().unwrap_or(json!({})),
            "DockerVersion": raw.get("docker_version").cloned().unwrap_or(json!("")),
            "Author": raw.get("author").cloned().unwrap_or(json!("")),
            "Config": raw.get("config").cloned().unwrap_or(Value::Null),
            "Architecture": raw.get("architecture").cloned().unwrap_or(json!("amd64")),
            "Os": raw.get("os").cloned().unwrap_or(json!("linux")),
            "Size": size,
            "VirtualSize": size,
            "GraphDriver": graph,
            "RootFS": { "Type": "layers", "Layers": diff_ids },
            "Metadata": { "LastTagTime": "0001-01-01T00:00:00Z" },
        }))
    }

    fn image_graph_driver(&self, diff_ids: &[String]) -> EngineResult<Value> {
        let mut dirs = Vec::new();
        for chain in chain_ids(diff_ids) {
            let layer = self.store.layer(&chain)?;
            dirs.push(self.store.layer_diff_dir(&layer));
        }
        dirs.reverse();
        let Some(top) = dirs.first() else {
            return Ok(json!({"Data": null, "Name": "overlay2"}));
        };
        let base = top.parent().map(|p| p.to_path_buf()).unwrap_or_default();
        let mut data = json!({
            "MergedDir": base.join("merged"),
            "UpperDir": top,
            "WorkDir": base.join("work"),
        });
        if dirs.len() > 1 {
            let lower: Vec<String> = dirs[1..].iter().map(|d| d.display().to_string()).collect();
            data["LowerDir"] = json!(lower.join(":"));
        }
        Ok(json!({"Data": data, "Name": "overlay2"}))
    }

    pub fn cmd_images(&self, o: &ImagesOptions, out: &mut Output) -> i32 {
        match self.images_rows(o) {
            Ok(rows) => {
                if o.quiet {
                    let mut seen = Vec::new();
                    for r in &rows {
                        let id = r["ID"].as_str().unwrap_or_default().to_string();
                        if !seen.contains(&id) {
                            out.outln(&id);
                            seen.push(id);
                        }
                    }
                    return 0;
                }
                let format = o.format.as_deref().unwrap_or(IMAGES_DEFAULT_TABLE);
                crate::cli::table::print_rows(format, &rows, IMAGES_HEADERS, out)
            }
            Err(e) => {
                out.errln(&e.to_string());
                1
            }
        }
    }

    fn images_rows(&self, o: &ImagesOptions) -> EngineResult<Vec<Value>> {
        let now = self.now();
        let tags = self.store.tags()?;
        let mut rows: Vec<(String, Value)> = Vec::new();
        for id in self.store.list_image_ids()? {
            let raw = self.image_json_raw(&id)?;
            let created_str = raw["created"].as_str().unwrap_or_default().to_string();
            let created = chrono::DateTime::parse_from_rfc3339(&created_str)
                .map(|t| t.with_timezone(&chrono::Utc))
                .unwrap_or(now);
            let size = human_size(self.image_size(&id)?);
            let shown_id = if o.no_trunc {
                id.clone()
            } else {
                short_image_id(&id)
            };
            let mut refs: Vec<(String, String)> = tags
                .iter()
                .filter(|(_, i)| *i == id)
                .map(|(r, _)| {
                    (
                        r.familiar_name(),
                        r.tag.clone().unwrap_or_else(|| "latest".to_string()),
                    )
                })
                .collect();
            refs.sort();
            if refs.is_empty() {
                refs.push(("<none>".to_string(), "<none>".to_string()));
            }
            for (repo, tag) in refs {
                if let Some(want) = &o.repository {
                    let (want_repo, want_tag) = match want.rsplit_once(':') {
                        Some((r, t)) if !t.contains('/') => (r.to_string(), Some(t.to_string())),
                        _ => (want.clone(), None),
                    };
                    if repo != want_repo || want_tag.is_some_and(|t| t != tag) {
                        continue;
                    }
                }
                let row = json!({
                    "Repository": repo,
                    "Tag": tag,
                    "ID": shown_id,
                    "CreatedSince": format!("{} ago", human_duration(now - created)),
                    "CreatedAt": created.format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string(),
                    "Size": size,
                    "Digest": "<none>",
                });
                rows.push((created_str.clone(), row));
            }
        }
        // Newest first, as Docker lists them; ties by repository and tag.
        rows.sort_by(|a, b| {
            b.0.cmp(&a.0).then_with(|| {
                let ka = (a.1["Repository"].to_string(), a.1["Tag"].to_string());
                let kb = (b.1["Repository"].to_string(), b.1["Tag"].to_string());
                ka.cmp(&kb)
            })
        });
        Ok(rows.into_iter().map(|(_, r)| r).collect())
    }
}

#[cfg(test)]
mod tests {
    use super::chain_ids;

    #[test]
    fn chain_ids_follow_the_formula() {
        let ids = chain_ids(&["sha256:aa".to_string(), "sha256:bb".to_string()]);
        assert_eq!(ids[0], "sha256:aa");
        assert_eq!(
            ids[1],
            format!(
                "sha256:{}",
                hex::encode(<sha2::Sha256 as sha2::Digest>::digest(
                    "sha256:aa sha256:bb"
                ))
            )
        );
    }
}
