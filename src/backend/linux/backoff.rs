//! Waiting for the monitor's records (`pid`, `exit`) by polling, with a wait that starts
//! short and doubles up to a cap: a `run --rm busybox true` is over within a millisecond or
//! two, and a fixed 2–5 ms sleep was most of its wait; a long wait does not spin.
//! (An inotify watch on the container dir was tried and measured slower: tearing down an
//! inotify instance waits for an SRCU grace period, 10–20 ms here, on every wait.) The
//! client that started a container is woken early by an exit watch (exit_watch.rs).
use std::time::Duration;

pub struct Backoff {
    next: Duration,
    cap: Duration,
}

impl Backoff {
    pub fn up_to(cap: Duration) -> Backoff {
        Backoff {
            next: Duration::from_micros(100),
            cap,
        }
    }

    /// Back to the first, shortest wait.
    pub fn restart(&mut self) {
        self.next = Duration::from_micros(100);
    }

    /// The next wait: 100 µs, 200 µs, … up to the cap.
    pub fn advance(&mut self) -> Duration {
        let now = self.next;
        self.next = (self.next * 2).min(self.cap);
        now
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sleeps_double_from_100_microseconds_up_to_the_cap() {
        let mut b = Backoff::up_to(Duration::from_millis(2));
        let got: Vec<u128> = (0..7).map(|_| b.advance().as_micros()).collect();
        assert_eq!(got, [100, 200, 400, 800, 1600, 2000, 2000]);
    }
}
