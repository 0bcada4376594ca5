//! Mounting a container's layer stack with overlayfs, as Docker's overlay2 driver does: the
//! lowers are given as short `l/<id>` links relative to overlay2/, with the mount call made from
//! inside overlay2/, so the option string fits in one page even for 100+ layers.
use std::ffi::CString;
use std::os::unix::ffi::OsStrExt;
use std::path::{Path, PathBuf};

use nix::mount::MntFlags;

use crate::backend::RootfsPlan;

#[derive(Debug, thiserror::Error)]
pub enum OverlayError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("overlay mount at {path}: no lower layers")]
    NoLowers { path: PathBuf },
    #[error("overlay mount at {path}: options are {len} bytes, more than a page")]
    OptionsTooLong { path: PathBuf, len: usize },
    #[error("{path}: path contains a NUL byte")]
    Nul { path: PathBuf },
}

fn io(path: &Path, e: impl Into<std::io::Error>) -> OverlayError {
    OverlayError::Io {
        path: path.to_path_buf(),
        source: e.into(),
    }
}

/// `path` relative to `base` when it lies below it, else unchanged (absolute).
fn relative_to(path: &Path, base: &Path) -> String {
    path.strip_prefix(base)
        .unwrap_or(path)
        .to_string_lossy()
        .into_owned()
}

/// The mount data string, relative to `plan.overlay_root` (the mount runs with that cwd).
pub fn mount_options(plan: &RootfsPlan) -> String {
    format!(
        "lowerdir={},upperdir={},workdir={}",
        plan.lower_links.join(":"),
        relative_to(&plan.upper, &plan.overlay_root),
        relative_to(&plan.work, &plan.overlay_root),
    )
}

const PAGE: usize = 4096;

fn cstring(p: &Path) -> Result<CString, OverlayError> {
    CString::new(p.as_os_str().as_bytes()).map_err(|_| OverlayError::Nul {
        path: p.to_path_buf(),
    })
}

/// Create merged/ and mount the overlay there. `volatile` (for `run --rm`, whose upper dir is
/// deleted when it ends) mounts with overlayfs's `volatile` option: no sync of the upper dir,
/// which otherwise makes the unmount wait for the disk. A kernel without it (< 5.10) gets
/// the plain mount.
pub fn mount(plan: &RootfsPlan, volatile: bool) -> Result<(), OverlayError> {
    if volatile {
        // A volatile mount leaves work/work/incompat/volatile, and overlayfs refuses the
        // dir after that (the upper may have lost writes in a crash). An auto-removed
        // container mounts again only when a start failed half-way; nothing of it is kept.
        let incompat = plan.work.join("work/incompat");
        let _ = std::fs::remove_dir_all(&incompat);
        match mount_with(plan, ",volatile") {
            Err(OverlayError::Io { source, .. }) if source.raw_os_error() == Some(libc::EINVAL) => {
            }
            done => return done,
        }
    }
    mount_with(plan, "")
}

fn mount_with(plan: &RootfsPlan, extra: &str) -> Result<(), OverlayError> {
    if plan.lower_links.is_empty() {
        return Err(OverlayError::NoLowers {
            path: plan.merged.clone(),
        });
    }
    let options = mount_options(plan) + extra;
    if options.len() >= PAGE {
        return Err(OverlayError::OptionsTooLong {
            path: plan.merged.clone(),
            len: options.len(),
        });
    }
    for dir in [&plan.upper, &plan.work, &plan.merged] {
        std::fs::create_dir_all(dir).map_err(|e| io(dir, e))?;
    }
    let root = cstring(&plan.overlay_root)?;
    let target = cstring(&plan.merged)?;
    let data = CString::new(options).map_err(|_| OverlayError::Nul {
        path: plan.overlay_root.clone(),
    })?;
    // The working directory is per process; changing ours would race with other threads, so a
    // short-lived child does chdir + mount. It shares our mount namespace.
    let errno = run_in_child(|| {
        // SAFETY: chdir/mount are async-signal-safe syscalls on prepared C strings.
        unsafe {
            if libc::chdir(root.as_ptr()) != 0 {
                return *libc::__errno_location();
            }
            let fstype = c"overlay";
            if libc::mount(
                fstype.as_ptr(),
                target.as_ptr(),
                fstype.as_ptr(),
                0,
                data.as_ptr().cast(),
            ) != 0
            {
                return *libc::__errno_location();
            }
        }
        0
    })
    .map_err(|e| io(&plan.merged, e))?;
    if errno != 0 {
        let _ = std::fs::remove_dir(&plan.merged);
        return Err(io(&plan.merged, std::io::Error::from_raw_os_error(errno)));
    }
    Ok(())
}

/// Fork, run `f` in the child, exit with its result; return that result (an errno, 0 = ok).
fn run_in_child(f: impl FnOnce() -> i32) -> std::io::Result<i32> {
    use nix::sys::wait::{WaitStatus, waitpid};
    use nix::unistd::{ForkResult, fork};
    // SAFETY: the child only makes raw syscalls and _exits.
    match unsafe { fork() }.map_err(std::io::Error::from)? {
        ForkResult::Child => {
            let code = f();
            // SAFETY: leaving the forked child without running destructors or atexit handlers.
            unsafe { libc::_exit(code) }
        }
        ForkResult::Parent { child } => loop {
            match waitpid(child, None) {
                Ok(WaitStatus::Exited(_, code)) => return Ok(code),
                Ok(WaitStatus::Signaled(..)) => return Ok(libc::EINTR),
                Ok(_) => continue,
                Err(nix::errno::Errno::EINTR) => continue,
                Err(e) => return Err(e.into()),
            }
        },
    }
}

/// Unmount merged/ (lazily if busy) and remove the directory. Not mounted is fine.
pub fn unmount(merged: &Path) -> Result<(), OverlayError> {
    // Detached, as moby's overlay2 driver unmounts: the mount leaves the tree at once and the
    // kernel (≥ 6.15) no longer makes a lazy unmount wait for an RCU grace period.
    match nix::mount::umount2(merged, MntFlags::MNT_DETACH) {
        Ok(()) | Err(nix::errno::Errno::EINVAL) | Err(nix::errno::Errno::ENOENT) => {}
        Err(e) => return Err(io(merged, e)),
    }
    match std::fs::remove_dir(merged) {
        Ok(()) => Ok(()),
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(()),
        Err(e) => Err(io(merged, e)),
    }
}

/// Mount points listed in a mountinfo text (field 5, octal escapes such as `\040` decoded).
pub fn mount_points(mountinfo: &str) -> Vec<PathBuf> {
    mountinfo
        .lines()
        .filter_map(|l| l.split(' ').nth(4))
        .map(|p| PathBuf::from(unescape_octal(p)))
        .collect()
}

fn unescape_octal(s: &str) -> String {
    let bytes = s.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let code = bytes
            .get(i + 1..i + 4)
            .and_then(|d| std::str::from_utf8(d).ok())
            .and_then(|d| u8::from_str_radix(d, 8).ok());
        if bytes[i] == b'\\'
            && let Some(v) = code
        {
            out.push(v);
            i += 4;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Whether `path` is a mount point according to /proc/self/mountinfo.
pub fn is_mounted(path: &Path) -> Result<bool, OverlayError> {
    let info = Path::new("/proc/self/mountinfo");
    let text = std::fs::read_to_string(info).map_err(|e| io(info, e))?;
    Ok(mount_points(&text).iter().any(|p| p == path))
}

#[cfg(test)]
#[path = "overlay_tests.rs"]
mod tests;
