//! Go's fmt.Sprintf / Sprint / Sprintln for the verbs people use in Docker formats:
//! %v %s %d %q %t %f %g %e %x %X %c %%, flags `-` `0` `+` and width/precision.

use super::value::{go_float, go_print, go_type};
use crate::util::humanize::go_format_g;
use serde_json::Value;

pub fn sprint(args: &[&Value]) -> String {
    let mut out = String::new();
    for (i, a) in args.iter().enumerate() {
        // Go adds a space between operands when neither is a string.
        if i > 0 && !a.is_string() && !args[i - 1].is_string() {
            out.push(' ');
        }
        out.push_str(&go_print(a));
    }
    out
}

pub fn sprintln(args: &[&Value]) -> String {
    let parts: Vec<String> = args.iter().map(|a| go_print(a)).collect();
    parts.join(" ") + "\n"
}

struct Spec {
    minus: bool,
    zero: bool,
    plus: bool,
    width: Option<usize>,
    precision: Option<usize>,
}

pub fn sprintf(format: &str, args: &[&Value]) -> String {
    let mut out = String::new();
    let mut next_arg = 0;
    let mut chars = format.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '%' {
            out.push(c);
            continue;
        }
        let mut spec = Spec {
            minus: false,
            zero: false,
            plus: false,
            width: None,
            precision: None,
        };
        while let Some(&f) = chars.peek() {
            match f {
                '-' => spec.minus = true,
                '0' => spec.zero = true,
                '+' => spec.plus = true,
                ' ' | '#' => {}
                _ => break,
            }
            chars.next();
        }
        spec.width = take_number(&mut chars);
        if chars.peek() == Some(&'.') {
            chars.next();
            spec.precision = Some(take_number(&mut chars).unwrap_or(0));
        }
        let Some(verb) = chars.next() else {
            out.push_str("%!(NOVERB)");
            break;
        };
        if verb == '%' {
            out.push('%');
            continue;
        }
        let Some(arg) = args.get(next_arg) else {
            out.push_str(&format!("%!{verb}(MISSING)"));
            continue;
        };
        next_arg += 1;
        let body = format_one(verb, arg, &spec);
        out.push_str(&pad(body, &spec, verb));
    }
    if next_arg < args.len() {
        let extra: Vec<String> = args[next_arg..]
            .iter()
            .map(|a| format!("{}={}", go_type(a), go_print(a)))
            .collect();
        out.push_str(&format!("%!(EXTRA {})", extra.join(", ")));
    }
    out
}

fn take_number(chars: &mut std::iter::Peekable<std::str::Chars>) -> Option<usize> {
    let mut n: Option<usize> = None;
    while let Some(d) = chars.peek().and_then(|c| c.to_digit(10)) {
        // Cap absurd widths: a template must not be able to allocate gigabytes.
        n = Some((n.unwrap_or(0) * 10 + d as usize).min(10_000));
        chars.next();
    }
    n
}

fn bad_verb(verb: char, arg: &Value) -> String {
    match arg {
        Value::Null => format!("%!{verb}(<nil>)"),
        _ => format!("%!{verb}({}={})", go_type(arg), go_print(arg)),
    }
}

fn format_one(verb: char, arg: &Value, spec: &Spec) -> String {
    let int = arg
        .as_i64()
        .filter(|_| !arg.as_number().is_some_and(|n| n.is_f64()));
    let sign = |s: String, negative: bool| {
        if spec.plus && !negative {
            format!("+{s}")
        } else {
            s
        }
    };
    match (verb, arg) {
        ('v', Value::Number(n)) if n.is_f64() => sign(
            go_float(n.as_f64().unwrap_or(0.0)),
            n.as_f64().unwrap_or(0.0) < 0.0,
        ),
        ('v', Value::Number(_)) => sign(go_print(arg), int.unwrap_or(0) < 0),
        ('v', _) => go_print(arg),
        ('s', Value::String(s)) => match spec.precision {
            Some(p) => s.chars().take(p).collect(),
            None => s.clone(),
        },
        ('s', Value::Array(_) | Value::Object(_)) => go_print(arg),
        ('q', Value::String(s)) => go_quote(s),
        ('t', Value::Bool(b)) => b.to_string(),
        ('d', _) if int.is_some() => sign(int.unwrap_or(0).to_string(), int.unwrap_or(0) < 0),
        ('x', _) if int.is_some() => format!("{:x}", int.unwrap_or(0)),
        ('X', _) if int.is_some() => format!("{:X}", int.unwrap_or(0)),
        ('x', Value::String(s)) => hex::encode(s),
        ('X', Value::String(s)) => hex::encode_upper(s),
        ('c', _) if int.is_some() => char::from_u32(int.unwrap_or(0) as u32)
            .unwrap_or('\u{FFFD}')
            .to_string(),
        ('q', _) if int.is_some() => {
            format!(
                "{:?}",
                char::from_u32(int.unwrap_or(0) as u32).unwrap_or('\u{FFFD}')
            )
        }
        ('f' | 'F' | 'e' | 'g', Value::Number(n)) if n.is_f64() => {
            let f = n.as_f64().unwrap_or(0.0);
            let s = match verb {
                'e' => go_exp(f, spec.precision.unwrap_or(6)),
                'g' => match spec.precision {
                    Some(p) => go_format_g(f, p),
                    None => go_float(f),
                },
                _ => format!("{f:.*}", spec.precision.unwrap_or(6)),
            };
            sign(s, f < 0.0)
        }
        _ => bad_verb(verb, arg),
    }
}

