//! Sizes the way the Docker CLI prints them: decimal units for images and layers (`1.98MB`, as
//! go-units HumanSizeWithPrecision(size, 3)), binary units for memory (`100.9MiB`, as BytesSize).
//! Kept local so the renderers depend on nothing outside render/.

const DECIMAL: [&str; 7] = ["B", "kB", "MB", "GB", "TB", "PB", "EB"];
const BINARY: [&str; 7] = ["B", "KiB", "MiB", "GiB", "TiB", "PiB", "EiB"];

/// Image and layer sizes: `42B`, `5.59kB`, `1.98MB`, `72.8MB`.
pub fn decimal_size(bytes: u64) -> String {
    scaled(bytes, 1000.0, &DECIMAL, 3)
}

/// Memory: `0B`, `100.9MiB`, `1.5GiB`.
pub fn binary_size(bytes: u64) -> String {
    scaled(bytes, 1024.0, &BINARY, 4)
}

fn scaled(bytes: u64, base: f64, units: &[&str], precision: usize) -> String {
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= base && unit + 1 < units.len() {
        value /= base;
        unit += 1;
    }
    let mut text = significant(value, precision);
    // Rounding can reach the base (999.7kB -> "1000"); say it in the next unit instead.
    if text.parse::<f64>().is_ok_and(|v| v >= base) && unit + 1 < units.len() {
        unit += 1;
        text = significant(value / base, precision);
    }
    format!("{text}{}", units[unit])
}

/// Like Go's `%.Ng` for values in [0, 10^N): N significant digits, no trailing zeros.
fn significant(value: f64, digits: usize) -> String {
    let int_digits = if value < 1.0 {
        1
    } else {
        (value.log10().floor() as usize) + 1
    };
    let decimals = digits.saturating_sub(int_digits);
    let text = format!("{value:.decimals$}");
    if text.contains('.') {
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    } else {
        text
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn decimal_sizes_match_docker_images() {
        assert_eq!(decimal_size(0), "0B");
        assert_eq!(decimal_size(42), "42B");
        assert_eq!(decimal_size(1_983_000), "1.98MB");
        assert_eq!(decimal_size(5_590), "5.59kB");
        assert_eq!(decimal_size(12_000_000), "12MB");
        assert_eq!(decimal_size(72_800_000), "72.8MB");
        assert_eq!(decimal_size(999_700), "1MB");
    }

    #[test]
    fn binary_sizes_match_docker_stats() {
        assert_eq!(binary_size(0), "0B");
        assert_eq!(binary_size(105_824_256), "100.9MiB");
        assert_eq!(binary_size(106_037_248), "101.1MiB");
        assert_eq!(binary_size(1024), "1KiB");
    }
}
