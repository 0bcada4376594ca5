//! Evidence for `show ns`: the namespace links of the container's PID 1 beside the host's
//! PID 1, their cgroups, and the kernel release seen from both sides. Read, never invented.
use std::path::{Path, PathBuf};

use crate::backend::NsEvidence;

#[derive(Debug, thiserror::Error)]
pub enum NsInfoError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// The namespaces shown, in the order the diagram lists them.
pub const KINDS: [&str; 7] = ["pid", "mnt", "uts", "ipc", "net", "cgroup", "user"];

fn links(proc_root: &Path, pid: u32) -> Result<Vec<(String, String)>, NsInfoError> {
    links_of(proc_root, &pid.to_string())
}

fn links_of(proc_root: &Path, pid: &str) -> Result<Vec<(String, String)>, NsInfoError> {
    KINDS
        .iter()
        .map(|kind| {
            let path = proc_root.join(format!("{pid}/ns/{kind}"));
            let target = std::fs::read_link(&path).map_err(|source| NsInfoError::Io {
                path: path.clone(),
                source,
            })?;
            Ok((kind.to_string(), target.to_string_lossy().into_owned()))
        })
        .collect()
}

fn read_trimmed(path: PathBuf) -> Result<String, NsInfoError> {
    std::fs::read_to_string(&path)
        .map(|s| s.trim().to_string())
        .map_err(|source| NsInfoError::Io { path, source })
}

/// The cgroup path of the memory controller (v1) or the unified one (v2) in /proc/<pid>/cgroup.
pub fn memory_cgroup(text: &str) -> Option<String> {
    let entries: Vec<(&str, &str)> = text
        .lines()
        .filter_map(|l| {
            let mut f = l.splitn(3, ':');
            let _id = f.next()?;
            Some((f.next()?, f.next()?))
        })
        .collect();
    entries
        .iter()
        .find(|(ctrls, _)| ctrls.split(',').any(|c| c == "memory"))
        .or_else(|| entries.iter().find(|(ctrls, _)| ctrls.is_empty()))
        .map(|(_, path)| path.to_string())
}

pub fn gather(
    proc_root: &Path,
    pid: u32,
    cgroup_dirs: &[PathBuf],
) -> Result<NsEvidence, NsInfoError> {
    // PID 1's links need ptrace access to it, which a root inside another container may lack;
    // this client is a host process too, so its links are the host's namespaces as well.
    let (host, host_label, host_proc) = match links(proc_root, 1) {
        Ok(l) => (l, "the host's PID 1", "1"),
        Err(_) => (
            links_of(proc_root, "self")?,
            "this dockerlings process (on the host)",
            "self",
        ),
    };
    let host_cgroup_text = read_trimmed(proc_root.join(host_proc).join("cgroup"))?;
    Ok(NsEvidence {
        container_pid: pid,
        container: links(proc_root, pid)?,
        host,
        host_label: host_label.to_string(),
        container_cgroups: cgroup_dirs
            .iter()
            .map(|d| d.to_string_lossy().into_owned())
            .collect(),
        host_cgroup: memory_cgroup(&host_cgroup_text).unwrap_or_else(|| "?".to_string()),
        // Through the container's own root and its own /proc mount: what `uname -r` inside reads.
        kernel_inside: read_trimmed(
            proc_root.join(format!("{pid}/root/proc/sys/kernel/osrelease")),
        )?,
        kernel_host: read_trimmed(proc_root.join("sys/kernel/osrelease"))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn memory_cgroup_v1_and_v2() {
        let v1 = "12:pids:/x\n4:memory:/dockerlings/abc\n0::/\n";
        assert_eq!(memory_cgroup(v1).as_deref(), Some("/dockerlings/abc"));
        assert_eq!(
            memory_cgroup("0::/init.scope\n").as_deref(),
            Some("/init.scope")
        );
        assert_eq!(memory_cgroup(""), None);
    }
}
