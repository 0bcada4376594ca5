//! The files the monitor leaves in the container dir: Docker's json-file log lines, `pid`,
//! `exit` and `start-error`. Written atomically (tmp + rename) so readers never see half a file.
use std::path::{Path, PathBuf};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PidRecord {
    pub pid: u32,
    pub monitor: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ExitRecord {
    pub exit_code: i32,
    pub finished_at: DateTime<Utc>,
    pub oom_killed: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StartError {
    pub code: i32,
    pub message: String,
}

pub const PID_FILE: &str = "pid";
pub const EXIT_FILE: &str = "exit";
pub const START_ERROR_FILE: &str = "start-error";
pub const CONFIG_FILE: &str = "monitor.json";

pub use crate::backend::log_line;

pub fn write_atomic(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let tmp = path.with_extension("tmp");
    std::fs::write(&tmp, bytes)?;
    std::fs::rename(&tmp, path)
}

pub fn write_json<T: Serialize>(dir: &Path, name: &str, value: &T) -> std::io::Result<()> {
    let bytes = serde_json::to_vec(value).map_err(std::io::Error::other)?;
    write_atomic(&dir.join(name), &bytes)
}

/// Ok(None) when the file does not exist (yet).
pub fn read_json<T: for<'de> Deserialize<'de>>(
    dir: &Path,
    name: &str,
) -> Result<Option<T>, (PathBuf, std::io::Error)> {
    let path = dir.join(name);
    match std::fs::read(&path) {
        Ok(bytes) => serde_json::from_slice(&bytes)
            .map(Some)
            .map_err(|e| (path, std::io::Error::other(e))),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
        Err(e) => Err((path, e)),
    }
}

/// Exit code Docker reports: the status, or 128 + the signal number.
pub fn exit_code(status: nix::sys::wait::WaitStatus) -> Option<i32> {
    match status {
        nix::sys::wait::WaitStatus::Exited(_, code) => Some(code),
        nix::sys::wait::WaitStatus::Signaled(_, sig, _) => Some(128 + sig as i32),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    #[test]
    fn json_file_log_line() {
        let at = Utc.with_ymd_and_hms(2026, 11, 23, 8, 30, 10).unwrap();
        insta::assert_snapshot!(log_line("stdout", "hello\n", at), @r#"{"log":"hello\n","stream":"stdout","time":"2026-11-23T08:30:10.000000000Z"}"#);
    }

    #[test]
    fn records_round_trip_and_missing_is_none() {
        let dir = tempfile::tempdir().unwrap();
        let rec = ExitRecord {
            exit_code: 137,
            finished_at: Utc::now(),
            oom_killed: false,
        };
        write_json(dir.path(), EXIT_FILE, &rec).unwrap();
        assert_eq!(
            read_json::<ExitRecord>(dir.path(), EXIT_FILE).unwrap(),
            Some(rec)
        );
        assert_eq!(read_json::<PidRecord>(dir.path(), PID_FILE).unwrap(), None);
    }

    #[test]
    fn signal_exit_is_128_plus() {
        use nix::sys::{signal::Signal, wait::WaitStatus};
        let pid = nix::unistd::Pid::from_raw(1);
        assert_eq!(
            exit_code(WaitStatus::Signaled(pid, Signal::SIGKILL, false)),
            Some(137)
        );
        assert_eq!(exit_code(WaitStatus::Exited(pid, 3)), Some(3));
    }
}
