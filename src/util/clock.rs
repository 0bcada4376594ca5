//! The engine's clock. Normally the wall clock plus an offset (the simulator "waits" a grace
//! period by moving the offset instead of sleeping); under `--deterministic` a logical clock
//! that starts at 2025-01-01T00:00:00Z and moves one second per command.
use chrono::{DateTime, Duration, TimeZone, Utc};
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClockMode {
    Wall,
    Logical,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Clock {
    pub mode: ClockMode,
    /// Logical: the current instant. Wall: unused (kept for serialisation symmetry).
    pub logical_now: DateTime<Utc>,
    /// Wall: simulated time that has passed on top of the wall clock, in milliseconds.
    pub offset_ms: i64,
}

pub fn deterministic_epoch() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0)
        .single()
        .unwrap_or(DateTime::<Utc>::UNIX_EPOCH)
}

impl Clock {
    pub fn wall() -> Clock {
        Clock {
            mode: ClockMode::Wall,
            logical_now: deterministic_epoch(),
            offset_ms: 0,
        }
    }

    pub fn logical() -> Clock {
        Clock {
            mode: ClockMode::Logical,
            logical_now: deterministic_epoch(),
            offset_ms: 0,
        }
    }

    pub fn is_logical(&self) -> bool {
        self.mode == ClockMode::Logical
    }

    pub fn now(&self) -> DateTime<Utc> {
        match self.mode {
            ClockMode::Logical => self.logical_now,
            ClockMode::Wall => Utc::now() + Duration::milliseconds(self.offset_ms),
        }
    }

    /// Simulated time passes (a grace period, a `sleep` the simulator fast-forwards).
    pub fn advance(&mut self, d: Duration) {
        match self.mode {
            ClockMode::Logical => self.logical_now += d,
            ClockMode::Wall => self.offset_ms += d.num_milliseconds(),
        }
    }

    /// Moves the clock forward to `t` if it is behind it (never back).
    pub fn catch_up(&mut self, t: DateTime<Utc>) {
        let behind = t - self.now();
        if behind <= Duration::zero() {
            return;
        }
        match self.mode {
            ClockMode::Logical => self.logical_now += behind,
            // Whole milliseconds, rounded up: never still behind.
            ClockMode::Wall => {
                let part = i64::from(behind.subsec_nanos() % 1_000_000 != 0);
                self.offset_ms += behind.num_milliseconds() + part;
            }
        }
    }

    /// One command has been run: the logical clock moves one second.
    pub fn tick(&mut self) {
        if self.mode == ClockMode::Logical {
            self.logical_now += Duration::seconds(1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn catching_up_moves_forward_only() {
        let mut c = Clock::logical();
        let later = deterministic_epoch() + Duration::seconds(90);
        c.catch_up(later);
        assert_eq!(c.now(), later);
        c.catch_up(deterministic_epoch());
        assert_eq!(c.now(), later, "never back");
        let mut w = Clock::wall();
        let ahead = Utc::now() + Duration::seconds(30);
        w.catch_up(ahead);
        assert!(w.now() >= ahead && w.offset_ms >= 29_000, "{}", w.offset_ms);
    }

    #[test]
    fn logical_clock_ticks_and_advances() {
        let mut c = Clock::logical();
        assert_eq!(c.now().to_rfc3339(), "2025-01-01T00:00:00+00:00");
        c.tick();
        c.advance(Duration::seconds(10));
        assert_eq!(c.now().to_rfc3339(), "2025-01-01T00:00:11+00:00");
    }
}
