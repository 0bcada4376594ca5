//! Runs inside the cloned child, PID 1 of its namespace: join cgroups, take stdio, set up the
//! mount namespace (private, pivot_root into merged/, /proc, /dev, /sys), hostname, loopback,
//! workdir, then exec. Failures go back over the error pipe, never as a panic.
use std::ffi::CString;
use std::os::fd::RawFd;
use std::path::{Path, PathBuf};

use nix::mount::{MntFlags, MsFlags, mount, umount2};

use super::spawn::{ContainerProcess, cstrings, encode_failure, path_from_env, resolve_command};
use crate::backend::NetworkMode;

/// Everything converted before clone, so the child has little left to fail on.
pub(crate) struct Prepared {
    p: ContainerProcess,
    env: Vec<CString>,
    argv: Vec<CString>,
}

impl Prepared {
    pub(crate) fn new(p: &ContainerProcess) -> Result<Prepared, String> {
        if p.argv.is_empty() {
            return Err("no command specified".to_string());
        }
        Ok(Prepared {
            p: p.clone(),
            env: cstrings(&p.env)?,
            argv: cstrings(&p.argv)?,
        })
    }
}

/// The child's whole life: exec, or report and exit.
pub(crate) fn run(prep: &Prepared, err_fd: RawFd) -> isize {
    let (code, message) = match setup_and_exec(prep) {
        Ok(never) => match never {},
        Err(failure) => failure,
    };
    let report = encode_failure(code, &message);
    // SAFETY: writing a buffer to our own pipe fd, then leaving without unwinding.
    unsafe {
        libc::write(err_fd, report.as_ptr().cast(), report.len());
        libc::_exit(code)
    }
}

type Failure = (i32, String);

fn fail(what: impl std::fmt::Display, e: impl std::fmt::Display) -> Failure {
    (1, format!("{what}: {e}"))
}

enum Never {}

fn setup_and_exec(prep: &Prepared) -> Result<Never, Failure> {
    let p = &prep.p;
    for procs in &p.cgroup_procs {
        std::fs::write(procs, "0").map_err(|e| fail(procs.display(), e))?;
    }
    for (from, to) in [(p.stdin, 0), (p.stdout, 1), (p.stderr, 2)] {
        if from != to {
            // SAFETY: dup2 on fds we were given.
            if unsafe { libc::dup2(from, to) } < 0 {
                return Err(fail("dup2", std::io::Error::last_os_error()));
            }
        }
    }
    if p.tty {
        // Before pivot_root and exec: a new session whose controlling terminal is the pty,
        // so job control, ^C and /dev/tty work inside.
        nix::unistd::setsid().map_err(|e| fail("setsid", e))?;
        // SAFETY: TIOCSCTTY on our stdin, which is the pty slave.
        if unsafe { libc::ioctl(0, libc::TIOCSCTTY, 0) } < 0 {
            return Err(fail("TIOCSCTTY", std::io::Error::last_os_error()));
        }
    }
    nix::unistd::sethostname(&p.hostname).map_err(|e| fail("sethostname", e))?;
    setup_root(&p.rootfs, p.console.as_deref())?;
    if p.network == NetworkMode::None {
        loopback_up().map_err(|e| fail("bringing up lo", e))?;
    }
    let workdir = if p.workdir.is_empty() {
        "/"
    } else {
        &p.workdir
    };
    std::fs::create_dir_all(workdir).map_err(|e| fail(workdir, e))?;
    std::env::set_current_dir(workdir).map_err(|e| fail(workdir, e))?;

    let path = path_from_env(&p.env);
    let program = resolve_command(&p.argv[0], &path, is_executable_file)?;
    let program_c = CString::new(program).map_err(|e| fail("argv[0]", e))?;
    // Rust ignores SIGPIPE in our binary and exec keeps an ignored signal ignored: give the
    // container the default, or `producer | head` in its shell would not end the producer.
    // SAFETY: signal(2) with SIG_DFL.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let err = match nix::unistd::execve(&program_c, &prep.argv, &prep.env) {
        Ok(never) => match never {},
        Err(e) => e,
    };
    let name = &p.argv[0];
    Err(match err {
        nix::errno::Errno::ENOENT => (
            127,
            format!("exec: \"{name}\": stat {name}: no such file or directory"),
        ),
        nix::errno::Errno::EACCES => (126, format!("exec: \"{name}\": permission denied")),
        e => (
            126,
            format!("exec: \"{name}\": {}", e.desc().to_lowercase()),
        ),
    })
}

fn is_executable_file(path: &str) -> bool {
    use std::os::unix::fs::PermissionsExt;
    std::fs::metadata(path).is_ok_and(|m| m.is_file() && m.permissions().mode() & 0o111 != 0)
}

fn mnt(
    src: Option<&str>,
    target: &Path,
    fstype: Option<&str>,
    flags: MsFlags,
    data: Option<&str>,
) -> Result<(), Failure> {
    mount(src, target, fstype, flags, data)
        .map_err(|e| fail(format!("mount {}", target.display()), e))
}

fn mkdir(p: &Path) -> Result<(), Failure> {
    std::fs::create_dir_all(p).map_err(|e| fail(p.display(), e))
}

