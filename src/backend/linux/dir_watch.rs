//! Waiting for the monitor's records without sleeping longer than needed. The monitor
//! renames `pid` and `exit` into the container dir and appends to the log there; an inotify
//! watch on that dir wakes the client as soon as it does. The watch may be unavailable (no
//! inotify instances left) or miss nothing it reports, so every wait is also bounded by a
//! short timeout: the caller re-checks the records either way.
use std::os::fd::AsFd;
use std::path::Path;
use std::time::Duration;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};
use nix::sys::inotify::{AddWatchFlags, InitFlags, Inotify};

pub struct DirWatch {
    inotify: Option<Inotify>,
    /// Without a watch: the next sleep, doubling from 100 µs up to `cap` (a `run --rm busybox
    /// true` is over within a millisecond or two; a fixed 2–5 ms sleep was most of its wait).
    next: Duration,
    cap: Duration,
}

impl DirWatch {
    /// Watch `dir`; no wait lasts longer than `cap`.
    pub fn new(dir: &Path, cap: Duration) -> DirWatch {
        let inotify = Inotify::init(InitFlags::IN_CLOEXEC | InitFlags::IN_NONBLOCK)
            .ok()
            .filter(|i| {
                i.add_watch(
                    dir,
                    AddWatchFlags::IN_MOVED_TO
                        | AddWatchFlags::IN_CLOSE_WRITE
                        | AddWatchFlags::IN_MODIFY
                        | AddWatchFlags::IN_CREATE,
                )
                .is_ok()
            });
        DirWatch {
            inotify,
            next: Duration::from_micros(100),
            cap,
        }
    }

    /// Returns when something changed in the dir or after at most `cap`.
    pub fn wait(&mut self) {
        let Some(inotify) = &self.inotify else {
            std::thread::sleep(self.next);
            self.next = (self.next * 2).min(self.cap);
            return;
        };
        let timeout = PollTimeout::try_from(self.cap).unwrap_or(PollTimeout::NONE);
        let mut fds = [PollFd::new(inotify.as_fd(), PollFlags::POLLIN)];
        if poll(&mut fds, timeout).is_ok_and(|n| n > 0) {
            // Drain what arrived; the caller looks at the files themselves.
            while inotify.read_events().is_ok_and(|e| !e.is_empty()) {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Instant;

    #[test]
    fn a_rename_into_the_dir_ends_the_wait_at_once() {
        let dir = tempfile::tempdir().unwrap();
        let mut watch = DirWatch::new(dir.path(), Duration::from_secs(5));
        assert!(watch.inotify.is_some(), "inotify is available here");
        let path = dir.path().to_path_buf();
        let writer = std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(50));
            std::fs::write(path.join("exit.tmp"), b"0").unwrap();
            std::fs::rename(path.join("exit.tmp"), path.join("exit")).unwrap();
        });
        let started = Instant::now();
        while !dir.path().join("exit").exists() {
            watch.wait();
        }
        writer.join().unwrap();
        assert!(
            started.elapsed() < Duration::from_secs(2),
            "woken by the event, not the 5 s cap: {:?}",
            started.elapsed()
        );
    }

    #[test]
    fn without_events_a_wait_ends_at_the_cap() {
        let dir = tempfile::tempdir().unwrap();
        let mut watch = DirWatch::new(dir.path(), Duration::from_millis(20));
        let started = Instant::now();
        watch.wait();
        assert!(started.elapsed() >= Duration::from_millis(15));
    }
}
