//! Small file helpers for cgroupfs: every error names its path.
use std::path::Path;
use std::time::Duration;

use super::{CgResult, CgroupError};

pub(super) fn write(path: &Path, value: &str) -> CgResult<()> {
    std::fs::write(path, value).map_err(|e| CgroupError::io(path, e))
}

pub(super) fn read(path: &Path) -> CgResult<String> {
    std::fs::read_to_string(path).map_err(|e| CgroupError::io(path, e))
}

/// Call `check` up to `tries` times with `pause` between calls until it returns true.
/// Returns whether it did.
pub fn poll_until(tries: u32, pause: Duration, mut check: impl FnMut() -> bool) -> bool {
    for i in 0..tries {
        if check() {
            return true;
        }
        if i + 1 < tries {
            std::thread::sleep(pause);
        }
    }
    false
}

/// Freezing takes a few ms normally; two seconds means something is stuck (e.g. a task in D state).
const STATE_TRIES: u32 = 400;
const STATE_PAUSE: Duration = Duration::from_millis(5);

pub(super) fn wait_for(path: &Path, ok: impl Fn(&str) -> bool, want: &str) -> CgResult<()> {
    let mut last = String::new();
    let mut read_err = None;
    let reached = poll_until(STATE_TRIES, STATE_PAUSE, || match read(path) {
        Ok(s) => {
            let done = ok(&s);
            last = s;
            done
        }
        Err(e) => {
            read_err = Some(e);
            true
        }
    });
    if let Some(e) = read_err {
        return Err(e);
    }
    if reached {
        Ok(())
    } else {
        Err(CgroupError::NotReached {
            path: path.to_path_buf(),
            want: want.to_string(),
            last: last.trim().to_string(),
        })
    }
}

pub(super) fn rmdir_retry(dir: &Path) -> CgResult<()> {
    let mut last = None;
    let done = poll_until(100, Duration::from_millis(10), || {
        match std::fs::remove_dir(dir) {
            Ok(()) => true,
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => true,
            // EBUSY: tasks still exiting. Anything else will not get better by waiting.
            Err(e) if e.raw_os_error() == Some(libc::EBUSY) => {
                last = Some(e);
                false
            }
            Err(e) => {
                last = Some(e);
                true
            }
        }
    });
    match last {
        Some(e) if !done || dir.exists() => Err(CgroupError::io(dir, e)),
        _ => Ok(()),
    }
}

/// On v2 a child only gets the memory/pids files when every ancestor delegates them.
/// Best effort: a missing controller is handled by the memory fallback.
pub(super) fn enable_v2_controllers(leaf: &Path) {
    let ancestors: Vec<&Path> = leaf.ancestors().skip(1).collect();
    for dir in ancestors.into_iter().rev() {
        let control = dir.join("cgroup.subtree_control");
        if control.exists() {
            let _ = std::fs::write(&control, "+memory");
            let _ = std::fs::write(&control, "+pids");
        }
    }
}
