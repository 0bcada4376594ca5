//! Reading memory the way `docker stats` does: usage minus inactive page cache.
use std::path::Path;

use super::{CgResult, CgroupError, CgroupMode, ContainerCgroup, files};
use crate::backend::{MemoryReading, MemorySource};

/// `key value` lines (memory.stat, memory.oom_control, cgroup.events) -> the value of `key`.
pub fn parse_kv(text: &str, key: &str) -> Option<u64> {
    text.lines().find_map(|line| {
        let (k, v) = line.split_once(' ')?;
        if k == key {
            v.trim().parse().ok()
        } else {
            None
        }
    })
}

/// The figure `docker stats` shows: usage − inactive file cache (never below zero).
pub fn usage_minus_inactive(usage: u64, inactive_file: u64) -> u64 {
    usage.saturating_sub(inactive_file)
}

/// MemTotal from /proc/meminfo, in bytes.
pub fn host_total_memory(meminfo: &str) -> Option<u64> {
    let line = meminfo.lines().find(|l| l.starts_with("MemTotal:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

/// This process's cgroup path in hierarchy `key` ("memory", ...; "" = v2) from /proc/self/cgroup.
pub(super) fn own_cgroup(self_cgroup: &str, key: &str) -> Option<String> {
    self_cgroup.lines().find_map(|line| {
        let mut parts = line.splitn(3, ':');
        let _id = parts.next()?;
        let controllers = parts.next()?;
        let path = parts.next()?;
        let hit = if key.is_empty() {
            controllers.is_empty()
        } else {
            controllers.split(',').any(|c| c == key)
        };
        hit.then(|| path.to_string())
    })
}

fn read_u64(path: &Path) -> CgResult<u64> {
    let text = files::read(path)?;
    text.trim().parse().map_err(|_| CgroupError::Parse {
        path: path.to_path_buf(),
        content: text.trim().to_string(),
    })
}

/// A limit at or above the host's memory means "unlimited": show the host's total, as Docker does.
fn effective_limit(limit: Option<u64>, host_total: u64) -> u64 {
    match limit {
        Some(l) if l < host_total => l,
        _ => host_total,
    }
}

pub(super) fn read(cg: &ContainerCgroup, host_total: u64) -> CgResult<MemoryReading> {
    match cg.mode {
        CgroupMode::V1 => {
            let mem = cg.dir("memory");
            let usage = read_u64(&mem.join("memory.usage_in_bytes"))?;
            let stat = files::read(&mem.join("memory.stat"))?;
            let inactive = parse_kv(&stat, "total_inactive_file").unwrap_or(0);
            let limit = read_u64(&mem.join("memory.limit_in_bytes")).ok();
            let pids = read_u64(&cg.dir("pids").join("pids.current"))?;
            Ok(MemoryReading {
                usage: usage_minus_inactive(usage, inactive),
                limit: effective_limit(limit, host_total),
                pids: pids as u32,
                source: MemorySource::CgroupV1,
            })
        }
        CgroupMode::V2 => {
            let dir = &cg.dirs[0];
            let pids = match read_u64(&dir.join("pids.current")) {
                Ok(n) => n as u32,
                Err(_) => cg.procs()?.len() as u32,
            };
            let current = dir.join("memory.current");
            if current.exists() {
                let usage = read_u64(&current)?;
                let stat = files::read(&dir.join("memory.stat"))?;
                let inactive = parse_kv(&stat, "inactive_file").unwrap_or(0);
                // memory.max reads "max" when unlimited: parse failure = unlimited.
                let limit = read_u64(&dir.join("memory.max")).ok();
                Ok(MemoryReading {
                    usage: usage_minus_inactive(usage, inactive),
                    limit: effective_limit(limit, host_total),
                    pids,
                    source: MemorySource::CgroupV2,
                })
            } else {
                let usage = cg
                    .procs()?
                    .iter()
                    .filter_map(|pid| proc_rss(&cg.proc_root, *pid))
                    .sum();
                Ok(MemoryReading {
                    usage,
                    limit: host_total,
                    pids,
                    source: MemorySource::ProcRss,
                })
            }
        }
    }
}

/// VmRSS of one process in bytes; None when it has gone (a race we accept).
fn proc_rss(proc_root: &Path, pid: u32) -> Option<u64> {
    let status = std::fs::read_to_string(proc_root.join(pid.to_string()).join("status")).ok()?;
    let line = status.lines().find(|l| l.starts_with("VmRSS:"))?;
    let kib: u64 = line.split_whitespace().nth(1)?.parse().ok()?;
    Some(kib * 1024)
}

pub(super) fn oom_killed(cg: &ContainerCgroup) -> bool {
    let read = |p: &Path| std::fs::read_to_string(p).unwrap_or_default();
    match cg.mode {
        CgroupMode::V1 => {
            let mem = cg.dir("memory");
            let control = read(&mem.join("memory.oom_control"));
            parse_kv(&control, "oom_kill").unwrap_or(0) > 0
                || parse_kv(&control, "under_oom").unwrap_or(0) > 0
                || read(&mem.join("memory.failcnt"))
                    .trim()
                    .parse::<u64>()
                    .unwrap_or(0)
                    > 0
                    && parse_kv(&control, "oom_kill").is_none()
        }
        CgroupMode::V2 => {
            parse_kv(&read(&cg.dirs[0].join("memory.events")), "oom_kill").unwrap_or(0) > 0
        }
    }
}
