//! `docker exec` on the kernel: a further process joins a running container's cgroups and
//! namespaces (as runc's `setns` path does), runs to completion, and its output is captured.
//!
//! Two forks: the first child joins the cgroups and namespaces; joining a pid namespace only
//! affects the children of the caller, so it forks again and the grandchild — now inside the
//! container's pid namespace — chdirs, resolves the command and execs.
use std::ffi::CString;
use std::io::Read;
use std::os::fd::{AsRawFd, OwnedFd, RawFd};
use std::path::PathBuf;

use super::spawn::{cstrings, path_from_env};

#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("{what}: {source}")]
    Sys {
        what: &'static str,
        #[source]
        source: nix::Error,
    },
    /// 126: Docker 20.10's exit code for an exec whose command cannot be run (also when missing).
    #[error("{message}")]
    NotRunnable { code: i32, message: String },
    #[error("{0}")]
    Setup(String),
}

/// The namespaces an exec joins, in the order runc joins them (mnt last: it changes `/`).
pub const JOINED_NAMESPACES: [&str; 5] = ["ipc", "uts", "net", "pid", "mnt"];

/// What to run inside which container.
#[derive(Debug, Clone)]
pub struct ExecRequest {
    /// Host pid of the container's PID 1 (whose /proc/<pid>/ns/* we join).
    pub target_pid: u32,
    /// cgroup.procs files to join.
    pub cgroup_procs: Vec<PathBuf>,
    pub argv: Vec<String>,
    pub env: Vec<String>,
    pub workdir: String,
    /// Numeric uid[:gid] (names would need the container's /etc/passwd).
    pub user: Option<(u32, u32)>,
}

/// What the process printed and how it ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ExecOutcome {
    pub stdout: String,
    pub stderr: String,
    pub code: i32,
}

/// Container env with `-e` on top: a later KEY= replaces an earlier one (Docker's merge).
pub fn merge_env(base: &[String], extra: &[String]) -> Vec<String> {
    let key = |e: &str| e.split('=').next().unwrap_or_default().to_string();
    let mut env: Vec<String> = base.to_vec();
    for e in extra {
        let k = key(e);
        env.retain(|x| key(x) != k);
        env.push(e.clone());
    }
    env
}

/// Parses `-u uid[:gid]`; names are refused (the container's /etc/passwd is not consulted).
pub fn parse_user(user: &str) -> Result<(u32, u32), String> {
    let (u, g) = user.split_once(':').unwrap_or((user, "0"));
    match (u.parse(), g.parse()) {
        (Ok(u), Ok(g)) => Ok((u, g)),
        _ => Err(format!(
            "unable to find user {user}: only numeric uid[:gid] is supported on the linux backend"
        )),
    }
}

/// Everything allocated before forking: the children of a multi-threaded process must not
/// allocate, so they only make raw system calls on these.
struct Prepared {
    ns_fds: Vec<std::fs::File>,
    cgroup_procs: Vec<CString>,
    workdir: CString,
    candidates: Vec<CString>,
    /// Owners of the strings `argv_ptrs` / `env_ptrs` point into.
    _argv: Vec<CString>,
    _env: Vec<CString>,
    /// NULL-terminated pointer arrays into `argv` / `env` (CString data does not move).
    argv_ptrs: Vec<*const libc::c_char>,
    env_ptrs: Vec<*const libc::c_char>,
    not_found: String,
    denied: String,
    user: Option<(u32, u32)>,
    /// stdin is a pty slave that becomes the process's controlling terminal.
    tty: bool,
}

