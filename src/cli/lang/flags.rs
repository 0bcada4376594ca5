//! Parsed flag values with typed accessors by long name, and the value readers (Docker's
//! RAMInBytes for sizes, Go's strconv wording for ints and bools).

use super::spec::{FlagSpec, ValueKind};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FlagValue {
    Bool(bool),
    Str(String),
    Int(i64),
    Bytes(u64),
    List(Vec<String>),
}

/// The flags of one invocation. Accessors fall back to the flag's default from the table when
/// it was not given (`kill` without `-s` has signal `KILL`, `commit` pauses by default).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Flags {
    specs: &'static [FlagSpec],
    values: BTreeMap<&'static str, FlagValue>,
}

impl Flags {
    pub fn new(specs: &'static [FlagSpec]) -> Self {
        Flags {
            specs,
            values: BTreeMap::new(),
        }
    }

    /// Whether the user gave the flag at all (or a management form preset it).
    pub fn given(&self, long: &str) -> bool {
        self.values.contains_key(long)
    }

    /// A bool flag's effective value.
    pub fn is_set(&self, long: &str) -> bool {
        match self.values.get(long) {
            Some(FlagValue::Bool(b)) => *b,
            Some(_) => true,
            None => self.default_of(long) == Some("true"),
        }
    }

    pub fn string(&self, long: &str) -> Option<&str> {
        match self.values.get(long) {
            Some(FlagValue::Str(s)) => Some(s),
            _ => self.default_of(long),
        }
    }

    /// Every value of a repeatable flag, in the order typed.
    pub fn list(&self, long: &str) -> &[String] {
        match self.values.get(long) {
            Some(FlagValue::List(v)) => v,
            _ => &[],
        }
    }

    pub fn int(&self, long: &str) -> Option<i64> {
        match self.values.get(long) {
            Some(FlagValue::Int(i)) => Some(*i),
            _ => self.default_of(long).and_then(|d| d.parse().ok()),
        }
    }

    pub fn bytes(&self, long: &str) -> Option<u64> {
        match self.values.get(long) {
            Some(FlagValue::Bytes(b)) => Some(*b),
            _ => self.default_of(long).and_then(|d| ram_in_bytes(d).ok()),
        }
    }

    /// Long names of the flags that were given, sorted.
    pub fn given_names(&self) -> impl Iterator<Item = &'static str> + '_ {
        self.values.keys().copied()
    }

    fn default_of(&self, long: &str) -> Option<&'static str> {
        self.specs
            .iter()
            .find(|f| f.long == long)
            .and_then(|f| f.default_value())
    }

    /// Replaces the value of a string flag that was given (a lesson's relative file path made
    /// absolute); `false` when the flag was not given or is not a string flag.
    pub(crate) fn replace_string(&mut self, long: &str, value: &str) -> bool {
        let Some(spec) = self.specs.iter().find(|f| f.long == long) else {
            return false;
        };
        if spec.kind != ValueKind::String || !self.given(long) {
            return false;
        }
        self.set(spec, Some(value)).is_ok()
    }

    /// Stores a raw value read for `spec`; the reason is the text after `flag: ` in Docker's
    /// `invalid argument` message.
    pub(crate) fn set(&mut self, spec: &'static FlagSpec, raw: Option<&str>) -> Result<(), String> {
        let value = match (spec.kind, raw) {
            (ValueKind::Bool, None) => FlagValue::Bool(true),
            (ValueKind::Bool, Some(v)) => FlagValue::Bool(parse_bool(v)?),
            (ValueKind::List, v) => {
                let mut all = match self.values.remove(spec.long) {
                    Some(FlagValue::List(all)) => all,
                    _ => Vec::new(),
                };
                all.push(v.unwrap_or_default().to_string());
                FlagValue::List(all)
            }
            (ValueKind::String, v) => FlagValue::Str(v.unwrap_or_default().to_string()),
            (ValueKind::Int, v) => FlagValue::Int(parse_int(v.unwrap_or_default())?),
            (ValueKind::Bytes, v) => FlagValue::Bytes(ram_in_bytes(v.unwrap_or_default())?),
        };
        self.values.insert(spec.long, value);
        Ok(())
    }
}

