//! `ps [-a] [-q] [--no-trunc] [-n N] [-l] [-f name=…|status=…] [--format T]`
use chrono::{DateTime, Utc};
use serde_json::{Value, json};

use super::Engine;
use super::container::Container;
use super::state::ContainerStatus;
use crate::util::Output;
use crate::util::humanize::{ellipsis, human_duration};

#[derive(Debug, Clone, Default)]
pub struct PsOptions {
    pub all: bool,
    pub quiet: bool,
    pub no_trunc: bool,
    pub last: Option<i64>,
    pub latest: bool,
    pub filters: Vec<String>,
    pub format: Option<String>,
}

/// `ps`'s STATUS column: "Created", "Up 5 seconds (Paused)", "Exited (137) 2 seconds ago".
pub fn status_text(c: &Container, now: DateTime<Utc>) -> String {
    match c.status() {
        ContainerStatus::Created => "Created".to_string(),
        ContainerStatus::Running | ContainerStatus::Paused => {
            let since = c.state.started_at.unwrap_or(c.created);
            let up = format!("Up {}", human_duration(now - since));
            if c.status() == ContainerStatus::Paused {
                format!("{up} (Paused)")
            } else {
                up
            }
        }
        ContainerStatus::Exited => {
            let since = c.state.finished_at.unwrap_or(c.created);
            format!(
                "Exited ({}) {} ago",
                c.state.exit_code,
                human_duration(now - since)
            )
        }
        ContainerStatus::Removed => "Removed".to_string(),
    }
}

pub const PS_HEADERS: &[(&str, &str)] = &[
    ("ID", "CONTAINER ID"),
    ("Image", "IMAGE"),
    ("Command", "COMMAND"),
    ("CreatedAt", "CREATED AT"),
    ("RunningFor", "CREATED"),
    ("Ports", "PORTS"),
    ("State", "STATE"),
    ("Status", "STATUS"),
    ("Size", "SIZE"),
    ("Names", "NAMES"),
    ("Labels", "LABELS"),
    ("Mounts", "MOUNTS"),
    ("Networks", "NETWORKS"),
];

const PS_DEFAULT_TABLE: &str =
    "table {{.ID}}\t{{.Image}}\t{{.Command}}\t{{.RunningFor}}\t{{.Status}}\t{{.Ports}}\t{{.Names}}";

impl Engine {
    /// The image column: the name used at create while it still names the same image,
    /// otherwise the short image id (as Docker shows after the tag moved or was removed).
    pub fn image_column(&self, c: &Container) -> String {
        match self.store.resolve_image(&c.config.image) {
            Some(id) if id == c.image_id => c.config.image.clone(),
            _ => short_image_id(&c.image_id),
        }
    }

    fn ps_row(&self, c: &Container, no_trunc: bool) -> Value {
        let now = self.now();
        let command = c.command_line();
        let command = if no_trunc {
            command
        } else {
            ellipsis(&command, 20)
        };
        json!({
            "ID": if no_trunc { c.id.clone() } else { c.short_id().to_string() },
            "Image": self.image_column(c),
            "Command": format!("{command:?}").replace("\\'", "'"),
            "CreatedAt": c.created.format("%Y-%m-%d %H:%M:%S +0000 UTC").to_string(),
            "RunningFor": format!("{} ago", human_duration(now - c.created)),
            "Ports": "",
            "State": c.status().as_str(),
            "Status": status_text(c, now),
            "Size": "0B",
            "Names": c.name,
            "Labels": "",
            "Mounts": "",
            "Networks": match c.host_config.network_mode {
                crate::backend::NetworkMode::None => "none",
                crate::backend::NetworkMode::Host => "host",
            },
        })
    }

    fn ps_matches(&self, c: &Container, filters: &[String]) -> bool {
        filters.iter().all(|f| {
            let (key, value) = f.split_once('=').unwrap_or((f.as_str(), ""));
            match key {
                "name" => c.name.contains(value),
                "status" => c.status().as_str() == value,
                "id" => c.id.starts_with(value),
                "ancestor" => c.config.image == value || c.image_id.contains(value),
                _ => true,
            }
        })
    }

    pub fn cmd_ps(&self, o: &PsOptions, out: &mut Output) -> i32 {
        let mut list: Vec<&Container> = self
            .containers_newest_first()
            .into_iter()
            .filter(|c| o.all || o.last.is_some() || o.latest || c.status().has_process())
            .filter(|c| self.ps_matches(c, &o.filters))
            .collect();
        if o.latest {
            list.truncate(1);
        } else if let Some(n) = o.last.filter(|n| *n >= 0) {
            list.truncate(n as usize);
        }
        if o.quiet {
            for c in list {
                out.outln(if o.no_trunc { &c.id } else { c.short_id() });
            }
            return 0;
        }
        let rows: Vec<Value> = list.iter().map(|c| self.ps_row(c, o.no_trunc)).collect();
        let format = o.format.as_deref().unwrap_or(PS_DEFAULT_TABLE);
        crate::cli::table::print_rows(format, &rows, PS_HEADERS, out)
    }
}

pub fn short_image_id(id: &str) -> String {
    let hex = id.strip_prefix("sha256:").unwrap_or(id);
    hex[..12.min(hex.len())].to_string()
}
