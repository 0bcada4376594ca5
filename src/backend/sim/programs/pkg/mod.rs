//! Package managers over the catalogue: `apt-get`/`apt` (ubuntu) and `apk` (alpine). They
//! print what the real ones print and write what they write: the package's files, the dpkg
//! status stanza or the apk installed-db entry, apt's lists — so `docker diff` shows them.
mod apk;
mod apt;

pub(crate) use apk::apk;
pub(crate) use apt::apt;

use super::Ctx;
use super::catalogue::{self, Package};
use crate::backend::sim::unionfs::FsError;

/// Write the package's files into the container (binaries as filler, configs, docs).
pub(super) fn install_files(ctx: &Ctx, pkg: &Package) -> Result<(), FsError> {
    for (path, size) in pkg.binaries {
        let parent = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("/");
        ctx.fs.mkdir_all("/", parent)?;
        let mut bytes = b"\x7fELF".to_vec();
        bytes.resize((*size).max(4), 0);
        ctx.fs.write_file("/", path, &bytes, false)?;
        ctx.fs.chmod("/", path, 0o755)?;
    }
    for (path, content) in pkg.files {
        let parent = path.rsplit_once('/').map(|(d, _)| d).unwrap_or("/");
        ctx.fs.mkdir_all("/", parent)?;
        ctx.fs.write_file("/", path, content.as_bytes(), false)?;
    }
    let doc = format!("/usr/share/doc/{}", pkg.name);
    ctx.fs.mkdir_all("/", &doc)?;
    let copyright = format!("{} is distributed under its upstream licence.\n", pkg.name);
    ctx.fs.write_file(
        "/",
        &format!("{doc}/copyright"),
        copyright.as_bytes(),
        false,
    )
}

pub(super) fn remove_files(ctx: &Ctx, pkg: &Package) {
    let paths = pkg.binaries.iter().map(|(p, _)| *p);
    for path in paths.chain(pkg.files.iter().map(|(p, _)| *p)) {
        let _ = ctx.fs.remove("/", path, false);
    }
    let _ = ctx
        .fs
        .remove("/", &format!("/usr/share/doc/{}", pkg.name), true);
}

pub(super) fn read_text(ctx: &Ctx, path: &str) -> String {
    ctx.fs
        .read_file("/", path)
        .map(|b| String::from_utf8_lossy(&b).into_owned())
        .unwrap_or_default()
}

/// Names listed in a stanza file by `key` (`Package: ` for dpkg, `P:` for apk).
pub(super) fn installed_names(text: &str, key: &str) -> Vec<String> {
    text.lines()
        .filter_map(|l| l.strip_prefix(key))
        .map(|n| n.trim().to_string())
        .collect()
}

/// Stanzas (blank-line separated) except the one for `name`.
pub(super) fn without_stanza(text: &str, key: &str, name: &str) -> String {
    let mut kept = String::new();
    for stanza in text.split("\n\n").filter(|s| !s.trim().is_empty()) {
        let is_it = stanza
            .lines()
            .any(|l| l.strip_prefix(key).map(str::trim) == Some(name));
        if !is_it {
            kept.push_str(stanza.trim_matches('\n'));
            kept.push_str("\n\n");
        }
    }
    kept
}

/// Dependencies first, each once, skipping what is installed or unknown to this distro.
pub(super) fn plan(
    requested: &[String],
    installed: &[String],
    deps: fn(&Package) -> &'static [&'static str],
) -> Vec<&'static Package> {
    fn visit(
        name: &str,
        installed: &[String],
        deps: fn(&Package) -> &'static [&'static str],
        out: &mut Vec<&'static Package>,
    ) {
        let Some(pkg) = catalogue::find(name) else {
            return;
        };
        if installed.iter().any(|i| i == name) || out.iter().any(|p| p.name == name) {
            return;
        }
        for d in deps(pkg) {
            visit(d, installed, deps, out);
        }
        out.push(pkg);
    }
    let mut out = Vec::new();
    for r in requested {
        visit(r, installed, deps, &mut out);
    }
    out
}
