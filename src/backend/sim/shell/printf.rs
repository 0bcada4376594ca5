//! `echo` (-n, -e, -E) and a basic `printf` (%s %d %i %x %c %%, backslash escapes).

/// Backslash escapes of `echo -e` and printf formats; `\c` stops output (returns true).
fn unescape(text: &str, out: &mut String) -> bool {
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c != '\\' {
            out.push(c);
            continue;
        }
        match chars.next() {
            Some('n') => out.push('\n'),
            Some('t') => out.push('\t'),
            Some('r') => out.push('\r'),
            Some('a') => out.push('\x07'),
            Some('b') => out.push('\x08'),
            Some('e') => out.push('\x1b'),
            Some('\\') => out.push('\\'),
            Some('c') => return true,
            Some('0') => {
                let mut code = 0u32;
                for _ in 0..3 {
                    match chars.peek().and_then(|d| d.to_digit(8)) {
                        Some(d) => {
                            code = code * 8 + d;
                            chars.next();
                        }
                        None => break,
                    }
                }
                out.push(char::from_u32(code).unwrap_or('?'));
            }
            Some(other) => {
                out.push('\\');
                out.push(other);
            }
            None => out.push('\\'),
        }
    }
    false
}

pub fn echo(args: &[String]) -> String {
    let mut newline = true;
    let mut escapes = false;
    let mut rest = args;
    while let Some((first, tail)) = rest.split_first() {
        let is_flags = first.len() > 1
            && first.starts_with('-')
            && first[1..].chars().all(|c| matches!(c, 'n' | 'e' | 'E'));
        if !is_flags {
            break;
        }
        for flag in first[1..].chars() {
            match flag {
                'n' => newline = false,
                'e' => escapes = true,
                _ => escapes = false,
            }
        }
        rest = tail;
    }
    let mut out = String::new();
    let joined = rest.join(" ");
    if escapes {
        if unescape(&joined, &mut out) {
            return out;
        }
    } else {
        out.push_str(&joined);
    }
    if newline {
        out.push('\n');
    }
    out
}

/// The format is reused while arguments remain, as printf(1) does.
pub fn printf(format: &str, args: &[String]) -> String {
    let mut out = String::new();
    let mut next = 0;
    loop {
        let consumed_before = next;
        if format_once(format, args, &mut next, &mut out) {
            return out;
        }
        if next >= args.len() || next == consumed_before {
            return out;
        }
    }
}

/// One pass over the format; true when `\c` ended the output.
fn format_once(format: &str, args: &[String], next: &mut usize, out: &mut String) -> bool {
    let mut chars = format.chars().peekable();
    let mut literal = String::new();
    while let Some(c) = chars.next() {
        if c != '%' {
            literal.push(c);
            continue;
        }
        if unescape(&std::mem::take(&mut literal), out) {
            return true;
        }
        // Flags and width are accepted and applied for the common `%-10s` / `%5d` forms.
        let mut spec = String::new();
        while let Some(&d) = chars.peek() {
            if d.is_ascii_digit() || d == '-' || d == '.' {
                spec.push(d);
                chars.next();
            } else {
                break;
            }
        }
        let arg = args.get(*next).cloned().unwrap_or_default();
        let text = match chars.next() {
            Some('%') => {
                out.push('%');
                continue;
            }
            Some('s') => arg,
            Some('d' | 'i') => arg.trim().parse::<i64>().unwrap_or(0).to_string(),
            Some('x') => format!("{:x}", arg.trim().parse::<i64>().unwrap_or(0)),
            Some('c') => arg.chars().next().map(String::from).unwrap_or_default(),
            Some('b') => {
                let mut s = String::new();
                unescape(&arg, &mut s);
                s
            }
            Some(other) => format!("%{spec}{other}"),
            None => {
                out.push('%');
                break;
            }
        };
        *next += 1;
        let left = spec.starts_with('-');
        let width: usize = spec
            .trim_start_matches('-')
            .split('.')
            .next()
            .and_then(|w| w.parse().ok())
            .unwrap_or(0);
        let pad = width.saturating_sub(text.chars().count());
        if left {
            out.push_str(&text);
            out.push_str(&" ".repeat(pad));
        } else {
            out.push_str(&" ".repeat(pad));
            out.push_str(&text);
        }
    }
    unescape(&literal, out)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &[&str]) -> Vec<String> {
        v.iter().map(|x| x.to_string()).collect()
    }

    #[test]
    fn echo_flags() {
        assert_eq!(echo(&s(&["-n", "a", "b"])), "a b");
        assert_eq!(echo(&s(&["-e", "a\\tb"])), "a\tb\n");
        assert_eq!(echo(&s(&["a\\tb"])), "a\\tb\n");
        assert_eq!(echo(&s(&["-x"])), "-x\n");
    }

    #[test]
    fn printf_formats_and_reuses() {
        assert_eq!(printf("%s=%d\\n", &s(&["a", "1", "b", "x"])), "a=1\nb=0\n");
        assert_eq!(printf("%-4s|%3d|%%\\n", &s(&["ab", "7"])), "ab  |  7|%\n");
        assert_eq!(printf("plain", &[]), "plain");
    }
}
