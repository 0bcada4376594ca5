//! Human-readable durations and sizes, ported from Docker's go-units so that `ps`, `images`
//! and `stats` print the same words and figures as Docker 20.10.

use chrono::Duration;

const DECIMAL_UNITS: [&str; 9] = ["B", "kB", "MB", "GB", "TB", "PB", "EB", "ZB", "YB"];
const BINARY_UNITS: [&str; 9] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB", "ZiB", "YiB"];

/// go-units HumanDuration: "Less than a second", "About a minute", "3 weeks" ...
/// Thresholds and the hour rounding (+0.5) are go-units' own.
pub fn human_duration(d: Duration) -> String {
    let secs_f = d.num_milliseconds() as f64 / 1000.0;
    // Go's int(d.Seconds()) truncates toward zero.
    let seconds = secs_f.trunc() as i64;
    if seconds < 1 {
        return "Less than a second".to_string();
    }
    if seconds == 1 {
        return "1 second".to_string();
    }
    if seconds < 60 {
        return format!("{seconds} seconds");
    }
    let minutes = (secs_f / 60.0).trunc() as i64;
    if minutes == 1 {
        return "About a minute".to_string();
    }
    if minutes < 60 {
        return format!("{minutes} minutes");
    }
    let hours = (secs_f / 3600.0 + 0.5).trunc() as i64;
    if hours == 1 {
        "About an hour".to_string()
    } else if hours < 48 {
        format!("{hours} hours")
    } else if hours < 24 * 7 * 2 {
        format!("{} days", hours / 24)
    } else if hours < 24 * 30 * 2 {
        format!("{} weeks", hours / 24 / 7)
    } else if hours < 24 * 365 * 2 {
        format!("{} months", hours / 24 / 30)
    } else {
        format!("{} years", (secs_f / 3600.0).trunc() as i64 / 24 / 365)
    }
}

/// Divides by `base` until the figure is below it (go-units getSizeAndUnit).
fn size_and_unit(bytes: u64, base: f64, units: &[&'static str]) -> (f64, &'static str) {
    let mut size = bytes as f64;
    let mut i = 0;
    while size >= base && i < units.len() - 1 {
        size /= base;
        i += 1;
    }
    (size, units[i])
}

/// go-units HumanSizeWithPrecision(size, 3), which `docker images` and `history` use:
/// "42B", "5.58kB", "1.98MB", "1GB".
pub fn human_size(bytes: u64) -> String {
    let (size, unit) = size_and_unit(bytes, 1000.0, &DECIMAL_UNITS);
    format!("{}{unit}", go_format_g(size, 3))
}

/// go-units BytesSize (binary units, %.4g), which `docker stats` uses: "100.9MiB", "0B".
pub fn bytes_size(bytes: u64) -> String {
    let (size, unit) = size_and_unit(bytes, 1024.0, &BINARY_UNITS);
    format!("{}{unit}", go_format_g(size, 4))
}

/// Go's `%.<precision>g`: `precision` significant digits, trailing zeros removed, and
/// scientific notation when the exponent is < -4 or >= precision (so 999999 B is "1e+03kB",
/// as in Docker).
pub fn go_format_g(x: f64, precision: usize) -> String {
    if !x.is_finite() {
        return if x.is_nan() {
            "NaN".into()
        } else if x > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let precision = precision.max(1);
    let sci = format!("{:.*e}", precision - 1, x);
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if exp < -4 || exp >= precision as i32 {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{}e{sign}{:02}", strip_zeros(mantissa), exp.abs())
    } else {
        let decimals = (precision as i32 - 1 - exp).max(0) as usize;
        strip_zeros(&format!("{x:.decimals$}")).to_string()
    }
}

fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// go-units RAMInBytes: "512m", "1.5g", "100M", "1024", "64KiB" -> bytes (binary multiples).
pub fn parse_ram_bytes(s: &str) -> Result<u64, String> {
    let invalid = || format!("invalid size: '{s}'");
    let digits_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, rest) = s.split_at(digits_end);
    if number.is_empty() || number.starts_with('.') || number.ends_with('.') {
        return Err(invalid());
    }
    let rest = rest.strip_prefix(' ').unwrap_or(rest);
    let mut chars = rest.chars().peekable();
    let multiplier: u64 = match chars.peek().map(|c| c.to_ascii_lowercase()) {
        Some('k') => 1 << 10,
        Some('m') => 1 << 20,
        Some('g') => 1 << 30,
        Some('t') => 1 << 40,
        Some('p') => 1 << 50,
        _ => 1,
    };
    if multiplier != 1 {
        chars.next();
    }
    if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'i')) {
        chars.next();
    }
    if chars.peek().is_some_and(|c| c.eq_ignore_ascii_case(&'b')) {
        chars.next();
    }
    if chars.next().is_some() {
        return Err(invalid());
    }
    let value: f64 = number
        .parse()
        .map_err(|_| format!("strconv.ParseFloat: parsing \"{number}\": invalid syntax"))?;
    Ok((value * multiplier as f64) as u64)
}

/// Display width of a char as Docker's Ellipsis counts it: East Asian wide and fullwidth
/// characters take two columns, everything else one.
fn char_width(c: char) -> usize {
    let wide = matches!(c as u32,
        0x1100..=0x115F | 0x2E80..=0x303E | 0x3041..=0x33FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF
        | 0xA000..=0xA4CF | 0xAC00..=0xD7A3 | 0xF900..=0xFAFF | 0xFE30..=0xFE4F | 0xFF00..=0xFF60
        | 0xFFE0..=0xFFE6 | 0x1F300..=0x1F64F | 0x1F900..=0x1F9FF | 0x20000..=0x3FFFD);
    if wide { 2 } else { 1 }
}