/// /dev/<name> in the container: a node with the host device's numbers, as runc makes them
/// when it runs as real root (mode 0666); a bind mount of the host's where mknod is refused
/// (a user namespace). The node is cheaper: one call, and no mount to tear down.
fn device_node(target: &Path, host: &str) -> Result<(), Failure> {
    use nix::sys::stat::{Mode, SFlag, fchmodat, mknod, stat};
    let rdev = stat(host).map_err(|e| fail(host, e))?.st_rdev;
    let mode = Mode::from_bits_truncate(0o666);
    if mknod(target, SFlag::S_IFCHR, mode, rdev).is_ok() {
        // mknod's mode passed through the umask; the node must be 0666 whatever it is.
        return fchmodat(
            nix::fcntl::AT_FDCWD,
            target,
            mode,
            nix::sys::stat::FchmodatFlags::FollowSymlink,
        )
        .map_err(|e| fail(target.display(), e));
    }
    std::fs::write(target, b"").map_err(|e| fail(target.display(), e))?;
    mnt(
        Some(host),
        target,
        None::<&str>,
        MsFlags::MS_BIND,
        None::<&str>,
    )
}

/// Make mounts private, mount /proc /dev /sys inside merged/, pivot_root into it.
fn setup_root(root: &Path, console: Option<&Path>) -> Result<(), Failure> {
    let none: Option<&str> = None;
    mnt(
        none,
        Path::new("/"),
        none,
        MsFlags::MS_REC | MsFlags::MS_PRIVATE,
        none,
    )?;
    // pivot_root needs the new root to be a mount point.
    mnt(
        Some(root.to_string_lossy().as_ref()),
        root,
        none,
        MsFlags::MS_BIND | MsFlags::MS_REC,
        none,
    )?;
    let at = |rel: &str| -> PathBuf { root.join(rel) };
    mkdir(&at("proc"))?;
    mnt(
        Some("proc"),
        &at("proc"),
        Some("proc"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
        none,
    )?;
    mkdir(&at("dev"))?;
    mnt(
        Some("tmpfs"),
        &at("dev"),
        Some("tmpfs"),
        MsFlags::MS_NOSUID,
        Some("mode=755,size=65536k"),
    )?;
    for dev in ["null", "zero", "full", "random", "urandom", "tty"] {
        device_node(&at("dev").join(dev), &format!("/dev/{dev}"))?;
    }
    if let Some(pty) = console {
        let target = at("dev/console");
        std::fs::write(&target, b"").map_err(|e| fail(target.display(), e))?;
        let src = pty.to_string_lossy();
        mnt(Some(src.as_ref()), &target, none, MsFlags::MS_BIND, none)?;
    }
    mkdir(&at("dev/pts"))?;
    mnt(
        Some("devpts"),
        &at("dev/pts"),
        Some("devpts"),
        MsFlags::MS_NOSUID | MsFlags::MS_NOEXEC,
        Some("newinstance,ptmxmode=0666,mode=0620"),
    )?;
    mkdir(&at("dev/shm"))?;
    mnt(
        Some("shm"),
        &at("dev/shm"),
        Some("tmpfs"),
        MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
        Some("size=65536k"),
    )?;
    for (link, target) in [
        ("ptmx", "pts/ptmx"),
        ("fd", "/proc/self/fd"),
        ("stdin", "/proc/self/fd/0"),
        ("stdout", "/proc/self/fd/1"),
        ("stderr", "/proc/self/fd/2"),
    ] {
        let l = at("dev").join(link);
        std::os::unix::fs::symlink(target, &l).map_err(|e| fail(l.display(), e))?;
    }
    // /sys read-only, as Docker does; a kernel that refuses (e.g. shared netns) is not fatal.
    if mkdir(&at("sys")).is_ok() {
        let _ = mount(
            Some("sysfs"),
            &at("sys"),
            Some("sysfs"),
            MsFlags::MS_RDONLY | MsFlags::MS_NOSUID | MsFlags::MS_NODEV | MsFlags::MS_NOEXEC,
            none,
        );
    }
    std::env::set_current_dir(root).map_err(|e| fail(root.display(), e))?;
    nix::unistd::pivot_root(".", ".").map_err(|e| fail("pivot_root", e))?;
    umount2(".", MntFlags::MNT_DETACH).map_err(|e| fail("unmounting the old root", e))?;
    std::env::set_current_dir("/").map_err(|e| fail("/", e))?;
    Ok(())
}

/// `ip link set lo up` without netlink: SIOCGIFFLAGS / SIOCSIFFLAGS on an AF_INET socket.
fn loopback_up() -> std::io::Result<()> {
    // SAFETY: plain socket/ioctl calls on a zeroed ifreq naming "lo".
    unsafe {
        let sock = libc::socket(libc::AF_INET, libc::SOCK_DGRAM | libc::SOCK_CLOEXEC, 0);
        if sock < 0 {
            return Err(std::io::Error::last_os_error());
        }
        let mut req: libc::ifreq = std::mem::zeroed();
        for (i, b) in b"lo\0".iter().enumerate() {
            req.ifr_name[i] = *b as libc::c_char;
        }
        let mut rc = libc::ioctl(sock, libc::SIOCGIFFLAGS, &mut req);
        if rc == 0 {
            req.ifr_ifru.ifru_flags |= libc::IFF_UP as libc::c_short;
            rc = libc::ioctl(sock, libc::SIOCSIFFLAGS, &req);
        }
        let err = std::io::Error::last_os_error();
        libc::close(sock);
        if rc != 0 { Err(err) } else { Ok(()) }
    }
}