/// Go's strconv.ParseBool, with its error wording.
fn parse_bool(s: &str) -> Result<bool, String> {
    match s {
        "1" | "t" | "T" | "TRUE" | "true" | "True" => Ok(true),
        "0" | "f" | "F" | "FALSE" | "false" | "False" => Ok(false),
        _ => Err(format!("strconv.ParseBool: parsing {s:?}: invalid syntax")),
    }
}

/// Go's strconv.ParseInt(s, 0, 64) for decimal input, with its error wording.
fn parse_int(s: &str) -> Result<i64, String> {
    let digits = s.strip_prefix(['+', '-']).unwrap_or(s);
    if digits.is_empty() || !digits.bytes().all(|b| b.is_ascii_digit()) {
        return Err(format!("strconv.ParseInt: parsing {s:?}: invalid syntax"));
    }
    s.parse::<i64>()
        .map_err(|_| format!("strconv.ParseInt: parsing {s:?}: value out of range"))
}

/// Docker's RAMInBytes (go-units): a decimal number, an optional space, an optional unit
/// letter b k m g t p, an optional `i`, an optional `b`; any case; binary multiples.
pub fn ram_in_bytes(s: &str) -> Result<u64, String> {
    let invalid = || format!("invalid size: '{s}'");
    let num_end = s
        .find(|c: char| !(c.is_ascii_digit() || c == '.'))
        .unwrap_or(s.len());
    let (number, rest) = s.split_at(num_end);
    if number.is_empty() || number.starts_with('.') {
        return Err(invalid());
    }
    let unit = rest.strip_prefix(' ').unwrap_or(rest).to_ascii_lowercase();
    let mut unit = unit.as_str();
    let shift = match unit.chars().next() {
        Some(c @ ('k' | 'm' | 'g' | 't' | 'p')) => {
            unit = &unit[1..];
            10 * (1 + "kmgtp".find(c).unwrap_or(0) as u32)
        }
        _ => 0,
    };
    let unit = unit.strip_prefix('i').unwrap_or(unit);
    let unit = unit.strip_prefix('b').unwrap_or(unit);
    if !unit.is_empty() {
        return Err(invalid());
    }
    let value: f64 = number.parse().map_err(|_| invalid())?;
    let bytes = value * (1u64 << shift) as f64;
    if !bytes.is_finite() || bytes >= u64::MAX as f64 {
        return Err(invalid());
    }
    Ok(bytes as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_like_docker() {
        assert_eq!(ram_in_bytes("100m"), Ok(100 * 1024 * 1024));
        assert_eq!(ram_in_bytes("100M"), Ok(100 * 1024 * 1024));
        assert_eq!(ram_in_bytes("1g"), Ok(1 << 30));
        assert_eq!(ram_in_bytes("1GiB"), Ok(1 << 30));
        assert_eq!(ram_in_bytes("1.5k"), Ok(1536));
        assert_eq!(ram_in_bytes("512"), Ok(512));
        assert_eq!(ram_in_bytes("512b"), Ok(512));
        assert_eq!(ram_in_bytes("32 kb"), Ok(32 * 1024));
        assert_eq!(ram_in_bytes("x"), Err("invalid size: 'x'".into()));
        assert_eq!(ram_in_bytes("10q"), Err("invalid size: '10q'".into()));
        assert_eq!(ram_in_bytes(""), Err("invalid size: ''".into()));
        assert_eq!(ram_in_bytes("1.2.3m"), Err("invalid size: '1.2.3m'".into()));
        assert!(ram_in_bytes(&"9".repeat(400)).is_err());
    }

    #[test]
    fn ints_and_bools_use_go_wording() {
        assert_eq!(parse_int("-5"), Ok(-5));
        assert_eq!(
            parse_int("abc"),
            Err("strconv.ParseInt: parsing \"abc\": invalid syntax".into())
        );
        assert_eq!(
            parse_int("99999999999999999999"),
            Err("strconv.ParseInt: parsing \"99999999999999999999\": value out of range".into())
        );
        assert_eq!(parse_bool("False"), Ok(false));
        assert!(parse_bool("yes").is_err());
    }
}
