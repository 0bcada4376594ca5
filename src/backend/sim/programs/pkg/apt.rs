//! `apt-get`/`apt` on ubuntu: `update` writes apt's lists, `install` needs them, prints
//! apt's plan and progress, installs files and appends the dpkg status stanza.
use super::super::catalogue::{self, CATALOGUE, Package};
use super::super::{Args, Ctx, Flavor, Out};
use super::{install_files, installed_names, plan, read_text, remove_files, without_stanza};
use crate::backend::sim::unionfs::FsError;

const DPKG_STATUS: &str = "/var/lib/dpkg/status";
const APT_LISTS: &str = "/var/lib/apt/lists";
const APT_PACKAGES_LIST: &str =
    "/var/lib/apt/lists/archive.ubuntu.com_ubuntu_dists_noble_main_binary-amd64_Packages";

/// apt's sizes: `227 kB`, `1,774 kB`, `27.5 MB`.
fn apt_size(kb: u64) -> String {
    if kb >= 10_000 {
        format!("{:.1} MB", kb as f64 / 1000.0)
    } else if kb >= 1000 {
        format!("{},{:03} kB", kb / 1000, kb % 1000)
    } else {
        format!("{kb} kB")
    }
}

fn deb_version(p: &Package) -> &'static str {
    p.deb_version.unwrap_or("")
}

pub(crate) fn apt(ctx: &mut Ctx, prog: &str, args: &[String], out: &mut Out) {
    if ctx.flavor != Flavor::Ubuntu {
        return out.fail(127, &format!("sh: {prog}: not found"));
    }
    if prog == "apt" {
        out.stderr.push_str(
            "\nWARNING: apt does not have a stable CLI interface. Use with caution in scripts.\n\n",
        );
    }
    let opts = Args::parse(args, "");
    let Some((verb, names)) = opts.operands.split_first() else {
        return out.fail(1, "E: No operation specified");
    };
    let yes = opts.has('y');
    let result = match verb.as_str() {
        "update" => apt_update(ctx, out),
        "install" => apt_install(ctx, names, yes, out),
        "remove" | "purge" => apt_remove(ctx, names, yes, out),
        _ => {
            out.fail(100, &format!("E: Invalid operation {verb}"));
            Ok(())
        }
    };
    if let Err(e) = result {
        out.fail(100, &format!("E: {e}"));
    }
}

fn apt_update(ctx: &mut Ctx, out: &mut Out) -> Result<(), FsError> {
    for line in [
        "Get:1 http://archive.ubuntu.com/ubuntu noble InRelease [256 kB]",
        "Get:2 http://security.ubuntu.com/ubuntu noble-security InRelease [126 kB]",
        "Get:3 http://archive.ubuntu.com/ubuntu noble-updates InRelease [126 kB]",
        "Get:4 http://archive.ubuntu.com/ubuntu noble-backports InRelease [126 kB]",
        "Get:5 http://archive.ubuntu.com/ubuntu noble/main amd64 Packages [1808 kB]",
        "Get:6 http://archive.ubuntu.com/ubuntu noble/universe amd64 Packages [19.3 MB]",
        "Fetched 21.7 MB in 3s (7218 kB/s)",
        "Reading package lists... Done",
    ] {
        out.line(line);
    }
    ctx.fs.mkdir_all("/", APT_LISTS)?;
    ctx.fs.write_file(
        "/",
        &format!("{APT_LISTS}/archive.ubuntu.com_ubuntu_dists_noble_InRelease"),
        b"Origin: Ubuntu\nLabel: Ubuntu\nSuite: noble\nVersion: 24.04\nCodename: noble\n",
        false,
    )?;
    let mut index = String::new();
    for p in CATALOGUE.iter().filter(|p| p.deb_version.is_some()) {
        index.push_str(&format!(
            "Package: {}\nVersion: {}\nArchitecture: amd64\nSize: {}\nDescription: {}\n\n",
            p.name,
            deb_version(p),
            p.download_kb * 1000,
            p.description
        ));
    }
    ctx.fs
        .write_file("/", APT_PACKAGES_LIST, index.as_bytes(), false)?;
    out.cost_ms = 3000;
    Ok(())
}

