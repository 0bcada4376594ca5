//! The offline `busybox` base image, built from the host: its busybox if it has one, else its
//! /bin/sh and core utilities with their shared libraries (found with `ldd`). The tar is
//! deterministic: sorted entries (hard links after the rest), fixed mtime, root-owned.
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

/// Where one entry of the image comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Source {
    Dir,
    /// A host file's bytes.
    Host(PathBuf),
    /// A hard link to another entry of the image (busybox's applets, as the real image has).
    HardLink(String),
}

/// What goes into the image: path in the image -> where it comes from.
pub type Plan = BTreeMap<String, Source>;

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
        plan.entry(s.into_owned()).or_insert(Source::Dir);
        p = dir.parent();
    }
}

fn add_file(plan: &mut Plan, image_path: &str, host: PathBuf) {
    add_parents(plan, image_path);
    plan.insert(image_path.to_string(), Source::Host(host));
}

/// The applets a busybox binary offers (`busybox --list`).
fn busybox_applets(busybox: &Path) -> Vec<String> {
    std::process::Command::new(busybox)
        .arg("--list")
        .output()
        .map(|o| {
            String::from_utf8_lossy(&o.stdout)
                .lines()
                .map(str::trim)
                .filter(|l| !l.is_empty() && !l.contains('/') && *l != "busybox")
                .map(str::to_string)
                .collect()
        })
        .unwrap_or_default()
}

/// Decide the image's content from what the host has: its busybox when there is one.
pub fn plan_from_host() -> Result<Plan, HostImageError> {
    plan_for(which("busybox"))
}

/// With `busybox`: the binary at /bin/busybox and every applet as a hard link to it in /bin,
/// as Docker Hub's busybox image is laid out (so the same commands print the same as the
/// simulator's busybox). Without: the host's /bin/sh and core utilities, with their libraries.
pub fn plan_for(busybox: Option<PathBuf>) -> Result<Plan, HostImageError> {
    let mut plan = Plan::new();
    for d in [
        "bin", "dev", "etc", "home", "proc", "root", "sys", "tmp", "var", "usr",
    ] {
        plan.insert(d.to_string(), Source::Dir);
    }
    let mut binaries = vec![];
    if let Some(busybox) = busybox {
        // Docker Hub's busybox image has these (the simulator's busybox too).
        for d in ["var/spool", "var/spool/mail", "var/www"] {
            plan.insert(d.to_string(), Source::Dir);
        }
        for applet in busybox_applets(&busybox) {
            plan.insert(
                format!("bin/{applet}"),
                Source::HardLink("bin/busybox".into()),
            );
        }
        binaries.push(("bin/busybox".to_string(), busybox));
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
                Source::Host(p) => Entry::Host(p),
                Source::Dir => Entry::Dir,
                Source::HardLink(target) => Entry::HardLink(target),
            },
        );
    }
    for (path, (bytes, mode)) in &inline {
        all.insert(path, Entry::Inline(bytes, *mode));
    }
    // A hard link must follow its target in the stream: links go last.
    let (links, others): (Vec<_>, Vec<_>) = all
        .into_iter()
        .partition(|(_, e)| matches!(e, Entry::HardLink(_)));
    for (path, entry) in others.into_iter().chain(links) {
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
            Entry::HardLink(target) => {
                h.set_entry_type(tar::EntryType::Link);
                h.set_mode(0o755);
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
    HardLink(&'a str),
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

    fn tar_names(bytes: &[u8]) -> Vec<String> {
        tar::Archive::new(bytes)
            .entries()
            .unwrap()
            .map(|e| e.unwrap().path().unwrap().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn with_busybox_every_applet_is_a_hard_link_in_bin() {
        let Some(busybox) = which("busybox") else {
            // .ci/run installs Debian's busybox-static; elsewhere the fallback is tested below.
            assert!(
                std::env::var("CI").is_err(),
                "busybox missing on CI (.ci/run installs busybox-static)"
            );
            return;
        };
        let plan = plan_for(Some(busybox)).unwrap();
        let bytes = write_tar(&plan, Vec::new()).unwrap();
        let mut links = 0;
        for e in tar::Archive::new(bytes.as_slice()).entries().unwrap() {
            let e = e.unwrap();
            if e.header().entry_type() == tar::EntryType::Link {
                assert_eq!(e.link_name().unwrap().unwrap(), Path::new("bin/busybox"));
                links += 1;
            }
        }
        let names = tar_names(&bytes);
        for applet in ["bin/sh", "bin/ls", "bin/sleep", "bin/cat", "bin/top"] {
            assert!(names.iter().any(|n| n == applet), "{applet} in {names:?}");
        }
        assert!(links > 100, "{links} applets");
    }

    #[test]
    fn tar_has_shell_loader_and_is_deterministic() {
        // The fallback for a host without busybox: /bin/sh and utilities with their libraries.
        let plan = plan_for(None).unwrap();
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
        // The host's shell comes with its loader (it is dynamically linked here).
        let Source::Host(sh) = &plan["bin/sh"] else {
            panic!("bin/sh is a host file in the fallback image")
        };
        let loader = shared_libs(sh)
            .into_iter()
            .find(|p| p.to_string_lossy().contains("ld-"))
            .expect("the host's /bin/sh is dynamically linked here");
        let loader = loader.to_string_lossy().trim_start_matches('/').to_string();
        assert!(names.contains(&loader), "{loader} missing from {names:?}");
        for u in ["bin/sleep", "bin/cat", "bin/stty"] {
            assert!(names.contains(&u.to_string()), "{u} missing from {names:?}");
        }
        let mut sorted = names.clone();
        sorted.sort();
        assert_eq!(names, sorted);
    }
}
