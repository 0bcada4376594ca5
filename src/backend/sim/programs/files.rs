//! File programs: cat touch rm mkdir rmdir cp mv chmod ln stat find du df.
use super::ls::{blocks_1k, mode_string};
use super::{Args, Ctx, Out, inputs};
use crate::backend::sim::unionfs::{FileKind, FsError};

/// `prog: verb 'path': error` (GNU: `cannot verb`, busybox: `can't verb`).
fn cant(ctx: &Ctx, prog: &str, verb: &str, path: &str, e: &FsError) -> String {
    if ctx.flavor.is_gnu() {
        format!("{prog}: cannot {verb} '{path}': {e}")
    } else {
        format!("{prog}: can't {verb} '{path}': {e}")
    }
}

fn missing_operand(prog: &str, out: &mut Out) {
    out.fail(1, &format!("{prog}: missing operand"));
}

pub(crate) fn cat(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    for text in inputs(ctx, "cat", &opts.operands, out) {
        out.stdout.push_str(&text);
    }
}

pub(crate) fn touch(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    if opts.operands.is_empty() {
        return missing_operand("touch", out);
    }
    for op in &opts.operands {
        if let Err(e) = ctx.fs.touch(ctx.cwd, op) {
            let msg = if ctx.flavor.is_gnu() {
                format!("touch: cannot touch '{op}': {e}")
            } else {
                format!("touch: {op}: {e}")
            };
            out.fail(1, &msg);
        }
    }
}

pub(crate) fn rm(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let recursive = opts.has('r') || opts.has('R');
    if opts.operands.is_empty() && !opts.has('f') {
        return missing_operand("rm", out);
    }
    for op in &opts.operands {
        match ctx.fs.remove(ctx.cwd, op, recursive) {
            Ok(()) => {}
            Err(FsError::NotFound) if opts.has('f') => {}
            Err(FsError::IsADirectory) if !ctx.flavor.is_gnu() => {
                out.fail(1, &format!("rm: '{op}' is a directory"))
            }
            Err(e) => out.fail(1, &cant(ctx, "rm", "remove", op, &e)),
        }
    }
}

pub(crate) fn mkdir(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "m");
    if opts.operands.is_empty() {
        return missing_operand("mkdir", out);
    }
    for op in &opts.operands {
        let made = if opts.has('p') {
            ctx.fs.mkdir_all(ctx.cwd, op)
        } else {
            ctx.fs.mkdir(ctx.cwd, op)
        };
        if let Err(e) = made {
            out.fail(1, &cant(ctx, "mkdir", "create directory", op, &e));
        }
    }
}

pub(crate) fn rmdir(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    if opts.operands.is_empty() {
        return missing_operand("rmdir", out);
    }
    for op in &opts.operands {
        if let Err(e) = ctx.fs.rmdir(ctx.cwd, op) {
            let msg = if ctx.flavor.is_gnu() {
                format!("rmdir: failed to remove '{op}': {e}")
            } else {
                format!("rmdir: '{op}': {e}")
            };
            out.fail(1, &msg);
        }
    }
}

/// The destination of `cp`/`mv` for one source: into `dest` when it is a directory.
fn target_for(ctx: &Ctx, src: &str, dest: &str) -> String {
    if ctx.fs.is_dir(ctx.cwd, dest) {
        let base = src.trim_end_matches('/').rsplit('/').next().unwrap_or(src);
        format!("{}/{base}", dest.trim_end_matches('/'))
    } else {
        dest.to_string()
    }
}

pub(crate) fn cp(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let recursive = opts.has('r') || opts.has('R') || opts.has('a');
    let Some((dest, sources)) = opts.operands.split_last().filter(|(_, s)| !s.is_empty()) else {
        return missing_operand("cp", out);
    };
    for src in sources {
        if let Err(e) = ctx.fs.stat(ctx.cwd, src) {
            out.fail(1, &cant(ctx, "cp", "stat", src, &e));
            continue;
        }
        if ctx.fs.is_dir(ctx.cwd, src) && !recursive {
            let msg = if ctx.flavor.is_gnu() {
                format!("cp: -r not specified; omitting directory '{src}'")
            } else {
                format!("cp: omitting directory '{src}'")
            };
            out.fail(1, &msg);
            continue;
        }
        let to = target_for(ctx, src, dest);
        if let Err(e) = ctx.fs.copy(ctx.cwd, src, &to, recursive) {
            out.fail(1, &format!("cp: {to}: {e}"));
        }
    }
}

