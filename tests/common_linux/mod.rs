//! Helpers of the real-kernel tests: the skip-or-fail rule, the binary on a root, and what a
//! container may leave behind.
#![allow(dead_code)] // each test crate uses its own subset
use std::path::Path;
use std::process::{Command, Output};

/// Whether the linux backend can run; under DOCKERLINGS_REQUIRE_LINUX=1 it must.
pub fn allowed(test: &str) -> bool {
    match dockerlings::backend::linux::probe() {
        Ok(()) => true,
        Err(why) => {
            assert!(
                std::env::var("DOCKERLINGS_REQUIRE_LINUX").as_deref() != Ok("1"),
                "{test}: DOCKERLINGS_REQUIRE_LINUX=1 but the linux backend cannot run: {why}"
            );
            println!("skipping {test}: {why}");
            false
        }
    }
}

pub fn dl(root: &Path, cmd: &str) -> Output {
    Command::new(env!("CARGO_BIN_EXE_dockerlings"))
        .args(["--backend", "linux", "--root"])
        .arg(root)
        .args(["-c", cmd])
        .output()
        .unwrap()
}

pub fn stdout(root: &Path, cmd: &str) -> String {
    let out = dl(root, cmd);
    String::from_utf8_lossy(&out.stdout).into_owned()
}

pub fn id_of(root: &Path, name: &str) -> String {
    stdout(root, &format!("inspect --format {{{{.Id}}}} {name}"))
        .trim()
        .to_string()
}

pub fn monitors_for(id: &str) -> Vec<i32> {
    let mut found = Vec::new();
    for entry in std::fs::read_dir("/proc").unwrap().flatten() {
        let Ok(pid) = entry.file_name().to_string_lossy().parse::<i32>() else {
            continue;
        };
        let cmdline = std::fs::read(entry.path().join("cmdline")).unwrap_or_default();
        let cmdline = String::from_utf8_lossy(&cmdline);
        if cmdline.contains("__monitor") && cmdline.contains(id) {
            found.push(pid);
        }
    }
    found
}

/// Whatever a test left running is removed, even when it failed half-way.
pub struct Cleanup<'a>(pub &'a Path);
impl Drop for Cleanup<'_> {
    fn drop(&mut self) {
        let ids = stdout(self.0, "ps -aq --no-trunc");
        for id in ids.split_whitespace() {
            dl(self.0, &format!("rm -f {id}"));
        }
    }
}

pub fn leftovers(root: &Path, id: &str) -> Vec<String> {
    let mut left = Vec::new();
    let root_s = root.to_string_lossy().into_owned();
    let mountinfo = std::fs::read_to_string("/proc/self/mountinfo").unwrap();
    left.extend(
        mountinfo
            .lines()
            .filter(|l| l.contains(&root_s))
            .map(|l| format!("mount: {l}")),
    );
    // Containers' cgroups are <ctrl>/dockerlings-<root tag>/<id>: look under every parent.
    for ctrl in ["memory", "pids", "freezer"] {
        let hierarchy = Path::new("/sys/fs/cgroup").join(ctrl);
        for parent in std::fs::read_dir(&hierarchy).unwrap().flatten() {
            let name = parent.file_name().to_string_lossy().into_owned();
            if name.starts_with("dockerlings") && parent.path().join(id).exists() {
                left.push(format!("cgroup: {}", parent.path().join(id).display()));
            }
        }
    }
    left.extend(
        monitors_for(id)
            .into_iter()
            .map(|p| format!("monitor pid {p}")),
    );
    left
}
