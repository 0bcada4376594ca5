//! Text programs: echo head tail tr wc grep seq sort uniq cut basename dirname.
use super::{Args, Ctx, Out, inputs, lines};

pub(crate) fn echo(args: &[String], out: &mut Out) {
    let mut newline = true;
    let mut escapes = false;
    let mut words = args;
    while let Some((first, rest)) = words.split_first() {
        match first.as_str() {
            "-n" => newline = false,
            "-e" => escapes = true,
            "-ne" | "-en" => {
                newline = false;
                escapes = true;
            }
            _ => break,
        }
        words = rest;
    }
    let mut text = words.join(" ");
    if escapes {
        text = text
            .replace("\\n", "\n")
            .replace("\\t", "\t")
            .replace("\\\\", "\\");
    }
    out.stdout.push_str(&text);
    if newline {
        out.stdout.push('\n');
    }
}

pub(crate) fn head_tail(ctx: &mut Ctx, prog: &str, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "n");
    let count: usize = match opts
        .values
        .get(&'n')
        .map(|n| n.trim_start_matches('+').parse())
    {
        None => 10,
        Some(Ok(n)) => n,
        Some(Err(_)) => {
            let n = opts.values.get(&'n').cloned().unwrap_or_default();
            return out.fail(1, &format!("{prog}: invalid number '{n}'"));
        }
    };
    for text in inputs(ctx, prog, &opts.operands, out) {
        let all = lines(&text);
        let picked = if prog == "head" {
            &all[..count.min(all.len())]
        } else {
            &all[all.len().saturating_sub(count)..]
        };
        for l in picked {
            out.line(l);
        }
    }
}

/// `a-z` ranges and `\n` escapes of a tr set.
fn expand_set(set: &str) -> Vec<char> {
    let raw: Vec<char> = set
        .replace("\\n", "\n")
        .replace("\\t", "\t")
        .chars()
        .collect();
    let mut out = Vec::new();
    let mut i = 0;
    while i < raw.len() {
        if i + 2 < raw.len() && raw[i + 1] == '-' && raw[i] <= raw[i + 2] {
            out.extend(raw[i]..=raw[i + 2]);
            i += 3;
        } else {
            out.push(raw[i]);
            i += 1;
        }
    }
    out
}

pub(crate) fn tr(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let delete = opts.has('d');
    let from = match opts.operands.first() {
        Some(s) => expand_set(s),
        None => return out.fail(1, "tr: missing operand"),
    };
    let to = opts
        .operands
        .get(1)
        .map(|s| expand_set(s))
        .unwrap_or_default();
    if !delete && to.is_empty() {
        return out.fail(1, "tr: missing operand");
    }
    for c in ctx.stdin.chars() {
        match from.iter().position(|f| *f == c) {
            Some(_) if delete => {}
            Some(i) => out.stdout.push(*to.get(i).or(to.last()).unwrap_or(&c)),
            None => out.stdout.push(c),
        }
    }
}

pub(crate) fn wc(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let none = !(opts.has('l') || opts.has('w') || opts.has('c'));
    let texts = inputs(ctx, "wc", &opts.operands, out);
    let gnu = ctx.flavor.is_gnu();
    let names: Vec<&str> = opts.operands.iter().map(String::as_str).collect();
    for (i, text) in texts.iter().enumerate() {
        let mut cols = Vec::new();
        if none || opts.has('l') {
            cols.push(text.matches('\n').count());
        }
        if none || opts.has('w') {
            cols.push(text.split_whitespace().count());
        }
        if none || opts.has('c') {
            cols.push(text.len());
        }
        let width = if none {
            7
        } else if gnu || cols.len() == 1 {
            0
        } else {
            7
        };
        let mut line: Vec<String> = cols.iter().map(|c| format!("{c:>width$}")).collect();
        if let Some(name) = names.get(i) {
            line.push(name.to_string());
        }
        out.line(&line.join(" "));
    }
}

pub(crate) fn grep(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "e");
    let mut operands = opts.operands.clone();
    let pattern = match opts.values.get(&'e') {
        Some(p) => p.clone(),
        None if !operands.is_empty() => operands.remove(0),
        None => return out.fail(2, "Usage: grep [-ivc] PATTERN [FILE]..."),
    };
    let fold = |s: &str| {
        if opts.has('i') {
            s.to_lowercase()
        } else {
            s.to_string()
        }
    };
    let needle = fold(&pattern);
    let show_names = operands.len() > 1;
    let texts = inputs(ctx, "grep", &operands, out);
    let failed = out.code != 0;
    let mut matched = 0;
    for (i, text) in texts.iter().enumerate() {
        let prefix = match operands.get(i) {
            Some(name) if show_names => format!("{name}:"),
            _ => String::new(),
        };
        let mut count = 0;
        for l in lines(text) {
            if fold(l).contains(&needle) != opts.has('v') {
                count += 1;
                if !opts.has('c') {
                    out.line(&format!("{prefix}{l}"));
                }
            }
        }
        if opts.has('c') {
            out.line(&format!("{prefix}{count}"));
        }
        matched += count;
    }
    out.code = if failed {
        2
    } else if matched == 0 {
        1
    } else {
        0
    };
}

