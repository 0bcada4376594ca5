//! Seeing a container's process end the moment it ends. The client that starts a container
//! opens a pidfd on its process (pidfd_open(2), a descriptor of the client's own, on a
//! process: the monitor shares nothing with the client) and waits on it with poll(2) where
//! it used to sleep; it becomes readable when the process exits. The monitor's exit record
//! stays the truth: the client then polls for it with a fresh, short backoff, as the monitor
//! writes it right after reaping. A client that did not start the container (`wait`, `stop`
//! from another invocation) polls as before. A pid reused before the pidfd was opened only
//! costs the wake-up: the watch then never fires, and each wait ends at its timeout.
use std::os::fd::{AsFd, FromRawFd, OwnedFd};
use std::time::Duration;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

pub struct ExitWatch {
    pidfd: OwnedFd,
}

impl ExitWatch {
    /// A watch on `pid`; None where the kernel has no pidfd_open (before 5.3) or the
    /// process is already gone.
    pub fn open(pid: u32) -> Option<ExitWatch> {
        let pid = libc::pid_t::try_from(pid).ok()?;
        // SAFETY: pidfd_open takes a pid and flags and returns a new fd or -1.
        let fd = unsafe { libc::syscall(libc::SYS_pidfd_open, pid, 0) };
        let fd = i32::try_from(fd).ok().filter(|fd| *fd >= 0)?;
        // SAFETY: the fd was just returned to us and nothing else owns it.
        Some(ExitWatch {
            pidfd: unsafe { OwnedFd::from_raw_fd(fd) },
        })
    }

    /// Waits up to `timeout`; true once the process has exited.
    pub fn wait(&self, timeout: Duration) -> bool {
        let ms = u16::try_from(timeout.as_millis().max(1)).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(self.pidfd.as_fd(), PollFlags::POLLIN)];
        matches!(poll(&mut fds, PollTimeout::from(ms)), Ok(n) if n > 0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn the_watch_fires_when_the_process_exits_and_not_before() {
        let mut child = std::process::Command::new("sleep")
            .arg("0.3")
            .spawn()
            .expect("sleep runs");
        let watch = ExitWatch::open(child.id()).expect("pidfd_open");
        assert!(!watch.wait(Duration::from_millis(20)), "still running");
        let t = Instant::now();
        assert!(watch.wait(Duration::from_secs(10)), "it exited");
        assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
        assert!(watch.wait(Duration::from_millis(1)), "and stays readable");
        let _ = child.wait();
    }
}