/// `Do you want to continue? [Y/n]`: an empty answer (Enter) is yes, like apt's default.
fn confirm(ctx: &Ctx, yes: bool, out: &mut Out) -> bool {
    if yes {
        return true;
    }
    let answer = ctx.stdin.trim().chars().next().unwrap_or('Y');
    if answer == 'n' || answer == 'N' {
        out.line("Do you want to continue? [Y/n] Abort.");
        out.code = 1;
        return false;
    }
    out.line(&format!("Do you want to continue? [Y/n] {answer}"));
    true
}

fn apt_install(ctx: &mut Ctx, names: &[String], yes: bool, out: &mut Out) -> Result<(), FsError> {
    out.line("Reading package lists... Done");
    out.line("Building dependency tree... Done");
    out.line("Reading state information... Done");
    let lists_ready = ctx.fs.exists("/", APT_PACKAGES_LIST);
    let unknown: Vec<&String> = names
        .iter()
        .filter(|n| !lists_ready || catalogue::find(n).is_none_or(|p| p.deb_version.is_none()))
        .collect();
    if !unknown.is_empty() {
        for n in unknown {
            out.fail(100, &format!("E: Unable to locate package {n}"));
        }
        return Ok(());
    }
    let status = read_text(ctx, DPKG_STATUS);
    let installed = installed_names(&status, "Package:");
    for n in names.iter().filter(|n| installed.contains(n)) {
        if let Some(p) = catalogue::find(n) {
            out.line(&format!(
                "{n} is already the newest version ({}).",
                deb_version(p)
            ));
        }
    }
    let todo = plan(names, &installed, |p| p.deb_depends);
    if todo.is_empty() {
        out.line("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.");
        return Ok(());
    }
    let extra: Vec<&str> = todo
        .iter()
        .map(|p| p.name)
        .filter(|n| !names.iter().any(|r| r == n))
        .collect();
    if !extra.is_empty() {
        out.line("The following additional packages will be installed:");
        out.line(&format!("  {}", sorted(extra.clone()).join(" ")));
    }
    out.line("The following NEW packages will be installed:");
    out.line(&format!(
        "  {}",
        sorted(todo.iter().map(|p| p.name).collect()).join(" ")
    ));
    out.line(&format!(
        "0 upgraded, {} newly installed, 0 to remove and 0 not upgraded.",
        todo.len()
    ));
    let download: u64 = todo.iter().map(|p| p.download_kb).sum();
    let disk: u64 = todo.iter().map(|p| p.installed_kb).sum();
    out.line(&format!("Need to get {} of archives.", apt_size(download)));
    out.line(&format!(
        "After this operation, {} of additional disk space will be used.",
        apt_size(disk)
    ));
    if !extra.is_empty() && !confirm(ctx, yes, out) {
        return Ok(());
    }
    for (i, p) in todo.iter().enumerate() {
        out.line(&format!(
            "Get:{} http://archive.ubuntu.com/ubuntu noble/main amd64 {} amd64 {} [{}]",
            i + 1,
            p.name,
            deb_version(p),
            apt_size(p.download_kb)
        ));
    }
    out.line(&format!(
        "Fetched {} in 1s ({}/s)",
        apt_size(download),
        apt_size(download)
    ));
    out.line("debconf: delaying package configuration, since apt-utils is not installed");
    let files_before = 4381 + installed.len();
    for (i, p) in todo.iter().enumerate() {
        out.line(&format!(
            "Selecting previously unselected package {}.",
            p.name
        ));
        if i == 0 {
            out.line(&format!(
                "(Reading database ... {files_before} files and directories currently installed.)"
            ));
        }
        let bare = deb_version(p).rsplit(':').next().unwrap_or("");
        out.line(&format!(
            "Preparing to unpack .../{}_{bare}_amd64.deb ...",
            p.name
        ));
        out.line(&format!("Unpacking {} ({}) ...", p.name, deb_version(p)));
    }
    let mut status = status;
    for p in &todo {
        out.line(&format!("Setting up {} ({}) ...", p.name, deb_version(p)));
        install_files(ctx, p)?;
        status.push_str(&dpkg_stanza(p));
        let list: Vec<&str> = p
            .binaries
            .iter()
            .map(|(f, _)| *f)
            .chain(p.files.iter().map(|(f, _)| *f))
            .collect();
        let info = format!("/var/lib/dpkg/info/{}.list", p.name);
        ctx.fs.mkdir_all("/", "/var/lib/dpkg/info")?;
        ctx.fs.write_file(
            "/",
            &info,
            format!("{}\n", list.join("\n")).as_bytes(),
            false,
        )?;
    }
    ctx.fs
        .write_file("/", DPKG_STATUS, status.as_bytes(), false)?;
    out.line("Processing triggers for libc-bin (2.39-0ubuntu8) ...");
    out.cost_ms = 1000 + download / 10;
    Ok(())
}

