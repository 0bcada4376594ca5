//! `top CONTAINER [ps OPTIONS]`: the container's processes with `ps -ef`'s columns, laid out
//! as the docker CLI does (tabwriter: min width 20, padding 3).
use super::Engine;
use super::error::EngineError;
use crate::backend::ProcRow;
use crate::util::Output;

pub const TOP_HEADERS: [&str; 8] = ["UID", "PID", "PPID", "C", "STIME", "TTY", "TIME", "CMD"];

impl Engine {
    pub fn cmd_top(&mut self, name: &str, ps_args: &[String], out: &mut Output) -> i32 {
        match self.top_rows(name, ps_args) {
            Ok(rows) => {
                out.out(&render_top(&rows));
                0
            }
            Err(e) => {
                out.errln(&e.to_string());
                1
            }
        }
    }

    fn top_rows(&mut self, name: &str, ps_args: &[String]) -> Result<Vec<ProcRow>, EngineError> {
        // A paused container still has processes: `docker top` lists them (frozen, not gone).
        let c = self.live_container(name)?;
        if !ps_args.is_empty() {
            // Departure from Docker: it hands these to the host's ps; we always show ps -ef.
            return Err(EngineError::NotYet(format!(
                "dockerlings: top shows the ps -ef columns only; ps options ({}) are not supported yet",
                ps_args.join(" ")
            )));
        }
        let spec = self.launch_spec(&c)?;
        let mut rows = self.runtime.processes(&spec)?;
        let started = c
            .state
            .started_at
            .map(|t| t.format("%H:%M").to_string())
            .unwrap_or_else(|| "?".to_string());
        for r in &mut rows {
            if r.stime.is_none() {
                r.stime = Some(started.clone());
            }
        }
        Ok(rows)
    }
}

/// Docker's CLI writes each row tab-separated through tabwriter(minwidth 20, padding 3); the
/// last column is not padded.
pub fn render_top(rows: &[ProcRow]) -> String {
    let mut table: Vec<Vec<String>> = vec![TOP_HEADERS.iter().map(|h| h.to_string()).collect()];
    for r in rows {
        table.push(vec![
            r.uid.clone(),
            r.pid.to_string(),
            r.ppid.to_string(),
            r.c.to_string(),
            r.stime.clone().unwrap_or_default(),
            r.tty.clone(),
            r.time.clone(),
            r.cmd.clone(),
        ]);
    }
    let last = TOP_HEADERS.len() - 1;
    let widths: Vec<usize> = (0..last)
        .map(|i| {
            let w = table
                .iter()
                .map(|row| row[i].chars().count())
                .max()
                .unwrap_or(0);
            (w + 3).max(20)
        })
        .collect();
    let mut s = String::new();
    for row in &table {
        for (i, cell) in row.iter().enumerate() {
            if i < last {
                s.push_str(&format!("{cell:<w$}", w = widths[i]));
            } else {
                s.push_str(cell);
            }
        }
        s.push('\n');
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn top_table_like_docker() {
        let rows = vec![ProcRow {
            uid: "root".into(),
            pid: 12345,
            ppid: 12320,
            c: 0,
            stime: Some("12:31".into()),
            tty: "?".into(),
            time: "00:00:00".into(),
            cmd: "sleep 100000".into(),
        }];
        insta::assert_snapshot!(render_top(&rows), @r"
        UID                 PID                 PPID                C                   STIME               TTY                 TIME                CMD
        root                12345               12320               0                   12:31               ?                   00:00:00            sleep 100000
        ");
    }
}
