//! System information programs: env id ps uname date free which.
use super::{Args, Ctx, Flavor, Out};
use crate::backend::sim::sys::ProcInfo;
use crate::backend::sim::unionfs::{FileKind, UnionFs};

pub const DEFAULT_PATH: &str = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

pub(crate) fn env(ctx: &mut Ctx, out: &mut Out) {
    for (k, v) in ctx.env {
        out.line(&format!("{k}={v}"));
    }
}

pub(crate) fn id(ctx: &mut Ctx, out: &mut Out) {
    let groups = match ctx.flavor {
        Flavor::Busybox => "0(root),10(wheel)",
        Flavor::Alpine => {
            "0(root),1(bin),2(daemon),3(sys),4(adm),6(disk),10(wheel),11(floppy),20(dialout),26(tape),27(video)"
        }
        Flavor::Ubuntu => "0(root)",
    };
    out.line(&format!("uid=0(root) gid=0(root) groups={groups}"));
}

/// The caller's process list plus `ps` itself, in busybox or procps format. `exec CTR ps`
/// runs ps as the exec'd process, already the newest in the list: it is not added twice.
pub(crate) fn ps(ctx: &mut Ctx, out: &mut Out) {
    let newest = ctx.procs.iter().max_by_key(|p| p.pid);
    let listed = newest.is_some_and(|p| {
        let program = p.command.split_whitespace().next().unwrap_or("");
        program.rsplit('/').next() == Some("ps")
    });
    let mut rows: Vec<ProcInfo> = ctx.procs.to_vec();
    if !listed {
        // Run by the newest process (the shell that typed it), on that one's terminal.
        rows.push(ProcInfo {
            pid: newest.map_or(0, |p| p.pid) + 1,
            user: "root".to_string(),
            command: "ps".to_string(),
            tty: newest.and_then(|p| p.tty.clone()),
        });
    }
    if ctx.flavor.is_gnu() {
        out.line("    PID TTY          TIME CMD");
        for p in rows {
            // procps shows the program name only (comm), not its arguments; `?` for no tty.
            let comm = p.command.split_whitespace().next().unwrap_or("");
            let comm = comm.rsplit('/').next().unwrap_or(comm);
            let tty = p.tty.as_deref().unwrap_or("?");
            out.line(&format!("{:>7} {tty:<8} 00:00:00 {comm}", p.pid));
        }
    } else {
        out.line("PID   USER     TIME  COMMAND");
        for p in rows {
            out.line(&format!(
                "{:>5} {:<8} {:>5} {}",
                p.pid, p.user, "0:00", p.command
            ));
        }
    }
}

/// The host kernel's uname fields (what a container really sees), hostname replaced.
fn host_uname() -> (String, String, String) {
    // SAFETY: utsname is plain old data; uname fills it or fails.
    let mut uts: libc::utsname = unsafe { std::mem::zeroed() };
    if unsafe { libc::uname(&mut uts) } != 0 {
        return ("unknown".into(), "#1 SMP".into(), "x86_64".into());
    }
    let field = |f: &[libc::c_char]| -> String {
        let bytes: Vec<u8> = f
            .iter()
            .take_while(|c| **c != 0)
            .map(|c| *c as u8)
            .collect();
        String::from_utf8_lossy(&bytes).into_owned()
    };
    (
        field(&uts.release),
        field(&uts.version),
        field(&uts.machine),
    )
}

pub(crate) fn uname(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let (release, version, machine) = host_uname();
    if opts.has('a') {
        out.line(&format!(
            "Linux {} {release} {version} {machine} GNU/Linux",
            ctx.hostname
        ));
        return;
    }
    let mut parts = Vec::new();
    if opts.has('s') || opts.flags.is_empty() {
        parts.push("Linux".to_string());
    }
    if opts.has('n') {
        parts.push(ctx.hostname.to_string());
    }
    if opts.has('r') {
        parts.push(release);
    }
    if opts.has('m') {
        parts.push(machine);
    }
    out.line(&parts.join(" "));
}

pub(crate) fn date(ctx: &mut Ctx, out: &mut Out) {
    out.line(&ctx.now.format("%a %b %e %H:%M:%S UTC %Y").to_string());
}

pub(crate) fn free(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let opts = Args::parse(args, "");
    let m = ctx.memory;
    let free = m.total.saturating_sub(m.used + m.buff_cache);
    let available = m.total.saturating_sub(m.used);
    let show = |bytes: u64| -> String {
        if opts.has('h') {
            human_binary(bytes)
        } else if opts.has('m') {
            (bytes / (1024 * 1024)).to_string()
        } else {
            (bytes / 1024).to_string()
        }
    };
    out.line(&format!(
        "{:<5}{:>12}{:>12}{:>12}{:>12}{:>12}{:>12}",
        "", "total", "used", "free", "shared", "buff/cache", "available"
    ));
    out.line(&format!(
        "{:<5}{:>12}{:>12}{:>12}{:>12}{:>12}{:>12}",
        "Mem:",
        show(m.total),
        show(m.used),
        show(free),
        show(m.shared),
        show(m.buff_cache),
        show(available)
    ));
    out.line(&format!(
        "{:<5}{:>12}{:>12}{:>12}",
        "Swap:",
        show(0),
        show(0),
        show(0)
    ));
}

/// `1.9Gi`, `512Mi`, as procps `free -h` prints.
fn human_binary(bytes: u64) -> String {
    let units = ["B", "Ki", "Mi", "Gi", "Ti"];
    let mut value = bytes as f64;
    let mut unit = 0;
    while value >= 1024.0 && unit + 1 < units.len() {
        value /= 1024.0;
        unit += 1;
    }
    if unit == 0 || value >= 10.0 {
        format!("{}{}", value.round(), units[unit])
    } else {
        format!("{value:.1}{}", units[unit])
    }
}

/// Resolve a command through PATH in the union fs: the first regular file found.
pub fn lookup_path(fs: &UnionFs, name: &str, path_env: &str, cwd: &str) -> Option<String> {
    if name.is_empty() {
        return None;
    }
    let is_program = |p: &str| {
        fs.stat(cwd, p)
            .map(|st| st.kind == FileKind::File)
            .unwrap_or(false)
    };
    if name.contains('/') {
        return is_program(name).then(|| name.to_string());
    }
    let path_env = if path_env.is_empty() {
        DEFAULT_PATH
    } else {
        path_env
    };
    path_env
        .split(':')
        .filter(|d| !d.is_empty())
        .map(|d| format!("{}/{name}", d.trim_end_matches('/')))
        .find(|p| is_program(p))
}

pub(crate) fn which(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    let path_env = ctx
        .env
        .get("PATH")
        .map(String::as_str)
        .unwrap_or(DEFAULT_PATH);
    for name in args {
        match lookup_path(ctx.fs, name, path_env, ctx.cwd) {
            Some(p) => out.line(&p),
            None => out.code = 1,
        }
    }
}
