//! `history [--no-trunc] [-q] [--format] IMAGE`: one row per history entry, newest first
//! (moby daemon/images/image_history.go; docker/cli formatter/history.go). IDs follow the
//! local parent chain; entries below the first image that is not local show `<missing>`.
use serde_json::{Value, json};

use super::Engine;
use super::error::{EngineError, EngineResult};
use super::images::chain_ids;
use super::ps::short_image_id;
use crate::image::config::ImageConfig;
use crate::util::Output;
use crate::util::humanize::{ellipsis, human_duration, human_size};

const HISTORY_HEADERS: &[(&str, &str)] = &[
    ("ID", "IMAGE"),
    ("CreatedSince", "CREATED"),
    ("CreatedAt", "CREATED AT"),
    ("CreatedBy", "CREATED BY"),
    ("Size", "SIZE"),
    ("Comment", "COMMENT"),
];

const HISTORY_DEFAULT_TABLE: &str =
    "table {{.ID}}\t{{.CreatedSince}}\t{{.CreatedBy}}\t{{.Size}}\t{{.Comment}}";

#[derive(Debug, Clone, Default)]
pub struct HistoryOptions {
    pub no_trunc: bool,
    pub quiet: bool,
    pub format: Option<String>,
}

struct Item {
    id: String,
    created: Option<chrono::DateTime<chrono::Utc>>,
    created_by: String,
    size: u64,
    comment: String,
}

impl Engine {
    pub fn cmd_history(&self, name: &str, o: &HistoryOptions, out: &mut Output) -> i32 {
        let Some(id) = self.store.resolve_image(name) else {
            out.errln(&format!(
                "Error response from daemon: No such image: {name}"
            ));
            return 1;
        };
        let items = match self.history_items(&id) {
            Ok(i) => i,
            Err(e) => {
                out.errln(&e.to_string());
                return 1;
            }
        };
        let now = self.now();
        let rows: Vec<Value> = items
            .iter()
            .map(|h| {
                let id = if o.no_trunc || h.id == "<missing>" {
                    h.id.clone()
                } else {
                    short_image_id(&h.id)
                };
                let created_by = h.created_by.replace('\t', " ");
                let created_by = if o.no_trunc {
                    created_by
                } else {
                    ellipsis(&created_by, 45)
                };
                let (since, at) = match h.created {
                    Some(t) => (
                        format!("{} ago", human_duration(now - t)),
                        t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true),
                    ),
                    None => ("N/A".to_string(), String::new()),
                };
                json!({
                    "ID": id,
                    "CreatedSince": since,
                    "CreatedAt": at,
                    "CreatedBy": created_by,
                    "Size": human_size(h.size),
                    "Comment": h.comment,
                })
            })
            .collect();
        let format = if o.quiet {
            "{{.ID}}"
        } else {
            o.format.as_deref().unwrap_or(HISTORY_DEFAULT_TABLE)
        };
        crate::cli::table::print_rows(format, &rows, HISTORY_HEADERS, out)
    }

    fn history_items(&self, id: &str) -> EngineResult<Vec<Item>> {
        let bytes = self.store.image_config_bytes(id)?;
        let config = ImageConfig::from_bytes(&bytes)
            .map_err(|e| EngineError::Daemon(format!("invalid image config {id}: {e}")))?;
        let chains = chain_ids(config.diff_ids());
        let mut layer_counter = 0;
        let mut items = Vec::new();
        for h in &config.history {
            let mut size = 0;
            if !h.empty_layer {
                let Some(chain) = chains.get(layer_counter) else {
                    return Err(EngineError::Daemon(
                        "too many non-empty layers in History section".to_string(),
                    ));
                };
                size = self.store.layer(chain)?.size;
                layer_counter += 1;
            }
            items.push(Item {
                id: "<missing>".to_string(),
                created: h.created.as_deref().and_then(|t| {
                    chrono::DateTime::parse_from_rfc3339(t)
                        .ok()
                        .map(|t| t.with_timezone(&chrono::Utc))
                }),
                created_by: h.created_by.clone().unwrap_or_default(),
                size,
                comment: h.comment.clone().unwrap_or_default(),
            });
        }
        items.reverse();
        // Fill in ids down the parent chain, as far as the parents are local.
        let mut current = Some(id.to_string());
        for item in &mut items {
            let Some(cur) = current.take() else { break };
            if self.store.image_config_bytes(&cur).is_err() {
                break;
            }
            item.id = cur.clone();
            current = self.store.image_parent(&cur);
        }
        Ok(items)
    }
}