pub(crate) fn mv(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let Some((dest, sources)) = opts.operands.split_last().filter(|(_, s)| !s.is_empty()) else {
        return missing_operand("mv", out);
    };
    for src in sources {
        if let Err(e) = ctx.fs.lstat(ctx.cwd, src) {
            let verb = if ctx.flavor.is_gnu() {
                "stat"
            } else {
                "rename"
            };
            out.fail(1, &cant(ctx, "mv", verb, src, &e));
            continue;
        }
        let to = target_for(ctx, src, dest);
        if let Err(e) = ctx.fs.rename(ctx.cwd, src, &to) {
            out.fail(1, &cant(ctx, "mv", "move", src, &e));
        }
    }
}

pub(crate) fn chmod(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let Some((mode, paths)) = opts.operands.split_first().filter(|(_, p)| !p.is_empty()) else {
        return missing_operand("chmod", out);
    };
    for path in paths {
        let current = match ctx.fs.stat(ctx.cwd, path) {
            Ok(st) => st.mode,
            Err(e) => {
                out.fail(1, &cant(ctx, "chmod", "access", path, &e));
                continue;
            }
        };
        let Some(new_mode) = parse_mode(mode, current) else {
            return out.fail(1, &format!("chmod: invalid mode '{mode}'"));
        };
        if let Err(e) = ctx.fs.chmod(ctx.cwd, path, new_mode) {
            out.fail(1, &format!("chmod: {path}: {e}"));
        }
    }
}

/// Octal (`755`) or symbolic (`u+x`, `a-w`, `+x`, `go=r`) modes.
pub(crate) fn parse_mode(spec: &str, current: u32) -> Option<u32> {
    if let Ok(m) = u32::from_str_radix(spec, 8) {
        return (m <= 0o7777).then_some(m);
    }
    let mut mode = current;
    for clause in spec.split(',') {
        let op_at = clause.find(['+', '-', '='])?;
        let (who, rest) = clause.split_at(op_at);
        let op = rest.chars().next()?;
        let mut who_mask = 0;
        for w in who.chars() {
            who_mask |= match w {
                'u' => 0o700,
                'g' => 0o070,
                'o' => 0o007,
                'a' => 0o777,
                _ => return None,
            };
        }
        if who.is_empty() {
            who_mask = 0o777;
        }
        let mut bits = 0;
        for p in rest[1..].chars() {
            bits |= match p {
                'r' => 0o444,
                'w' => 0o222,
                'x' => 0o111,
                _ => return None,
            };
        }
        let bits = bits & who_mask;
        mode = match op {
            '+' => mode | bits,
            '-' => mode & !bits,
            _ => (mode & !who_mask) | bits,
        };
    }
    Some(mode)
}

pub(crate) fn ln(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let (target, link) = match opts.operands.as_slice() {
        [t, l] => (t.clone(), target_for(ctx, t, l)),
        [t] => (t.clone(), t.rsplit('/').next().unwrap_or(t).to_string()),
        _ => return missing_operand("ln", out),
    };
    let made = if opts.has('s') {
        if opts.has('f') {
            let _ = ctx.fs.remove(ctx.cwd, &link, false);
        }
        ctx.fs.symlink(&target, ctx.cwd, &link)
    } else {
        // Hard links are modelled as copies: the union fs keeps no inode identity.
        ctx.fs.copy(ctx.cwd, &target, &link, false)
    };
    if let Err(e) = made {
        out.fail(1, &format!("ln: {link}: {e}"));
    }
}

pub(crate) fn stat(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "c");
    if opts.operands.is_empty() {
        return missing_operand("stat", out);
    }
    for op in &opts.operands {
        let st = match ctx.fs.lstat(ctx.cwd, op) {
            Ok(st) => st,
            Err(e) => {
                let msg = if ctx.flavor.is_gnu() {
                    format!("stat: cannot statx '{op}': {e}")
                } else {
                    format!("stat: can't stat '{op}': {e}")
                };
                out.fail(1, &msg);
                continue;
            }
        };
        let kind = match st.kind {
            FileKind::Dir => "directory",
            FileKind::Symlink => "symbolic link",
            FileKind::File if st.size == 0 => "regular empty file",
            FileKind::File => "regular file",
            FileKind::Other => "character special file",
        };
        let name = match &st.link_target {
            Some(t) => format!("{op} -> {t}"),
            None => op.clone(),
        };
        let mtime = chrono::DateTime::<chrono::Utc>::from_timestamp(st.mtime, 0)
            .map(|t| t.format("%Y-%m-%d %H:%M:%S.000000000 +0000").to_string())
            .unwrap_or_default();
        let perms = mode_string(&st);
        out.line(&format!("  File: {name}"));
        out.line(&format!(
            "  Size: {:<15} Blocks: {:<10} IO Block: 4096   {kind}",
            st.size,
            blocks_1k(&st) * 2
        ));
        out.line(&format!(
            "Access: ({:04o}/{perms})  Uid: (    0/    root)   Gid: (    0/    root)",
            st.mode
        ));
        out.line(&format!("Modify: {mtime}"));
    }
}

