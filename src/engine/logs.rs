//! `logs [-f] [--tail N] [-t] CONTAINER`: reads Docker's json-file log.
use serde::Deserialize;

use super::Engine;
use super::error::EngineError;
use crate::util::Output;

#[derive(Debug, Deserialize)]
struct LogEntry {
    log: String,
    stream: String,
    time: String,
}

#[derive(Debug, Clone, Default)]
pub struct LogsOptions {
    pub follow: bool,
    pub tail: Option<String>,
    pub timestamps: bool,
}

impl Engine {
    pub fn cmd_logs(&mut self, name: &str, o: &LogsOptions, out: &mut Output) -> i32 {
        match self.logs_one(name, o, out) {
            Ok(()) => 0,
            Err(e) => {
                out.errln(&e.to_string());
                1
            }
        }
    }

    fn logs_one(
        &mut self,
        name: &str,
        o: &LogsOptions,
        out: &mut Output,
    ) -> Result<(), EngineError> {
        let id = self
            .resolve_container(name)
            .ok_or_else(|| EngineError::NoSuchContainerClient(name.to_string()))?;
        if o.follow {
            // Following means waiting for the end; attached output is the log itself.
            let mut ignored = Output::default();
            self.wait_attached(&id, &mut ignored)?;
        }
        let path = self.container_dir(&id).join(format!("{id}-json.log"));
        let text = match std::fs::read_to_string(&path) {
            Ok(t) => t,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => String::new(),
            Err(e) => return Err(EngineError::io(&path, e)),
        };
        let entries: Vec<LogEntry> = text
            .lines()
            .filter_map(|l| serde_json::from_str(l).ok())
            .collect();
        let skip = match o.tail.as_deref() {
            None | Some("all") => 0,
            Some(n) => match n.parse::<usize>() {
                Ok(n) => entries.len().saturating_sub(n),
                Err(_) => 0,
            },
        };
        for e in entries.iter().skip(skip) {
            let line = if o.timestamps {
                format!("{} {}", e.time, e.log)
            } else {
                e.log.clone()
            };
            if e.stream == "stderr" {
                out.err(&line);
            } else {
                out.out(&line);
            }
        }
        Ok(())
    }
}