fn dpkg_stanza(p: &Package) -> String {
    let mut s = format!(
        "Package: {}\nStatus: install ok installed\nPriority: optional\nSection: {}\nInstalled-Size: {}\nMaintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\nArchitecture: amd64\nVersion: {}\n",
        p.name,
        p.section,
        p.installed_kb,
        deb_version(p)
    );
    if !p.deb_depends.is_empty() {
        s.push_str(&format!("Depends: {}\n", p.deb_depends.join(", ")));
    }
    s.push_str(&format!("Description: {}\n\n", p.description));
    s
}

fn sorted(mut names: Vec<&str>) -> Vec<&str> {
    names.sort();
    names
}

fn apt_remove(ctx: &mut Ctx, names: &[String], yes: bool, out: &mut Out) -> Result<(), FsError> {
    out.line("Reading package lists... Done");
    out.line("Building dependency tree... Done");
    out.line("Reading state information... Done");
    let mut status = read_text(ctx, DPKG_STATUS);
    let installed = installed_names(&status, "Package:");
    let mut todo = Vec::new();
    for n in names {
        match catalogue::find(n) {
            Some(p) if installed.contains(n) => todo.push(p),
            _ if installed.contains(n) => out.fail(
                100,
                &format!("E: the simulator cannot remove the base package {n}"),
            ),
            _ => out.line(&format!("Package '{n}' is not installed, so not removed")),
        }
    }
    if todo.is_empty() {
        out.line("0 upgraded, 0 newly installed, 0 to remove and 0 not upgraded.");
        return Ok(());
    }
    out.line("The following packages will be REMOVED:");
    out.line(&format!(
        "  {}",
        sorted(todo.iter().map(|p| p.name).collect()).join(" ")
    ));
    out.line(&format!(
        "0 upgraded, 0 newly installed, {} to remove and 0 not upgraded.",
        todo.len()
    ));
    let freed: u64 = todo.iter().map(|p| p.installed_kb).sum();
    out.line(&format!(
        "After this operation, {} disk space will be freed.",
        apt_size(freed)
    ));
    if !confirm(ctx, yes, out) {
        return Ok(());
    }
    out.line(&format!(
        "(Reading database ... {} files and directories currently installed.)",
        4381 + installed.len()
    ));
    for p in todo {
        out.line(&format!("Removing {} ({}) ...", p.name, deb_version(p)));
        remove_files(ctx, p);
        let _ = ctx
            .fs
            .remove("/", &format!("/var/lib/dpkg/info/{}.list", p.name), false);
        status = without_stanza(&status, "Package:", p.name);
    }
    ctx.fs
        .write_file("/", DPKG_STATUS, status.as_bytes(), false)
}
