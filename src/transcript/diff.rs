//! What replay shows on a mismatch (a unified diff), and the redaction of values that vary
//! from run to run on a real kernel (pids, timings, memory figures).

use similar::TextDiff;

/// A readable unified diff: `---`/`+++` names, `@@` line numbers, 2 lines of context.
/// Empty when the texts are equal.
pub fn unified_diff(
    expected: &str,
    actual: &str,
    expected_name: &str,
    actual_name: &str,
) -> String {
    if expected == actual {
        return String::new();
    }
    TextDiff::from_lines(expected, actual)
        .unified_diff()
        .context_radius(2)
        .header(expected_name, actual_name)
        .to_string()
}

/// One redaction rule: a number preceded by `before` (kept) and followed by one of `after`
/// (replaced with it) becomes `replacement`. Data, so the list stays small and readable.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Redaction {
    pub before: &'static str,
    /// allow a decimal point in the number (`100.9MiB`)
    pub decimal: bool,
    /// what must follow the number; tried in order, so put longer ones first
    pub after: &'static [&'static str],
    pub replacement: &'static str,
}

/// The values a linux-backend replay cannot reproduce.
pub const VOLATILE: &[Redaction] = &[
    Redaction {
        before: "Pid=",
        decimal: false,
        after: &[""],
        replacement: "<pid>",
    },
    Redaction {
        before: "",
        decimal: false,
        after: &[" ms", "ms"],
        replacement: "<ms>",
    },
    Redaction {
        before: "",
        decimal: true,
        after: &["KiB", "MiB", "GiB", "TiB"],
        replacement: "<mem>",
    },
];

/// Applies every rule to `text`. A number only matches as a whole word: `a12ms` and `1.5ms`
/// (for an integer rule) are left alone.
pub fn redact(text: &str, rules: &[Redaction]) -> String {
    rules
        .iter()
        .fold(text.to_string(), |t, rule| apply(&t, rule))
}

fn apply(text: &str, rule: &Redaction) -> String {
    let bytes = text.as_bytes();
    let mut out = String::with_capacity(text.len());
    let mut copied = 0;
    let mut i = 0;
    while i < bytes.len() {
        let starts_number = bytes[i].is_ascii_digit()
            && text[..i].ends_with(rule.before)
            && (!rule.before.is_empty() || i == 0 || !is_word(bytes[i - 1]));
        if !starts_number {
            i += 1;
            continue;
        }
        let mut end = i;
        while end < bytes.len()
            && (bytes[end].is_ascii_digit() || (rule.decimal && bytes[end] == b'.'))
        {
            end += 1;
        }
        let unit = rule.after.iter().find(|u| {
            text[end..].starts_with(**u)
                && !text[end + u.len()..].starts_with(|c: char| c.is_alphanumeric() || c == '.')
        });
        match unit {
            Some(unit) => {
                out.push_str(&text[copied..i]);
                out.push_str(rule.replacement);
                i = end + unit.len();
                copied = i;
            }
            None => i = end,
        }
    }
    out.push_str(&text[copied..]);
    out
}

fn is_word(b: u8) -> bool {
    b.is_ascii_alphanumeric() || b == b'.' || b == b'_'
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redacts_volatile_values_from_the_reference() {
        let r = |s: &str| redact(s, VOLATILE);
        assert_eq!(r("running Pid=17614"), "running Pid=<pid>");
        assert_eq!(r("exited Pid=0\n"), "exited Pid=<pid>\n");
        assert_eq!(r("docker stop took 10283 ms"), "docker stop took <ms>");
        assert_eq!(r("pause 41ms, unpause 45ms"), "pause <ms>, unpause <ms>");
        assert_eq!(
            r("mem       100.9MiB / 23.54GiB   0.42%"),
            "mem       <mem> / <mem>   0.42%"
        );
        assert_eq!(r("1KiB"), "<mem>");
    }

    #[test]
    fn leaves_lookalikes_alone() {
        let r = |s: &str| redact(s, VOLATILE);
        assert_eq!(
            r("1.98MB 42B PPid=3 x12ms 12msec 1.5ms"),
            "1.98MB 42B PPid=<pid> x12ms 12msec 1.5ms"
        );
        assert_eq!(r("239fd57da34b 12MiBx"), "239fd57da34b 12MiBx");
        assert_eq!(r("é1ms ünicode"), "é<ms> ünicode");
    }

    #[test]
    fn diff_is_readable() {
        assert_eq!(unified_diff("a\n", "a\n", "x", "y"), "");
        let expected = "1\n2\n3\n4\n5\n6\n";
        let actual = "1\n2\n3\nfour\n5\n6\n";
        insta::assert_snapshot!(unified_diff(expected, actual, "transcript", "replay"), @r"
        --- transcript
        +++ replay
        @@ -2,5 +2,5 @@
         2
         3
        -4
        +four
         5
         6
        ");
    }
}