fn prepare(req: &ExecRequest) -> Result<Prepared, ExecError> {
    let name = req
        .argv
        .first()
        .ok_or_else(|| ExecError::Setup("no command specified".into()))?;
    let mut ns_fds = Vec::new();
    for ns in JOINED_NAMESPACES {
        let path = PathBuf::from(format!("/proc/{}/ns/{ns}", req.target_pid));
        let f = std::fs::File::open(&path).map_err(|source| ExecError::Io { path, source })?;
        ns_fds.push(f);
    }
    let cstr = |s: &str| {
        CString::new(s).map_err(|_| ExecError::Setup(format!("{s:?} contains a NUL byte")))
    };
    let cgroup_procs = req
        .cgroup_procs
        .iter()
        .map(|p| cstr(&p.to_string_lossy()))
        .collect::<Result<_, _>>()?;
    let workdir = cstr(if req.workdir.is_empty() {
        "/"
    } else {
        &req.workdir
    })?;
    // Go's exec.LookPath, as runc uses it: a name with a slash as is, else along PATH.
    let candidates = if name.contains('/') {
        vec![cstr(name)?]
    } else {
        path_from_env(&req.env)
            .split(':')
            .map(|d| if d.is_empty() { "." } else { d })
            .map(|d| cstr(&format!("{}/{name}", d.trim_end_matches('/'))))
            .collect::<Result<_, _>>()?
    };
    let argv = cstrings(&req.argv).map_err(ExecError::Setup)?;
    let env = cstrings(&req.env).map_err(ExecError::Setup)?;
    let ptrs = |v: &[CString]| {
        let mut p: Vec<*const libc::c_char> = v.iter().map(|s| s.as_ptr()).collect();
        p.push(std::ptr::null());
        p
    };
    Ok(Prepared {
        ns_fds,
        cgroup_procs,
        workdir,
        candidates,
        argv_ptrs: ptrs(&argv),
        env_ptrs: ptrs(&env),
        _argv: argv,
        _env: env,
        denied: format!("126\texec: \"{name}\": permission denied"),
        not_found: format!("126\texec: \"{name}\": executable file not found in $PATH"),
        user: req.user,
        tty: false,
    })
}

/// Runs the request to completion.
pub fn exec_in(req: &ExecRequest) -> Result<ExecOutcome, ExecError> {
    let sys = |what| move |source| ExecError::Sys { what, source };
    let devnull = std::fs::File::open("/dev/null").map_err(|source| ExecError::Io {
        path: "/dev/null".into(),
        source,
    })?;
    let cloexec = nix::fcntl::OFlag::O_CLOEXEC;
    let (out_r, out_w) = nix::unistd::pipe2(cloexec).map_err(sys("pipe2"))?;
    let (err_r, err_w) = nix::unistd::pipe2(cloexec).map_err(sys("pipe2"))?;
    let fds = [devnull.as_raw_fd(), out_w.as_raw_fd(), err_w.as_raw_fd()];
    let running = spawn_exec(req, fds, false)?;
    drop((out_w, err_w, devnull));
    let err_reader = std::thread::spawn(move || read_all(err_r));
    let stdout = read_all(out_r);
    let stderr = err_reader.join().unwrap_or_default();
    let code = running.wait()?;
    Ok(ExecOutcome {
        stdout,
        stderr,
        code,
    })
}

/// An exec'd process on its way; `wait` for its exit code.
pub struct RunningExec {
    child: nix::unistd::Pid,
    report: OwnedFd,
}

/// Starts the request with these fds as its stdin, stdout, stderr (the caller closes its own
/// copies of the child's ends). With `tty`, stdin must be a pty slave: the process gets its
/// own session with it as controlling terminal.
pub fn spawn_exec(
    req: &ExecRequest,
    stdio: [RawFd; 3],
    tty: bool,
) -> Result<RunningExec, ExecError> {
    let sys = |what| move |source| ExecError::Sys { what, source };
    let mut prep = prepare(req)?;
    prep.tty = tty;
    let (rep_r, rep_w) = nix::unistd::pipe2(nix::fcntl::OFlag::O_CLOEXEC).map_err(sys("pipe2"))?;
    // SAFETY: the child only makes raw system calls on memory prepared above, then _exits.
    let child = match unsafe { nix::unistd::fork() }.map_err(sys("fork"))? {
        nix::unistd::ForkResult::Child => unsafe { first_child(&prep, stdio, rep_w.as_raw_fd()) },
        nix::unistd::ForkResult::Parent { child } => child,
    };
    drop(rep_w);
    Ok(RunningExec {
        child,
        report: rep_r,
    })
}

impl RunningExec {
    /// Waits for the process; its exit code, or why it could not be run.
    pub fn wait(self) -> Result<i32, ExecError> {
        let report = read_all(self.report);
        let status =
            nix::sys::wait::waitpid(self.child, None).map_err(|source| ExecError::Sys {
                what: "waitpid",
                source,
            })?;
        if let Some((code, message)) = report.split_once('\t') {
            return Err(match code.parse() {
                Ok(code @ (126 | 127)) => ExecError::NotRunnable {
                    code,
                    message: message.to_string(),
                },
                _ => ExecError::Setup(message.to_string()),
            });
        }
        Ok(super::records::exit_code(status).unwrap_or(1))
    }
}