fn go_exp(f: f64, precision: usize) -> String {
    let s = format!("{f:.precision$e}");
    let (m, e) = s.split_once('e').unwrap_or((s.as_str(), "0"));
    let e: i32 = e.parse().unwrap_or(0);
    format!("{m}e{}{:02}", if e < 0 { '-' } else { '+' }, e.abs())
}

fn pad(body: String, spec: &Spec, verb: char) -> String {
    let Some(width) = spec.width else {
        return body;
    };
    let len = body.chars().count();
    if len >= width {
        return body;
    }
    let fill = width - len;
    if spec.minus {
        body + &" ".repeat(fill)
    } else if spec.zero && matches!(verb, 'd' | 'f' | 'e' | 'g' | 'x' | 'X') {
        match body.strip_prefix(['-', '+']) {
            Some(digits) => format!("{}{}{digits}", &body[..1], "0".repeat(fill)),
            None => "0".repeat(fill) + &body,
        }
    } else {
        " ".repeat(fill) + &body
    }
}

/// strconv.Quote: double quotes, Go escapes, non-printable characters as \x / \u.
pub fn go_quote(s: &str) -> String {
    let mut out = String::from("\"");
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            '\u{7}' => out.push_str("\\a"),
            '\u{8}' => out.push_str("\\b"),
            '\u{c}' => out.push_str("\\f"),
            '\u{b}' => out.push_str("\\v"),
            c if (c as u32) < 0x20 || c as u32 == 0x7f => {
                out.push_str(&format!("\\x{:02x}", c as u32))
            }
            c if c.is_control() => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn f(format: &str, args: &[Value]) -> String {
        let refs: Vec<&Value> = args.iter().collect();
        sprintf(format, &refs)
    }

    #[test]
    fn verbs_and_widths() {
        assert_eq!(f("%-10s|", &[json!("lc")]), "lc        |");
        assert_eq!(f("%10s|", &[json!("lc")]), "        lc|");
        assert_eq!(
            f("%5d|%05d|%-4d|", &[json!(42), json!(-42), json!(7)]),
            "   42|-0042|7   |"
        );
        assert_eq!(
            f("%v %v %v", &[json!(true), json!([1, 2]), json!(null)]),
            "true [1 2] <nil>"
        );
        assert_eq!(f("%q", &[json!("a\"b\n")]), r#""a\"b\n""#);
        assert_eq!(
            f("%t %.2f %x", &[json!(false), json!(0.4167), json!(255)]),
            "false 0.42 ff"
        );
        assert_eq!(f("100%%", &[]), "100%");
        assert_eq!(f("%.3s", &[json!("abcdef")]), "abc");
    }

    #[test]
    fn mistakes_print_like_go() {
        assert_eq!(f("%d", &[json!("abc")]), "%!d(string=abc)");
        assert_eq!(f("%s", &[json!(5)]), "%!s(int=5)");
        assert_eq!(f("%s %s", &[json!("a")]), "a %!s(MISSING)");
        assert_eq!(f("%s", &[json!("a"), json!(1)]), "a%!(EXTRA int=1)");
        assert_eq!(f("%", &[]), "%!(NOVERB)");
        assert_eq!(f("%999999999999999999999d", &[json!(1)]).len(), 10_000);
    }

    #[test]
    fn print_and_println_spacing() {
        assert_eq!(sprint(&[&json!("a"), &json!("b")]), "ab");
        assert_eq!(sprint(&[&json!(1), &json!(2), &json!("x")]), "1 2x");
        assert_eq!(sprintln(&[&json!("a"), &json!(1)]), "a 1\n");
    }
}
