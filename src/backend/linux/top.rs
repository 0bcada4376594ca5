//! `docker top` on the kernel: Docker runs `ps -ef` on the host and keeps the container's pids;
//! we read the same columns straight from /proc for the pids in the container's cgroup.
use std::path::{Path, PathBuf};

use chrono::{DateTime, Local, TimeZone};

use crate::backend::ProcRow;

#[derive(Debug, thiserror::Error)]
pub enum TopError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{path}: unexpected format")]
    Format { path: PathBuf },
}

/// The fields of /proc/<pid>/stat that `ps -ef` shows.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatFields {
    pub comm: String,
    pub ppid: u32,
    pub tty_nr: u32,
    /// utime + stime, in clock ticks.
    pub cpu_ticks: u64,
    /// Ticks after boot when the process started.
    pub start_ticks: u64,
}

/// Parses /proc/<pid>/stat; the command name may hold spaces and parentheses, so fields are
/// counted from the last ')'.
pub fn parse_stat(text: &str) -> Option<StatFields> {
    let open = text.find('(')?;
    let close = text.rfind(')')?;
    let comm = text.get(open + 1..close)?.to_string();
    // After ')': state(3) ppid(4) pgrp(5) session(6) tty_nr(7) ... utime(14) stime(15) ... starttime(22)
    let rest: Vec<&str> = text.get(close + 1..)?.split_whitespace().collect();
    let field = |n: usize| rest.get(n - 3).and_then(|s| s.parse::<u64>().ok());
    Some(StatFields {
        comm,
        ppid: field(4)? as u32,
        tty_nr: field(7)? as u32,
        cpu_ticks: field(14)? + field(15)?,
        start_ticks: field(22)?,
    })
}

/// The real uid from /proc/<pid>/status ("Uid:\treal\teffective\t...").
pub fn parse_uid(status: &str) -> Option<u32> {
    status
        .lines()
        .find_map(|l| l.strip_prefix("Uid:"))
        .and_then(|v| v.split_whitespace().next())
        .and_then(|v| v.parse().ok())
}

/// The user name from the host's /etc/passwd, as ps prints it; the number when unknown.
pub fn user_name(passwd: &str, uid: u32) -> String {
    passwd
        .lines()
        .find_map(|l| {
            let mut f = l.split(':');
            let name = f.next()?;
            (f.nth(1)?.parse::<u32>().ok()? == uid).then(|| name.to_string())
        })
        .unwrap_or_else(|| uid.to_string())
}

/// ps's TTY column: "?" without a terminal, pts/N or ttyN.
pub fn tty_name(tty_nr: u32) -> String {
    let major = (tty_nr >> 8) & 0xfff;
    let minor = (tty_nr & 0xff) | ((tty_nr >> 12) & 0xfff00);
    match major {
        0 => "?".to_string(),
        4 => format!("tty{minor}"),
        136..=143 => format!("pts/{}", (major - 136) * 256 + minor),
        _ => "?".to_string(),
    }
}

/// ps's TIME column: cumulative CPU time as [DD-]HH:MM:SS.
pub fn cpu_time(secs: u64) -> String {
    let (d, h, m, s) = (secs / 86400, secs / 3600 % 24, secs / 60 % 60, secs % 60);
    if d > 0 {
        format!("{d}-{h:02}:{m:02}:{s:02}")
    } else {
        format!("{h:02}:{m:02}:{s:02}")
    }
}

/// ps's C column: CPU time over lifetime, in percent (whole numbers, capped at 99 as ps does).
pub fn percent_c(cpu_secs: f64, lifetime_secs: f64) -> u32 {
    if lifetime_secs <= 0.0 {
        return 0;
    }
    ((cpu_secs * 100.0 / lifetime_secs) as u32).min(99)
}

/// ps's STIME: HH:MM within the last day, else "MonDD".
pub fn stime(start: DateTime<Local>, now: DateTime<Local>) -> String {
    if now - start < chrono::Duration::hours(24) {
        start.format("%H:%M").to_string()
    } else {
        start.format("%b%d").to_string()
    }
}