pub(crate) fn find(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let mut roots = Vec::new();
    let mut name_pattern = None;
    let mut kind = None;
    let mut iter = args.iter();
    while let Some(a) = iter.next() {
        match a.as_str() {
            "-name" => name_pattern = iter.next().cloned(),
            "-type" => kind = iter.next().cloned(),
            _ => roots.push(a.clone()),
        }
    }
    if roots.is_empty() {
        roots.push(".".to_string());
    }
    for root in roots {
        if let Err(e) = ctx.fs.lstat(ctx.cwd, &root) {
            out.fail(1, &format!("find: {root}: {e}"));
            continue;
        }
        let mut stack = vec![root];
        while let Some(path) = stack.pop() {
            let Ok(st) = ctx.fs.lstat(ctx.cwd, &path) else {
                continue;
            };
            let base = path.rsplit('/').next().unwrap_or(&path);
            let name_ok = name_pattern.as_deref().is_none_or(|p| glob_match(p, base));
            let kind_ok = match kind.as_deref() {
                Some("f") => st.kind == FileKind::File,
                Some("d") => st.kind == FileKind::Dir,
                Some("l") => st.kind == FileKind::Symlink,
                _ => true,
            };
            if name_ok && kind_ok {
                out.line(&path);
            }
            if st.kind == FileKind::Dir {
                let names = ctx.fs.read_dir(ctx.cwd, &path).unwrap_or_default();
                for n in names.into_iter().rev() {
                    stack.push(format!("{}/{n}", path.trim_end_matches('/')));
                }
            }
        }
    }
}

/// Shell glob with `*` and `?` (for `find -name`).
pub(crate) fn glob_match(pattern: &str, name: &str) -> bool {
    let p: Vec<char> = pattern.chars().collect();
    let n: Vec<char> = name.chars().collect();
    fn go(p: &[char], n: &[char]) -> bool {
        match p.split_first() {
            None => n.is_empty(),
            Some(('*', rest)) => (0..=n.len()).any(|i| go(rest, &n[i..])),
            Some(('?', rest)) => !n.is_empty() && go(rest, &n[1..]),
            Some((c, rest)) => n.first() == Some(c) && go(rest, &n[1..]),
        }
    }
    go(&p, &n)
}

pub(crate) fn du(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let mut roots = opts.operands.clone();
    if roots.is_empty() {
        roots.push(".".to_string());
    }
    for root in roots {
        let mut lines = Vec::new();
        let total = match du_walk(ctx, &root, &mut lines) {
            Ok(t) => t,
            Err(e) => {
                out.fail(1, &format!("du: {root}: {e}"));
                continue;
            }
        };
        if !opts.has('s') {
            for (k, p) in &lines {
                out.line(&format!("{}\t{p}", human_or_k(*k, opts.has('h'))));
            }
        } else {
            out.line(&format!("{}\t{root}", human_or_k(total, opts.has('h'))));
        }
    }
}

/// Sizes in KiB of every directory under `path` (children first, as du prints).
fn du_walk(ctx: &Ctx, path: &str, lines: &mut Vec<(u64, String)>) -> Result<u64, FsError> {
    let st = ctx.fs.lstat(ctx.cwd, path)?;
    let mut total = blocks_1k(&st);
    if st.kind == FileKind::Dir {
        for n in ctx.fs.read_dir(ctx.cwd, path)? {
            total += du_walk(ctx, &format!("{}/{n}", path.trim_end_matches('/')), lines)?;
        }
        lines.push((total, path.to_string()));
    }
    Ok(total)
}

fn human_or_k(kib: u64, human: bool) -> String {
    if !human {
        return kib.to_string();
    }
    if kib < 1024 {
        return format!("{kib}.0K");
    }
    let mib = kib as f64 / 1024.0;
    if mib < 1024.0 {
        format!("{mib:.1}M")
    } else {
        format!("{:.1}G", mib / 1024.0)
    }
}

/// A fixed, simulated line: the container's root is an overlay mount.
pub(crate) fn df(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    if ctx.flavor.is_gnu() {
        out.line("Filesystem      Size  Used Avail Use% Mounted on");
        out.line("overlay          59G   12G   45G  21% /");
    } else if opts.has('h') {
        out.line("Filesystem                Size      Used Available Use% Mounted on");
        out.line("overlay                  58.4G     11.9G     43.5G  21% /");
    } else {
        out.line("Filesystem           1K-blocks      Used Available Use% Mounted on");
        out.line("overlay               61255492  12478016  45636700  21% /");
    }
}
