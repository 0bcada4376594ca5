//! `apk` on alpine: `add` fetches the index, installs dependencies first and records them in
//! the installed db; `del`; `update`.
use super::super::catalogue::{self, Package};
use super::super::{Args, Ctx, Flavor, Out};
use super::{install_files, installed_names, plan, read_text, remove_files, without_stanza};
use crate::backend::sim::unionfs::FsError;

const APK_INSTALLED: &str = "/lib/apk/db/installed";
const APK_MIRROR: &str = "https://dl-cdn.alpinelinux.org/alpine/v3.20";

pub(crate) fn apk(ctx: &mut Ctx, args: &[String], out: &mut Out) {
    if ctx.flavor != Flavor::Alpine {
        return out.fail(127, "sh: apk: not found");
    }
    let opts = Args::parse(args, "");
    let Some((verb, names)) = opts.operands.split_first() else {
        return out.line("usage: apk [<OPTIONS>...] COMMAND [<ARGUMENTS>...]");
    };
    let result = match verb.as_str() {
        "update" => {
            apk_fetch(out);
            out.line(&format!("v3.20.3-0-g0ff5a7b [{APK_MIRROR}/main]"));
            out.line(&format!("v3.20.3-0-g0ff5a7b [{APK_MIRROR}/community]"));
            out.line("OK: 24163 distinct packages available");
            Ok(())
        }
        "add" => apk_add(ctx, names, out),
        "del" => apk_del(ctx, names, out),
        _ => {
            out.fail(1, &format!("apk: unknown command '{verb}'"));
            Ok(())
        }
    };
    if let Err(e) = result {
        out.fail(1, &format!("ERROR: {e}"));
    }
}

fn apk_fetch(out: &mut Out) {
    out.line(&format!("fetch {APK_MIRROR}/main/x86_64/APKINDEX.tar.gz"));
    out.line(&format!(
        "fetch {APK_MIRROR}/community/x86_64/APKINDEX.tar.gz"
    ));
    out.cost_ms += 1500;
}

/// `OK: 9 MiB in 18 packages` from the installed db.
fn apk_ok_line(db: &str) -> String {
    let names = installed_names(db, "P:");
    let kib: u64 = db
        .lines()
        .filter_map(|l| l.strip_prefix("I:"))
        .filter_map(|s| s.trim().parse::<u64>().ok())
        .sum::<u64>()
        / 1024;
    // A base alpine whose db carries no sizes is about 7 MiB.
    let mib = (kib / 1024).max(7);
    format!("OK: {mib} MiB in {} packages", names.len())
}

fn apk_add(ctx: &mut Ctx, names: &[String], out: &mut Out) -> Result<(), FsError> {
    apk_fetch(out);
    let unknown: Vec<&String> = names
        .iter()
        .filter(|n| catalogue::find(n).is_none_or(|p| p.apk_version.is_none()))
        .collect();
    if !unknown.is_empty() {
        out.fail(1, "ERROR: unable to select packages:");
        for n in unknown {
            out.fail(
                1,
                &format!("  {n} (no such package):\n    required by: world[{n}]"),
            );
        }
        return Ok(());
    }
    let mut db = read_text(ctx, APK_INSTALLED);
    let installed = installed_names(&db, "P:");
    let todo = plan(names, &installed, |p| p.apk_depends);
    for (i, p) in todo.iter().enumerate() {
        let version = p.apk_version.unwrap_or("");
        out.line(&format!(
            "({}/{}) Installing {} ({version})",
            i + 1,
            todo.len(),
            p.name
        ));
        install_files(ctx, p)?;
        if !db.is_empty() && !db.ends_with("\n\n") {
            db.push('\n');
        }
        db.push_str(&format!(
            "P:{}\nV:{version}\nA:x86_64\nS:{}\nI:{}\nT:{}\n\n",
            p.name,
            p.download_kb * 1024,
            p.installed_kb * 1024,
            p.description
        ));
    }
    if !todo.is_empty() {
        out.line("Executing busybox-1.36.1-r29.trigger");
        ctx.fs.mkdir_all("/", "/lib/apk/db")?;
        ctx.fs
            .write_file("/", APK_INSTALLED, db.as_bytes(), false)?;
    }
    out.line(&apk_ok_line(&db));
    Ok(())
}

fn apk_del(ctx: &mut Ctx, names: &[String], out: &mut Out) -> Result<(), FsError> {
    let mut db = read_text(ctx, APK_INSTALLED);
    let installed = installed_names(&db, "P:");
    let todo: Vec<&Package> = names
        .iter()
        .filter(|n| installed.contains(n))
        .filter_map(|n| catalogue::find(n))
        .collect();
    for (i, p) in todo.iter().enumerate() {
        let version = p.apk_version.unwrap_or("");
        out.line(&format!(
            "({}/{}) Purging {} ({version})",
            i + 1,
            todo.len(),
            p.name
        ));
        remove_files(ctx, p);
        db = without_stanza(&db, "P:", p.name);
    }
    if !todo.is_empty() {
        ctx.fs
            .write_file("/", APK_INSTALLED, db.as_bytes(), false)?;
    }
    out.line(&apk_ok_line(&db));
    Ok(())
}
