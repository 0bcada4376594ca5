//! The offline `busybox` base image, built from the host: its busybox if it has one, else its
//! /bin/sh and core utilities with their shared libraries (found with `ldd`). The tar is
//! deterministic: sorted entries, fixed mtime, root-owned.
use std::collections::BTreeMap;
use std::io::Write;
use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum HostImageError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("no shell on the host (looked for busybox and /bin/sh)")]
    NoShell,
}

fn io(path: &Path, source: std::io::Error) -> HostImageError {
    HostImageError::Io {
        path: path.to_path_buf(),
        source,
    }
}

/// The utilities a busybox-like image should offer.
pub const UTILITIES: &[&str] = &[
    "ls", "cat", "echo", "mkdir", "rm", "cp", "mv", "touch", "head", "tail", "tr", "wc", "env",
    "hostname", "id", "ps", "sleep", "true", "false", "grep", "sed", "cut", "df", "du", "stat",
    "uname", "date", "kill", "dd", "find", "chmod", "ln", "readlink", "pwd", "printf", "test",
    // For terminals: `stty size` shows the window size a client forwarded, `tty` the pty.
    "stty", "tty",
];

/// Fixed mtime for every entry (2025-01-01T00:00:00Z), so two builds give the same bytes.
pub const MTIME: u64 = 1_735_689_600;

/// What goes into the image: path in the image -> where its bytes come from on the host
/// (None = a directory).
pub type Plan = BTreeMap<String, Option<PathBuf>>;

/// Parse `ldd` output: the resolved paths ("=> /x (0x..)") and the loader ("/lib64/ld… (0x..)").
pub fn parse_ldd(out: &str) -> Vec<PathBuf> {
    out.lines()
        .filter_map(|l| {
            let l = l.trim();
            let path = match l.split_once("=>") {
                Some((_, rhs)) => rhs.trim().split(' ').next()?,
                None => l.split(' ').next()?,
            };
            path.starts_with('/').then(|| PathBuf::from(path))
        })
        .collect()
}

fn which(name: &str) -> Option<PathBuf> {
    ["/usr/local/bin", "/usr/bin", "/bin", "/usr/sbin", "/sbin"]
        .iter()
        .map(|d| Path::new(d).join(name))
        .find(|p| p.is_file())
}

fn shared_libs(binary: &Path) -> Vec<PathBuf> {
    std::process::Command::new("ldd")
        .arg(binary)
        .output()
        .map(|o| parse_ldd(&String::from_utf8_lossy(&o.stdout)))
        .unwrap_or_default()
}

fn add_parents(plan: &mut Plan, path: &str) {
    let mut p = Path::new(path).parent();
    while let Some(dir) = p {
        let s = dir.to_string_lossy();
        if s.is_empty() {
            break;
        }
        plan.entry(s.into_owned()).or_insert(None);
        p = dir.parent();
    }
}

fn add_file(plan: &mut Plan, image_path: &str, host: PathBuf) {
    add_parents(plan, image_path);
    plan.insert(image_path.to_string(), Some(host));
}

/// Decide the image's content from what the host has.
pub fn plan_from_host() -> Result<Plan, HostImageError> {
    let mut plan = Plan::new();
    for d in [
        "bin", "dev", "etc", "home", "proc", "root", "sys", "tmp", "var", "usr",
    ] {
        plan.insert(d.to_string(), None);
    }
    let mut binaries = vec![];
    if let Some(busybox) = which("busybox") {
        binaries.push(("bin/busybox".to_string(), busybox.clone()));
        binaries.push(("bin/sh".to_string(), busybox));
    } else {
        let sh = ["/bin/sh", "/bin/dash", "/bin/bash"]
            .iter()
            .map(PathBuf::from)
            .find(|p| p.is_file())
            .ok_or(HostImageError::NoShell)?;
        binaries.push(("bin/sh".to_string(), sh));
        for name in UTILITIES {
            if let Some(p) = which(name) {
                binaries.push((format!("bin/{name}"), p));
            }
        }
    }
    for (image_path, host) in binaries {
        for lib in shared_libs(&host) {
            let rel = lib.to_string_lossy().trim_start_matches('/').to_string();
            add_file(&mut plan, &rel, lib);
        }
        add_file(&mut plan, &image_path, host);
    }
    Ok(plan)
}

const PASSWD: &str =
    "root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/home:/bin/false\n";
const GROUP: &str = "root:x:0:\nnobody:x:65534:\n";

