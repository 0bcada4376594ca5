//! A lesson's archive files: relative paths given to save/load/export/import resolve against
//! the session's `host_dir` (the lesson's scratch directory), never the directory the
//! student started dockerlings in. Docker's client resolves them against its own working
//! directory; for a lesson, that scratch directory plays the part of the client's.
use std::path::Path;

use super::lang::{Invocation, Verb};

fn resolve(dir: &Path, path: &str) -> Option<String> {
    let p = Path::new(path);
    (path != "-" && !path.contains("://") && p.is_relative())
        .then(|| dir.join(p).to_string_lossy().into_owned())
}

/// The invocation with its archive path made absolute under `dir` (unchanged without one).
pub(super) fn in_host_dir(inv: &Invocation, dir: Option<&Path>) -> Invocation {
    let mut inv = inv.clone();
    let Some(dir) = dir else {
        return inv;
    };
    let flag = match inv.verb {
        Verb::Save | Verb::Export => Some("output"),
        Verb::Load => Some("input"),
        _ => None,
    };
    if let Some(flag) = flag {
        if let Some(abs) = inv.flags.string(flag).and_then(|p| resolve(dir, p)) {
            inv.flags.replace_string(flag, &abs);
        }
    } else if inv.verb == Verb::Import
        && let Some(abs) = inv.args.first().and_then(|p| resolve(dir, p))
    {
        inv.args[0] = abs;
    }
    inv
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::cli::lang::{parse_command, split_commands};

    fn inv(line: &str) -> Invocation {
        let cmds = split_commands(line).unwrap();
        parse_command(&cmds[0]).unwrap()
    }

    #[test]
    fn relative_archive_paths_land_in_the_host_dir() {
        let dir = Path::new("/lesson");
        let out = |l: &str, flag: &str| {
            in_host_dir(&inv(l), Some(dir))
                .flags
                .string(flag)
                .map(str::to_string)
        };
        assert_eq!(
            out("save -o a.tar busybox", "output").as_deref(),
            Some("/lesson/a.tar")
        );
        assert_eq!(
            out("export -o e.tar c", "output").as_deref(),
            Some("/lesson/e.tar")
        );
        assert_eq!(
            out("load -i a.tar", "input").as_deref(),
            Some("/lesson/a.tar")
        );
        assert_eq!(
            out("save -o /tmp/a.tar busybox", "output").as_deref(),
            Some("/tmp/a.tar")
        );
        assert_eq!(out("load", "input"), None);
        assert_eq!(
            in_host_dir(&inv("import e.tar x:v1"), Some(dir)).args[0],
            "/lesson/e.tar"
        );
        assert_eq!(in_host_dir(&inv("import - x:v1"), Some(dir)).args[0], "-");
        assert_eq!(in_host_dir(&inv("import e.tar"), None).args[0], "e.tar");
    }
}
