//! `kill [-s SIGNAL] CONTAINER...`
use super::Engine;
use super::error::EngineError;
use super::lifecycle_ops::SIGKILL;
use super::state::Transition;
use crate::util::Output;

const SIGNALS: &[(&str, i32)] = &[
    ("HUP", 1),
    ("INT", 2),
    ("QUIT", 3),
    ("ILL", 4),
    ("TRAP", 5),
    ("ABRT", 6),
    ("BUS", 7),
    ("FPE", 8),
    ("KILL", 9),
    ("USR1", 10),
    ("SEGV", 11),
    ("USR2", 12),
    ("PIPE", 13),
    ("ALRM", 14),
    ("TERM", 15),
    ("STKFLT", 16),
    ("CHLD", 17),
    ("CONT", 18),
    ("STOP", 19),
    ("TSTP", 20),
    ("TTIN", 21),
    ("TTOU", 22),
    ("URG", 23),
    ("XCPU", 24),
    ("XFSZ", 25),
    ("VTALRM", 26),
    ("PROF", 27),
    ("WINCH", 28),
    ("IO", 29),
    ("PWR", 30),
    ("SYS", 31),
];

/// Docker's signal parsing: a number, or a name with or without SIG, any case.
pub fn parse_signal(raw: &str) -> Result<i32, EngineError> {
    if let Ok(n) = raw.parse::<i32>() {
        if (1..=64).contains(&n) {
            return Ok(n);
        }
        return Err(EngineError::InvalidSignal(raw.to_string()));
    }
    let upper = raw.to_ascii_uppercase();
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    SIGNALS
        .iter()
        .find(|(name, _)| *name == bare)
        .map(|(_, n)| *n)
        .ok_or_else(|| EngineError::InvalidSignal(raw.to_string()))
}

impl Engine {
    pub fn cmd_kill(&mut self, names: &[String], signal: Option<&str>, out: &mut Output) -> i32 {
        let sig = match signal.map(parse_signal).transpose() {
            Ok(s) => s.unwrap_or(SIGKILL),
            Err(e) => {
                out.errln(&e.to_string());
                return 1;
            }
        };
        let mut code = 0;
        for name in names {
            let result = match self.resolve_container(name) {
                None => Err(EngineError::KillNoSuch(name.clone())),
                Some(id) => self.kill_one(&id, name, sig),
            };
            match result {
                Ok(()) => out.outln(name),
                Err(e) => {
                    out.errln(&e.to_string());
                    code = 1;
                }
            }
        }
        code
    }

    fn kill_one(&mut self, id: &str, name: &str, sig: i32) -> Result<(), EngineError> {
        let c = self.container_by_id(id)?;
        if !c.status().can_kill() {
            let err = EngineError::KillNotRunning {
                name: name.to_string(),
                id: id.to_string(),
            };
            self.refuse(
                id,
                Transition::Kill,
                &format!("Container {id} is not running"),
            )?;
            return Err(err);
        }
        self.kill_process(id, sig)
    }
}

#[cfg(test)]
mod tests {
    use super::parse_signal;

    #[test]
    fn signals_parse_like_docker() {
        assert_eq!(parse_signal("KILL").ok(), Some(9));
        assert_eq!(parse_signal("sigterm").ok(), Some(15));
        assert_eq!(parse_signal("USR1").ok(), Some(10));
        assert_eq!(parse_signal("9").ok(), Some(9));
        assert_eq!(
            parse_signal("FOO").unwrap_err().to_string(),
            "Error response from daemon: Invalid signal: FOO"
        );
    }
}
