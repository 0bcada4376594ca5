//! `stats [--no-stream] [--format T] [CONTAINER...]`: memory and pids from the backend
//! (the cgroup on the kernel, the memory model in the simulator).
use serde_json::{Value, json};

use super::Engine;
use super::error::EngineError;
use crate::util::Output;
use crate::util::humanize::bytes_size;

pub const STATS_HEADERS: &[(&str, &str)] = &[
    ("Container", "CONTAINER"),
    ("ID", "CONTAINER ID"),
    ("Name", "NAME"),
    ("CPUPerc", "CPU %"),
    ("MemUsage", "MEM USAGE / LIMIT"),
    ("MemPerc", "MEM %"),
    ("NetIO", "NET I/O"),
    ("BlockIO", "BLOCK I/O"),
    ("PIDs", "PIDS"),
];

const STATS_DEFAULT_TABLE: &str = "table {{.ID}}\t{{.Name}}\t{{.CPUPerc}}\t{{.MemUsage}}\t{{.MemPerc}}\t{{.NetIO}}\t{{.BlockIO}}\t{{.PIDs}}";

#[derive(Debug, Clone, Default)]
pub struct StatsOptions {
    pub all: bool,
    pub no_trunc: bool,
    pub format: Option<String>,
}

impl Engine {
    fn stats_row(&mut self, id: &str, no_trunc: bool) -> Result<Value, EngineError> {
        let c = self.container_by_id(id)?;
        let (usage, limit, pids) = if c.status().has_process() {
            let spec = self.launch_spec(&c)?;
            let m = self.runtime.memory(&spec, &self.meta.clock)?;
            (m.usage, m.limit, m.pids)
        } else {
            (0, 0, 0)
        };
        let perc = if limit > 0 {
            usage as f64 * 100.0 / limit as f64
        } else {
            0.0
        };
        Ok(json!({
            "Container": c.name,
            "ID": if no_trunc { c.id.clone() } else { c.short_id().to_string() },
            "Name": c.name,
            "CPUPerc": "0.00%",
            "MemUsage": format!("{} / {}", bytes_size(usage), bytes_size(limit)),
            "MemPerc": format!("{perc:.2}%"),
            "NetIO": "0B / 0B",
            "BlockIO": "0B / 0B",
            "PIDs": pids.to_string(),
        }))
    }

    pub fn cmd_stats(&mut self, names: &[String], o: &StatsOptions, out: &mut Output) -> i32 {
        let mut ids = Vec::new();
        let mut code = 0;
        if names.is_empty() {
            ids = self
                .containers_newest_first()
                .into_iter()
                .filter(|c| o.all || c.status().has_process())
                .map(|c| c.id.clone())
                .collect();
        } else {
            for n in names {
                match self.resolve_container(n) {
                    Some(id) => ids.push(id),
                    None => {
                        out.errln(&format!(
                            "Error response from daemon: No such container: {n}"
                        ));
                        code = 1;
                    }
                }
            }
            if code != 0 {
                return code;
            }
        }
        let mut rows = Vec::new();
        for id in ids {
            match self.stats_row(&id, o.no_trunc) {
                Ok(r) => rows.push(r),
                Err(e) => {
                    out.errln(&e.to_string());
                    return 1;
                }
            }
        }
        let format = o.format.as_deref().unwrap_or(STATS_DEFAULT_TABLE);
        crate::cli::table::print_rows(format, &rows, STATS_HEADERS, out)
    }
}
