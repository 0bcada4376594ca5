//! The programs of the simulated system: coreutils/busybox look-alikes and package managers,
//! each a function over the union filesystem, its arguments and stdin. Output and error
//! wording follow busybox (busybox, alpine images) or GNU coreutils (ubuntu) by flavor.
mod catalogue;
mod files;
mod info;
pub use info::{DEFAULT_PATH, lookup_path};
mod ls;
mod pkg;
mod text;

#[cfg(test)]
mod tests;

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};

use super::sys::{ProcInfo, ProgramResult};
use super::unionfs::{FsError, UnionFs};

/// Which userland the image has: decides tool wording and the package manager.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Flavor {
    Busybox,
    Alpine,
    Ubuntu,
}

impl Flavor {
    /// GNU coreutils/procps wording rather than busybox's.
    pub fn is_gnu(self) -> bool {
        self == Flavor::Ubuntu
    }
}

/// Memory figures for `free`, in bytes (from the caller's memory model).
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct MemInfo {
    pub total: u64,
    pub used: u64,
    pub shared: u64,
    pub buff_cache: u64,
}

/// Everything a program may look at or change.
pub struct Ctx<'a> {
    pub fs: &'a mut UnionFs,
    pub flavor: Flavor,
    pub cwd: &'a str,
    pub env: &'a BTreeMap<String, String>,
    pub stdin: &'a str,
    pub hostname: &'a str,
    pub procs: &'a [ProcInfo],
    pub memory: MemInfo,
    pub now: DateTime<Utc>,
}

/// The programs this module implements, by basename.
pub const PROGRAMS: &[&str] = &[
    "ls", "cat", "echo", "touch", "rm", "mkdir", "rmdir", "cp", "mv", "head", "tail", "tr", "wc",
    "env", "hostname", "id", "ps", "true", "false", "uname", "whoami", "pwd", "date", "grep",
    "find", "du", "df", "free", "which", "stat", "chmod", "ln", "seq", "sort", "uniq", "cut",
    "basename", "dirname", "apt-get", "apt", "apk",
];

/// How long a server in the foreground runs: a century, in milliseconds.
pub const SERVE_FOREVER_MS: u64 = 100 * 365 * 24 * 3600 * 1000;

/// Run program `name` (a basename). Unknown names report "not found" like a shell would.
pub fn run(name: &str, args: &[String], ctx: &mut Ctx) -> ProgramResult {
    let mut out = Out::default();
    match name {
        "ls" => ls::ls(ctx, args, &mut out),
        "cat" => files::cat(ctx, args, &mut out),
        "touch" => files::touch(ctx, args, &mut out),
        "rm" => files::rm(ctx, args, &mut out),
        "mkdir" => files::mkdir(ctx, args, &mut out),
        "rmdir" => files::rmdir(ctx, args, &mut out),
        "cp" => files::cp(ctx, args, &mut out),
        "mv" => files::mv(ctx, args, &mut out),
        "chmod" => files::chmod(ctx, args, &mut out),
        "ln" => files::ln(ctx, args, &mut out),
        "stat" => files::stat(ctx, args, &mut out),
        "find" => files::find(ctx, args, &mut out),
        "du" => files::du(ctx, args, &mut out),
        "df" => files::df(ctx, args, &mut out),
        "echo" => text::echo(args, &mut out),
        "head" | "tail" => text::head_tail(ctx, name, args, &mut out),
        "tr" => text::tr(ctx, args, &mut out),
        "wc" => text::wc(ctx, args, &mut out),
        "grep" => text::grep(ctx, args, &mut out),
        "seq" => text::seq(args, &mut out),
        "sort" => text::sort(ctx, args, &mut out),
        "uniq" => text::uniq(ctx, args, &mut out),
        "cut" => text::cut(ctx, args, &mut out),
        "basename" => text::basename(args, &mut out),
        "dirname" => text::dirname(args, &mut out),
        "env" => info::env(ctx, &mut out),
        "hostname" => out.line(ctx.hostname),
        "id" => info::id(ctx, &mut out),
        "ps" => info::ps(ctx, &mut out),
        "true" => {}
        "false" => out.code = 1,
        "uname" => info::uname(ctx, args, &mut out),
        "whoami" => out.line("root"),
        "pwd" => out.line(ctx.cwd),
        "date" => info::date(ctx, &mut out),
        "free" => info::free(ctx, args, &mut out),
        "which" => info::which(ctx, args, &mut out),
        "apt-get" | "apt" => pkg::apt(ctx, name, args, &mut out),
        "apk" => pkg::apk(ctx, args, &mut out),
        // A web server in the foreground (the nginx image's CMD) serves until it is
        // stopped: it costs "forever" in simulated time, so the container stays up.
        "nginx"
            if !args
                .iter()
                .any(|a| matches!(a.as_str(), "-v" | "-V" | "-t")) =>
        {
            return ProgramResult {
                cost_ms: SERVE_FOREVER_MS,
                ..ProgramResult::default()
            };
        }
        // An interpreter with no script and no terminal reads EOF and exits quietly.
        "python3" | "python" | "python3.12" if args.is_empty() => {}
        _ => match catalogue::program_reply(name, args) {
            Some((code, stdout, stderr)) => {
                out.stdout = stdout;
                out.stderr = stderr;
                out.code = code;
            }
            None => out.fail(127, &format!("sh: {name}: not found")),
        },
    }
    ProgramResult {
        stdout: out.stdout,
        stderr: out.stderr,
        code: out.code,
        cost_ms: out.cost_ms,
        resident_bytes: 0,
    }
}