/// Docker's formatter.Ellipsis: cut `s` to at most `max` display columns, the last one "…".
pub fn ellipsis(s: &str, max: usize) -> String {
    if max == 0 {
        return String::new();
    }
    let chars: Vec<char> = s.chars().collect();
    if max == 1 {
        return chars.first().map(|c| c.to_string()).unwrap_or_default();
    }
    let total: usize = chars.iter().map(|&c| char_width(c)).sum();
    if total <= max {
        return s.to_string();
    }
    let mut width = 0;
    let mut out = String::new();
    for &c in &chars {
        let w = char_width(c);
        if width + w > max - 1 {
            break;
        }
        width += w;
        out.push(c);
    }
    out.push('…');
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn secs(s: i64) -> Duration {
        Duration::seconds(s)
    }

    #[test]
    fn durations_follow_go_units_thresholds() {
        assert_eq!(
            human_duration(Duration::milliseconds(999)),
            "Less than a second"
        );
        assert_eq!(human_duration(secs(-5)), "Less than a second");
        assert_eq!(human_duration(secs(1)), "1 second");
        assert_eq!(human_duration(secs(11)), "11 seconds");
        assert_eq!(human_duration(secs(59)), "59 seconds");
        assert_eq!(human_duration(secs(60)), "About a minute");
        assert_eq!(human_duration(secs(119)), "About a minute");
        assert_eq!(human_duration(secs(120)), "2 minutes");
        assert_eq!(human_duration(secs(59 * 60 + 59)), "59 minutes");
        assert_eq!(human_duration(secs(3600)), "About an hour");
        // go-units rounds hours: 1h29m is still "About an hour", 1h30m is "2 hours".
        assert_eq!(human_duration(secs(3600 + 29 * 60)), "About an hour");
        assert_eq!(human_duration(secs(3600 + 30 * 60)), "2 hours");
        assert_eq!(human_duration(secs(47 * 3600)), "47 hours");
        assert_eq!(human_duration(secs(48 * 3600)), "2 days");
        assert_eq!(human_duration(secs(13 * 86400)), "13 days");
        assert_eq!(human_duration(secs(14 * 86400)), "2 weeks");
        assert_eq!(human_duration(secs(59 * 86400)), "8 weeks");
        assert_eq!(human_duration(secs(60 * 86400)), "2 months");
        assert_eq!(human_duration(secs(729 * 86400)), "24 months");
        assert_eq!(human_duration(secs(730 * 86400)), "2 years");
    }

    #[test]
    fn decimal_sizes_as_docker_images_prints_them() {
        assert_eq!(human_size(0), "0B");
        assert_eq!(human_size(42), "42B");
        assert_eq!(human_size(999), "999B");
        assert_eq!(human_size(1000), "1kB");
        assert_eq!(human_size(5_583), "5.58kB");
        assert_eq!(human_size(1_977_000), "1.98MB");
        assert_eq!(human_size(77_800_000), "77.8MB");
        assert_eq!(human_size(1_000_000_000), "1GB");
        assert_eq!(human_size(999_999), "1e+03kB");
    }

    #[test]
    fn binary_sizes_as_docker_stats_prints_them() {
        assert_eq!(bytes_size(0), "0B");
        assert_eq!(bytes_size(1024), "1KiB");
        assert_eq!(bytes_size(105_824_256), "100.9MiB");
        assert_eq!(bytes_size(105_700_000), "100.8MiB");
        assert_eq!(bytes_size(25_275_924_480), "23.54GiB");
        assert_eq!(bytes_size(u64::MAX), "16EiB");
    }

    #[test]
    fn go_g_format() {
        assert_eq!(go_format_g(0.0001, 4), "0.0001");
        assert_eq!(go_format_g(0.00001234, 4), "1.234e-05");
        assert_eq!(go_format_g(1234.5, 4), "1234");
        assert_eq!(go_format_g(12345.0, 4), "1.234e+04");
        assert_eq!(go_format_g(f64::NAN, 4), "NaN");
    }

    #[test]
    fn ram_in_bytes() {
        assert_eq!(parse_ram_bytes("32"), Ok(32));
        assert_eq!(parse_ram_bytes("32b"), Ok(32));
        assert_eq!(parse_ram_bytes("32k"), Ok(32 * 1024));
        assert_eq!(parse_ram_bytes("32 KiB"), Ok(32 * 1024));
        assert_eq!(parse_ram_bytes("512m"), Ok(512 << 20));
        assert_eq!(parse_ram_bytes("1.5g"), Ok(3 << 29));
        assert_eq!(parse_ram_bytes("2TB"), Ok(2 << 40));
        assert_eq!(parse_ram_bytes(""), Err("invalid size: ''".into()));
        assert_eq!(parse_ram_bytes("m"), Err("invalid size: 'm'".into()));
        assert_eq!(parse_ram_bytes("12x"), Err("invalid size: '12x'".into()));
        assert_eq!(parse_ram_bytes("-1"), Err("invalid size: '-1'".into()));
        assert!(parse_ram_bytes("1.2.3").is_err());
    }

    #[test]
    fn ellipsis_like_docker_ps_command_column() {
        assert_eq!(
            ellipsis("sh -c 'echo hello; exit 3'", 20),
            "sh -c 'echo hello; …"
        );
        assert_eq!(ellipsis("sleep 100000", 20), "sleep 100000");
        assert_eq!(ellipsis("abc", 0), "");
        assert_eq!(ellipsis("", 1), "");
        assert_eq!(ellipsis("abc", 1), "a");
        assert_eq!(ellipsis("你好世界", 5), "你好…");
        assert_eq!(ellipsis("你好", 4), "你好");
    }
}