fn read_all(fd: OwnedFd) -> String {
    let mut bytes = Vec::new();
    let _ = std::fs::File::from(fd).read_to_end(&mut bytes);
    String::from_utf8_lossy(&bytes).into_owned()
}

/// Writes "<code>\t<what>: <errno>" to the report pipe and leaves.
unsafe fn die(rep: RawFd, code: i32, what: &str) -> ! {
    let errno = std::io::Error::last_os_error().raw_os_error().unwrap_or(0);
    unsafe {
        write_number(rep, code.unsigned_abs());
        libc::write(rep, b"\t".as_ptr().cast(), 1);
        libc::write(rep, what.as_ptr().cast(), what.len());
        libc::write(rep, b": errno ".as_ptr().cast(), 8);
        write_number(rep, errno.unsigned_abs());
        libc::_exit(code)
    }
}

/// Decimal digits without allocating (we are in a forked child).
unsafe fn write_number(fd: RawFd, mut n: u32) {
    let mut buf = [0u8; 10];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 {
            break;
        }
    }
    unsafe { libc::write(fd, buf[i..].as_ptr().cast(), buf.len() - i) };
}

/// Joins cgroups and namespaces, forks the process that execs, reports its exit as our own.
unsafe fn first_child(p: &Prepared, fds: [RawFd; 3], rep: RawFd) -> ! {
    unsafe {
        for procs in &p.cgroup_procs {
            let fd = libc::open(procs.as_ptr(), libc::O_WRONLY | libc::O_CLOEXEC);
            if fd < 0 || libc::write(fd, b"0".as_ptr().cast(), 1) != 1 {
                die(rep, 1, "joining the container's cgroup");
            }
            libc::close(fd);
        }
        for f in &p.ns_fds {
            if libc::setns(f.as_raw_fd(), 0) != 0 {
                die(rep, 1, "setns");
            }
        }
        for (from, to) in fds.iter().zip(0..) {
            if libc::dup2(*from, to) < 0 {
                die(rep, 1, "dup2");
            }
        }
        let pid = libc::fork();
        if pid < 0 {
            die(rep, 1, "fork");
        }
        if pid == 0 {
            grandchild(p, rep);
        }
        let mut status = 0;
        while libc::waitpid(pid, &mut status, 0) < 0 {
            if *libc::__errno_location() != libc::EINTR {
                libc::_exit(1);
            }
        }
        if libc::WIFSIGNALED(status) {
            // Pass the signal on so the parent computes 128+n as for any process.
            let sig = libc::WTERMSIG(status);
            libc::signal(sig, libc::SIG_DFL);
            libc::kill(libc::getpid(), sig);
        }
        libc::_exit(libc::WEXITSTATUS(status))
    }
}

/// Inside the container's pid namespace: user, workdir, PATH lookup, exec.
unsafe fn grandchild(p: &Prepared, rep: RawFd) -> ! {
    unsafe {
        if let Some((uid, gid)) = p.user
            && (libc::setgroups(0, std::ptr::null()) != 0
                || libc::setgid(gid) != 0
                || libc::setuid(uid) != 0)
        {
            die(rep, 1, "setting the user");
        }
        if p.tty && (libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0) {
            die(rep, 1, "making the pty the controlling terminal");
        }
        if libc::chdir(p.workdir.as_ptr()) != 0 {
            die(rep, 1, "chdir to the working directory");
        }
        // The default SIGPIPE, as for the main process (init.rs).
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
        for cand in &p.candidates {
            let mut st: libc::stat = std::mem::zeroed();
            let is_exec_file = libc::stat(cand.as_ptr(), &mut st) == 0
                && st.st_mode & libc::S_IFMT == libc::S_IFREG
                && st.st_mode & 0o111 != 0;
            if is_exec_file {
                libc::execve(cand.as_ptr(), p.argv_ptrs.as_ptr(), p.env_ptrs.as_ptr());
                let msg = p.denied.as_bytes();
                libc::write(rep, msg.as_ptr().cast(), msg.len());
                libc::_exit(126)
            }
        }
        let msg = p.not_found.as_bytes();
        libc::write(rep, msg.as_ptr().cast(), msg.len());
        libc::_exit(126)
    }
}

#[cfg(test)]
#[path = "exec_tests.rs"]
mod tests;