/// What a program is printing.
#[derive(Debug, Default)]
pub(crate) struct Out {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
    pub cost_ms: u64,
}

impl Out {
    pub fn line(&mut self, s: &str) {
        self.stdout.push_str(s);
        self.stdout.push('\n');
    }
    /// An error line on stderr; the exit code becomes `code` (kept if already failing).
    pub fn fail(&mut self, code: i32, msg: &str) {
        self.stderr.push_str(msg);
        self.stderr.push('\n');
        if self.code == 0 {
            self.code = code;
        }
    }
}

/// Parsed command line: single-letter flags (clustered or not), values of flags that take
/// one, and operands. `--` ends flags; a lone `-` is an operand.
#[derive(Debug, Default)]
pub(crate) struct Args {
    pub flags: BTreeSet<char>,
    pub values: BTreeMap<char, String>,
    pub operands: Vec<String>,
}

impl Args {
    pub fn parse(args: &[String], takes_value: &str) -> Args {
        let mut parsed = Args::default();
        let mut iter = args.iter();
        while let Some(arg) = iter.next() {
            if arg == "--" {
                parsed.operands.extend(iter.by_ref().cloned());
                break;
            }
            let Some(cluster) = arg.strip_prefix('-').filter(|c| !c.is_empty()) else {
                parsed.operands.push(arg.clone());
                continue;
            };
            if cluster.starts_with('-') {
                parsed.flags.insert('-');
                continue;
            }
            for (i, c) in cluster.char_indices() {
                if takes_value.contains(c) {
                    let rest = &cluster[i + c.len_utf8()..];
                    let value = if rest.is_empty() {
                        iter.next().cloned().unwrap_or_default()
                    } else {
                        rest.to_string()
                    };
                    parsed.values.insert(c, value);
                    break;
                }
                parsed.flags.insert(c);
            }
        }
        parsed
    }

    pub fn has(&self, c: char) -> bool {
        self.flags.contains(&c)
    }
}

/// Read operands, or stdin when there are none (or for `-`).
pub(crate) fn inputs(ctx: &Ctx, prog: &str, operands: &[String], out: &mut Out) -> Vec<String> {
    if operands.is_empty() {
        return vec![ctx.stdin.to_string()];
    }
    let mut texts = Vec::new();
    for op in operands {
        if op == "-" {
            texts.push(ctx.stdin.to_string());
            continue;
        }
        match ctx.fs.read_file(ctx.cwd, op) {
            Ok(bytes) => texts.push(String::from_utf8_lossy(&bytes).into_owned()),
            Err(e) => out.fail(1, &open_error(ctx.flavor, prog, op, &e)),
        }
    }
    texts
}

/// `cat: can't open 'x': ...` (busybox) vs `cat: x: ...` (GNU).
pub(crate) fn open_error(flavor: Flavor, prog: &str, path: &str, e: &FsError) -> String {
    if flavor.is_gnu() {
        format!("{prog}: {path}: {e}")
    } else {
        format!("{prog}: can't open '{path}': {e}")
    }
}

/// Lines of a text without the trailing newline's empty remainder.
pub(crate) fn lines(text: &str) -> Vec<&str> {
    let mut v: Vec<&str> = text.split('\n').collect();
    if v.last() == Some(&"") {
        v.pop();
    }
    v
}