fn read(path: PathBuf) -> Result<String, TopError> {
    std::fs::read_to_string(&path).map_err(|source| TopError::Io { path, source })
}

/// Rows for `pids`, in pid order; a process that ended meanwhile is left out.
pub fn rows(proc_root: &Path, pids: &[u32]) -> Result<Vec<ProcRow>, TopError> {
    let stat_path = proc_root.join("stat");
    let btime = read(stat_path.clone())?
        .lines()
        .find_map(|l| l.strip_prefix("btime "))
        .and_then(|v| v.trim().parse::<i64>().ok())
        .ok_or(TopError::Format { path: stat_path })?;
    // SAFETY: sysconf has no preconditions.
    let hz = match unsafe { libc::sysconf(libc::_SC_CLK_TCK) } {
        n if n > 0 => n as f64,
        _ => 100.0,
    };
    let passwd = std::fs::read_to_string("/etc/passwd").unwrap_or_default();
    let now = Local::now();
    let mut pids = pids.to_vec();
    pids.sort_unstable();
    let mut out = Vec::new();
    for pid in pids {
        let dir = proc_root.join(pid.to_string());
        let (Ok(stat), Ok(status)) = (read(dir.join("stat")), read(dir.join("status"))) else {
            continue;
        };
        let st = parse_stat(&stat).ok_or(TopError::Format {
            path: dir.join("stat"),
        })?;
        let cmdline = std::fs::read(dir.join("cmdline")).unwrap_or_default();
        let args: Vec<String> = cmdline
            .split(|b| *b == 0)
            .filter(|a| !a.is_empty())
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        let cmd = if args.is_empty() {
            format!("[{}]", st.comm)
        } else {
            args.join(" ")
        };
        let started_secs = btime as f64 + st.start_ticks as f64 / hz;
        let start = Local
            .timestamp_opt(started_secs as i64, 0)
            .single()
            .unwrap_or(now);
        let cpu_secs = st.cpu_ticks as f64 / hz;
        let lifetime = now.timestamp() as f64 - started_secs;
        out.push(ProcRow {
            uid: user_name(&passwd, parse_uid(&status).unwrap_or(0)),
            pid,
            ppid: st.ppid,
            c: percent_c(cpu_secs, lifetime),
            stime: Some(stime(start, now)),
            tty: tty_name(st.tty_nr),
            time: cpu_time(cpu_secs as u64),
            cmd,
        });
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stat_with_odd_command_name() {
        let text = "4242 (my (odd) cmd) S 4200 4242 4242 34817 4242 4194560 100 0 0 0 150 50 0 0 20 0 1 0 123456 1000 10 18446744073709551615";
        let st = parse_stat(text).unwrap();
        assert_eq!(
            st,
            StatFields {
                comm: "my (odd) cmd".into(),
                ppid: 4200,
                tty_nr: 34817,
                cpu_ticks: 200,
                start_ticks: 123456,
            }
        );
        assert_eq!(tty_name(st.tty_nr), "pts/1");
        assert_eq!(tty_name(0), "?");
    }

    #[test]
    fn columns_as_ps_prints_them() {
        assert_eq!(
            parse_uid("Name:\tsh\nUid:\t1000\t1000\t1000\t1000\n"),
            Some(1000)
        );
        let passwd = "root:x:0:0:root:/root:/bin/sh\nalice:x:1000:1000::/home/alice:/bin/sh\n";
        assert_eq!(user_name(passwd, 1000), "alice");
        assert_eq!(user_name(passwd, 4242), "4242");
        assert_eq!(cpu_time(3725), "01:02:05");
        assert_eq!(cpu_time(90061), "1-01:01:01");
        assert_eq!(percent_c(1.0, 4.0), 25);
        assert_eq!(percent_c(10.0, 1.0), 99);
        let now = Local.with_ymd_and_hms(2026, 11, 23, 12, 0, 0).unwrap();
        assert_eq!(stime(now - chrono::Duration::minutes(5), now), "11:55");
        assert_eq!(stime(now - chrono::Duration::days(2), now), "Nov21");
    }
}
