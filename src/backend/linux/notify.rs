//! The monitor's wake-up line to the client that launched it: a pipe. The monitor writes
//! one byte once its `pid` (or `start-error`) record is in place and one once its `exit`
//! record is; the client waits on the pipe with poll(2) where it used to sleep, so it sees
//! a `run --rm busybox true` end the moment it ends, not at its next poll. The records stay
//! the truth: a byte only says "look now". A client that did not launch the monitor (a
//! later `wait`, `stop` or `ps`) has no pipe and keeps polling with its backoff; a client
//! gone away costs the monitor nothing (its write fails with EPIPE, as SIGPIPE is ignored).
use std::os::fd::{AsFd, FromRawFd, OwnedFd, RawFd};
use std::time::Duration;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

/// The fd number the detached monitor keeps its end at.
pub const MONITOR_FD: RawFd = 3;

/// The client's end.
pub struct Waiter {
    read: Option<OwnedFd>,
    /// Bytes received so far (tests check the monitor's two).
    pub pings: usize,
}

/// The monitor's end.
pub struct Notifier {
    write: OwnedFd,
}

/// A fresh line: the client's end and the write end to hand to the monitor.
pub fn line() -> nix::Result<(Waiter, OwnedFd)> {
    let (read, write) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC)?;
    Ok((
        Waiter {
            read: Some(read),
            pings: 0,
        },
        write,
    ))
}

impl Waiter {
    /// Waits up to `timeout` for a byte from the monitor; true when woken by one (or by
    /// the monitor closing its end). Sleeps the whole `timeout` once the line is closed.
    pub fn wait(&mut self, timeout: Duration) -> bool {
        let Some(read) = &self.read else {
            std::thread::sleep(timeout);
            return false;
        };
        let ms = u16::try_from(timeout.as_millis().max(1)).unwrap_or(u16::MAX);
        let mut fds = [PollFd::new(read.as_fd(), PollFlags::POLLIN)];
        match poll(&mut fds, PollTimeout::from(ms)) {
            Ok(0) => false,
            Ok(_) => {
                let mut buf = [0u8; 16];
                // 0 bytes: every write end is closed; nothing more will come.
                match nix::unistd::read(read, &mut buf) {
                    Ok(n) if n > 0 => self.pings += n,
                    _ => self.read = None,
                }
                true
            }
            Err(_) => {
                std::thread::sleep(timeout);
                false
            }
        }
    }
}

impl Notifier {
    /// The monitor's end, at `MONITOR_FD` (see `keep_at_monitor_fd`).
    ///
    /// # Safety
    /// `fd` must be an open fd this process owns and nothing else will close.
    pub unsafe fn from_raw(fd: RawFd) -> Notifier {
        // SAFETY: the caller hands over an fd it owns.
        Notifier {
            write: unsafe { OwnedFd::from_raw_fd(fd) },
        }
    }

    /// Says "look now"; a client that has gone away is not an error.
    pub fn ping(&self) {
        let _ = nix::unistd::write(&self.write, b".");
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_ping_wakes_the_waiter_at_once_and_a_closed_line_degrades_to_sleeping() {
        let (mut waiter, write) = line().expect("pipe");
        let notifier = Notifier { write };
        notifier.ping();
        let t = Instant::now();
        assert!(waiter.wait(Duration::from_secs(5)));
        assert!(t.elapsed() < Duration::from_secs(1), "woken by the byte");
        assert!(
            !waiter.wait(Duration::from_millis(10)),
            "one byte, one wake-up"
        );
        drop(notifier);
        let t = Instant::now();
        assert!(waiter.wait(Duration::from_secs(5)));
        assert!(t.elapsed() < Duration::from_secs(1), "woken by the hang-up");
        let t = Instant::now();
        assert!(!waiter.wait(Duration::from_millis(30)));
        assert!(t.elapsed() >= Duration::from_millis(30), "then it sleeps");
    }
}