/// Write the image's single layer as a tar stream.
pub fn write_tar<W: Write>(plan: &Plan, out: W) -> Result<W, HostImageError> {
    let mut tar = tar::Builder::new(out);
    let tar_err = |e| io(Path::new("<tar stream>"), e);
    let mut inline: BTreeMap<String, (&[u8], u32)> = BTreeMap::new();
    inline.insert("etc/passwd".into(), (PASSWD.as_bytes(), 0o644));
    inline.insert("etc/group".into(), (GROUP.as_bytes(), 0o644));
    let mut all: BTreeMap<&str, Entry> = BTreeMap::new();
    for (path, src) in plan {
        all.insert(
            path,
            match src {
                Some(p) => Entry::Host(p),
                None => Entry::Dir,
            },
        );
    }
    for (path, (bytes, mode)) in &inline {
        all.insert(path, Entry::Inline(bytes, *mode));
    }
    // A busybox image reaches its utilities through links to the one binary, as the real
    // image does: a command such as `sleep` must exist as a file for exec to find it.
    let links: Vec<String> = if plan.contains_key("bin/busybox") {
        UTILITIES
            .iter()
            .map(|u| format!("bin/{u}"))
            .filter(|p| !plan.contains_key(p))
            .collect()
    } else {
        Vec::new()
    };
    for path in &links {
        all.insert(path, Entry::Link("busybox"));
    }
    for (path, entry) in all {
        let mut h = tar::Header::new_ustar();
        h.set_mtime(MTIME);
        h.set_uid(0);
        h.set_gid(0);
        match entry {
            Entry::Dir => {
                h.set_entry_type(tar::EntryType::Directory);
                h.set_mode(if path == "tmp" { 0o1777 } else { 0o755 });
                h.set_size(0);
                tar.append_data(&mut h, format!("{path}/"), std::io::empty())
                    .map_err(tar_err)?;
            }
            Entry::Inline(bytes, mode) => {
                h.set_mode(mode);
                h.set_size(bytes.len() as u64);
                tar.append_data(&mut h, path, bytes).map_err(tar_err)?;
            }
            Entry::Link(target) => {
                h.set_entry_type(tar::EntryType::Symlink);
                h.set_mode(0o777);
                h.set_size(0);
                tar.append_link(&mut h, path, target).map_err(tar_err)?;
            }
            Entry::Host(src) => {
                let bytes = std::fs::read(src).map_err(|e| io(src, e))?;
                h.set_mode(0o755);
                h.set_size(bytes.len() as u64);
                tar.append_data(&mut h, path, bytes.as_slice())
                    .map_err(tar_err)?;
            }
        }
    }
    tar.into_inner().map_err(tar_err)
}

enum Entry<'a> {
    Dir,
    Inline(&'a [u8], u32),
    Host(&'a Path),
    Link(&'a str),
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ldd_output_gives_libraries_and_loader() {
        let out = "\tlinux-vdso.so.1 (0x00007f)\n\tlibc.so.6 => /lib/x86_64-linux-gnu/libc.so.6 (0x00007f)\n\t/lib64/ld-linux-x86-64.so.2 (0x00007f)\n";
        assert_eq!(
            parse_ldd(out),
            vec![
                PathBuf::from("/lib/x86_64-linux-gnu/libc.so.6"),
                PathBuf::from("/lib64/ld-linux-x86-64.so.2")
            ]
        );
    }

    #[test]
    fn tar_has_shell_loader_and_is_deterministic() {
        let plan = plan_from_host().unwrap();
        let a = write_tar(&plan, Vec::new()).unwrap();
        let b = write_tar(&plan, Vec::new()).unwrap();
        assert_eq!(a, b);
        let mut names = vec![];
        for e in tar::Archive::new(a.as_slice()).entries().unwrap() {
            let e = e.unwrap();
            assert_eq!(e.header().mtime().unwrap(), MTIME);
            names.push(e.path().unwrap().to_string_lossy().into_owned());
        }
        assert!(names.contains(&"bin/sh".to_string()), "{names:?}");
        assert!(names.contains(&"etc/passwd".to_string()));
        assert!(names.contains(&"tmp/".to_string()));
        // The image's shell (the host's busybox or /bin/sh) comes with its loader when it
        // is dynamically linked, and a busybox image links its utilities to the binary.
        let sh = plan["bin/sh"].clone().expect("bin/sh is a file");
        if let Some(loader) = shared_libs(&sh)
            .into_iter()
            .find(|p| p.to_string_lossy().contains("ld-"))
        {
            let loader = loader.to_string_lossy().trim_start_matches('/').to_string();
            assert!(names.contains(&loader), "{loader} missing from {names:?}");
        }
        for u in ["bin/sleep", "bin/cat", "bin/stty"] {
            assert!(names.contains(&u.to_string()), "{u} missing from {names:?}");
        }
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
