//! `ls` (-l -a -1 -d -R), one name per line as when stdout is not a terminal.
use chrono::{DateTime, Utc};

use super::{Args, Ctx, Out};
use crate::backend::sim::unionfs::{FileKind, Stat};

struct Entry {
    name: String,
    stat: Stat,
}

pub(crate) fn ls(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let mut operands = opts.operands.clone();
    if operands.is_empty() {
        operands.push(".".to_string());
    }
    let long = opts.has('l');
    let mut files: Vec<Entry> = Vec::new();
    let mut dirs: Vec<String> = Vec::new();
    for op in &operands {
        let stat = if long || opts.has('d') {
            ctx.fs.lstat(ctx.cwd, op)
        } else {
            ctx.fs.stat(ctx.cwd, op)
        };
        match stat {
            Ok(st) if st.kind == FileKind::Dir && !opts.has('d') => dirs.push(op.clone()),
            Ok(st)
                if st.kind == FileKind::Symlink
                    && long
                    && ctx.fs.is_dir(ctx.cwd, op)
                    && op.ends_with('/') =>
            {
                dirs.push(op.clone())
            }
            Ok(stat) => files.push(Entry {
                name: op.clone(),
                stat,
            }),
            Err(e) => {
                let msg = if ctx.flavor.is_gnu() {
                    format!("ls: cannot access '{op}': {e}")
                } else {
                    format!("ls: {op}: {e}")
                };
                out.fail(if ctx.flavor.is_gnu() { 2 } else { 1 }, &msg);
            }
        }
    }
    let headers = operands.len() > 1 || opts.has('R');
    print_entries(ctx, &files, long, false, out);
    let mut first = files.is_empty();
    let mut queue = dirs;
    queue.reverse();
    while let Some(dir) = queue.pop() {
        if !first {
            out.stdout.push('\n');
        }
        first = false;
        if headers {
            out.line(&format!("{dir}:"));
        }
        let mut entries = Vec::new();
        let names = match ctx.fs.read_dir(ctx.cwd, &dir) {
            Ok(n) => n,
            Err(e) => {
                out.fail(1, &format!("ls: {dir}: {e}"));
                continue;
            }
        };
        if opts.has('a') {
            for dot in [".", ".."] {
                if let Ok(stat) = ctx.fs.stat(ctx.cwd, &format!("{dir}/{dot}")) {
                    entries.push(Entry {
                        name: dot.to_string(),
                        stat,
                    });
                }
            }
        }
        let mut subdirs = Vec::new();
        for name in names {
            if name.starts_with('.') && !opts.has('a') {
                continue;
            }
            let full = format!("{}/{name}", dir.trim_end_matches('/'));
            if let Ok(stat) = ctx.fs.lstat(ctx.cwd, &full) {
                if opts.has('R') && stat.kind == FileKind::Dir {
                    subdirs.push(full);
                }
                entries.push(Entry { name, stat });
            }
        }
        print_entries(ctx, &entries, long, true, out);
        for sub in subdirs.into_iter().rev() {
            queue.push(sub);
        }
    }
}

fn print_entries(ctx: &Ctx, entries: &[Entry], long: bool, total: bool, out: &mut Out) {
    if !long {
        for e in entries {
            out.line(&e.name);
        }
        return;
    }
    if total {
        let blocks: u64 = entries.iter().map(|e| blocks_1k(&e.stat)).sum();
        out.line(&format!("total {blocks}"));
    }
    let size_w = entries
        .iter()
        .map(|e| e.stat.size.to_string().len())
        .max()
        .unwrap_or(1);
    for e in entries {
        out.line(&long_line(ctx, e, size_w));
    }
}

/// Disk usage in 1K blocks, as 4K filesystem blocks would give.
pub(crate) fn blocks_1k(st: &Stat) -> u64 {
    match st.kind {
        FileKind::Dir => 4,
        FileKind::Symlink => 0,
        _ => st.size.div_ceil(4096) * 4,
    }
}

fn long_line(ctx: &Ctx, e: &Entry, size_w: usize) -> String {
    let perms = mode_string(&e.stat);
    let nlink = if e.stat.kind == FileKind::Dir { 2 } else { 1 };
    let size = if e.stat.kind == FileKind::Dir {
        4096
    } else {
        e.stat.size
    };
    let when = ls_time(e.stat.mtime, ctx.now);
    let mut name = e.name.clone();
    if let Some(t) = &e.stat.link_target {
        name = format!("{name} -> {t}");
    }
    if ctx.flavor.is_gnu() {
        let w = size_w.max(4);
        format!("{perms} {nlink} root root {size:>w$} {when} {name}")
    } else {
        format!("{perms} {nlink:>4} root     root     {size:>9} {when} {name}")
    }
}

/// `drwxr-xr-x` from kind and mode bits (setuid/setgid/sticky shown as ls does).
pub(crate) fn mode_string(st: &Stat) -> String {
    let kind = match st.kind {
        FileKind::Dir => 'd',
        FileKind::Symlink => 'l',
        FileKind::File => '-',
        FileKind::Other => 'c',
    };
    let mode = if st.kind == FileKind::Symlink {
        0o777
    } else {
        st.mode
    };
    let mut s = String::from(kind);
    for (shift, special, lower, upper) in [
        (6, 0o4000, 's', 'S'),
        (3, 0o2000, 's', 'S'),
        (0, 0o1000, 't', 'T'),
    ] {
        let bits = (mode >> shift) & 7;
        s.push(if bits & 4 != 0 { 'r' } else { '-' });
        s.push(if bits & 2 != 0 { 'w' } else { '-' });
        let x = bits & 1 != 0;
        s.push(match (mode & special != 0, x) {
            (true, true) => lower,
            (true, false) => upper,
            (false, true) => 'x',
            (false, false) => '-',
        });
    }
    s
}

/// `Nov 23 08:29`, or `Nov 23  2024` for times more than six months from now.
fn ls_time(mtime: i64, now: DateTime<Utc>) -> String {
    let Some(t) = DateTime::<Utc>::from_timestamp(mtime, 0) else {
        return "Jan  1  1970".to_string();
    };
    let half_year = chrono::Duration::days(182);
    if (now - t).abs() > half_year {
        t.format("%b %e  %Y").to_string()
    } else {
        t.format("%b %e %H:%M").to_string()
    }
}