pub(crate) fn seq(args: &[String], out: &mut Out) {
    let nums: Result<Vec<i64>, _> = args.iter().map(|a| a.parse::<i64>()).collect();
    let Ok(nums) = nums else {
        return out.fail(1, &format!("seq: invalid number '{}'", args.join(" ")));
    };
    let (first, step, last) = match nums.as_slice() {
        [l] => (1, 1, *l),
        [f, l] => (*f, 1, *l),
        [f, s, l] if *s != 0 => (*f, *s, *l),
        _ => return out.fail(1, "seq: missing operand"),
    };
    let mut n = first;
    while (step > 0 && n <= last) || (step < 0 && n >= last) {
        out.line(&n.to_string());
        n += step;
    }
}

pub(crate) fn sort(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let texts = inputs(ctx, "sort", &opts.operands, out);
    let mut all: Vec<&str> = texts.iter().flat_map(|t| lines(t)).collect();
    if opts.has('n') {
        all.sort_by_key(|l| l.trim().parse::<i64>().unwrap_or(0));
    } else {
        all.sort();
    }
    if opts.has('r') {
        all.reverse();
    }
    if opts.has('u') {
        all.dedup();
    }
    for l in all {
        out.line(l);
    }
}

pub(crate) fn uniq(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let texts = inputs(ctx, "uniq", &opts.operands, out);
    let mut runs: Vec<(usize, &str)> = Vec::new();
    for l in texts.iter().flat_map(|t| lines(t)) {
        match runs.last_mut() {
            Some((n, prev)) if *prev == l => *n += 1,
            _ => runs.push((1, l)),
        }
    }
    for (n, l) in runs {
        if opts.has('c') {
            out.line(&format!("{n:>7} {l}"));
        } else {
            out.line(l);
        }
    }
}

pub(crate) fn cut(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "df");
    let delim = opts
        .values
        .get(&'d')
        .and_then(|d| d.chars().next())
        .unwrap_or('\t');
    let Some(fields) = opts.values.get(&'f').and_then(|f| parse_fields(f)) else {
        return out.fail(
            1,
            "cut: you must specify a list of bytes, characters, or fields",
        );
    };
    for text in inputs(ctx, "cut", &opts.operands, out) {
        for l in lines(&text) {
            if !l.contains(delim) {
                out.line(l);
                continue;
            }
            let parts: Vec<&str> = l.split(delim).collect();
            let picked: Vec<&str> = (1..=parts.len())
                .filter(|i| fields.iter().any(|(a, b)| a <= i && i <= b))
                .map(|i| parts[i - 1])
                .collect();
            out.line(&picked.join(&delim.to_string()));
        }
    }
}

/// `1,3-4,6-` as inclusive ranges.
fn parse_fields(spec: &str) -> Option<Vec<(usize, usize)>> {
    spec.split(',')
        .map(|part| match part.split_once('-') {
            Some((a, b)) => {
                let a = if a.is_empty() { 1 } else { a.parse().ok()? };
                let b = if b.is_empty() {
                    usize::MAX
                } else {
                    b.parse().ok()?
                };
                Some((a, b))
            }
            None => part.parse().ok().map(|n| (n, n)),
        })
        .collect()
}

pub(crate) fn basename(args: &[String], out: &mut Out) {
    let Some(path) = args.first() else {
        return out.fail(1, "basename: missing operand");
    };
    let trimmed = path.trim_end_matches('/');
    let mut base = trimmed.rsplit('/').next().unwrap_or("").to_string();
    if trimmed.is_empty() && !path.is_empty() {
        base = "/".to_string();
    }
    if let Some(suffix) = args.get(1).filter(|s| **s != base) {
        base = base
            .strip_suffix(suffix.as_str())
            .unwrap_or(&base)
            .to_string();
    }
    out.line(&base);
}

pub(crate) fn dirname(args: &[String], out: &mut Out) {
    let Some(path) = args.first() else {
        return out.fail(1, "dirname: missing operand");
    };
    let trimmed = path.trim_end_matches('/');
    let dir = match trimmed.rfind('/') {
        Some(0) => "/",
        Some(i) => trimmed[..i].trim_end_matches('/'),
        None if path.starts_with('/') => "/",
        None => ".",
    };
    out.line(if dir.is_empty() { "/" } else { dir });
}
