//! Signal numbers and names (Linux x86 numbering), as `trap` and `docker kill -s` use them.

const NAMES: &[(i32, &str)] = &[
    (0, "EXIT"),
    (1, "HUP"),
    (2, "INT"),
    (3, "QUIT"),
    (6, "ABRT"),
    (9, "KILL"),
    (10, "USR1"),
    (12, "USR2"),
    (13, "PIPE"),
    (14, "ALRM"),
    (15, "TERM"),
    (17, "CHLD"),
    (18, "CONT"),
    (19, "STOP"),
    (20, "TSTP"),
    (28, "WINCH"),
];

pub fn name_of(sig: i32) -> Option<&'static str> {
    NAMES.iter().find(|(n, _)| *n == sig).map(|(_, name)| *name)
}

/// `SIGTERM`, `term`, `15` → `TERM`.
pub fn normalise(spec: &str) -> Option<String> {
    if let Ok(n) = spec.parse::<i32>() {
        return name_of(n).map(str::to_string);
    }
    let upper = spec.to_ascii_uppercase();
    let bare = upper.strip_prefix("SIG").unwrap_or(&upper);
    NAMES
        .iter()
        .find(|(_, name)| *name == bare)
        .map(|(_, name)| name.to_string())
}

/// Signals whose default action is to do nothing (so they never kill, even outside PID 1).
pub fn ignored_by_default(sig: i32) -> bool {
    matches!(sig, 17 | 18 | 28)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_numbers_and_prefixes() {
        assert_eq!(normalise("SIGTERM").as_deref(), Some("TERM"));
        assert_eq!(normalise("usr1").as_deref(), Some("USR1"));
        assert_eq!(normalise("15").as_deref(), Some("TERM"));
        assert_eq!(normalise("EXIT").as_deref(), Some("EXIT"));
        assert_eq!(normalise("BOGUS"), None);
    }
}
