//! `exec -i` / `exec -t` / `exec -it`: the exec'd process's stdio. With `-t` it gets a pty of
//! its own, owned by this client (Docker's daemon owns it; we have no daemon, and the exec
//! lives no longer than the client waiting for it).
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::exec::{ExecError, ExecOutcome, ExecRequest, spawn_exec};
use super::terminal::{self, RawMode};

fn sys(what: &'static str) -> impl Fn(nix::Error) -> ExecError {
    move |source| ExecError::Sys { what, source }
}

/// A pty from the container's own devpts (its /dev/ptmx, reached through /proc/PID/root),
/// so inside it is /dev/pts/N as `tty` expects; the host's devpts when that fails.
fn open_pty(target_pid: u32) -> Result<(OwnedFd, OwnedFd), ExecError> {
    if let Some(pair) = container_pty(target_pid) {
        return Ok(pair);
    }
    let pty = nix::pty::openpty(None, None).map_err(sys("openpty"))?;
    nix::fcntl::fcntl(
        &pty.master,
        nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC),
    )
    .map_err(sys("fcntl"))?;
    Ok((pty.master, pty.slave))
}

fn container_pty(target_pid: u32) -> Option<(OwnedFd, OwnedFd)> {
    use std::os::unix::fs::OpenOptionsExt;
    let master = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .custom_flags(libc::O_NOCTTY | libc::O_CLOEXEC)
        .open(format!("/proc/{target_pid}/root/dev/ptmx"))
        .ok()?;
    let unlock: libc::c_int = 0;
    // SAFETY: unlock the slave, then open it from the master (TIOCGPTPEER, Linux ≥ 4.13).
    let slave = unsafe {
        if libc::ioctl(master.as_raw_fd(), libc::TIOCSPTLCK, &unlock) != 0 {
            return None;
        }
        libc::ioctl(
            master.as_raw_fd(),
            libc::TIOCGPTPEER,
            libc::O_RDWR | libc::O_NOCTTY | libc::O_CLOEXEC,
        )
    };
    if slave < 0 {
        return None;
    }
    // SAFETY: a fresh fd that nothing else owns.
    let slave = unsafe { <OwnedFd as std::os::fd::FromRawFd>::from_raw_fd(slave) };
    Some((OwnedFd::from(master), slave))
}

/// Connected to this process's own stdio: a pty relayed to our terminal with `tty`, else our
/// stdin (with `interactive`), stdout and stderr handed to the process as they are.
pub fn exec_streamed(req: &ExecRequest, tty: bool, interactive: bool) -> Result<i32, ExecError> {
    if !tty {
        let devnull = std::fs::File::open("/dev/null").map_err(|source| ExecError::Io {
            path: "/dev/null".into(),
            source,
        })?;
        let stdin = if interactive { 0 } else { devnull.as_raw_fd() };
        return spawn_exec(req, [stdin, 1, 2], false)?.wait();
    }
    let (master, slave) = open_pty(req.target_pid)?;
    let stdin = std::io::stdin();
    if let Some((rows, cols)) = terminal::window_size(stdin.as_fd()) {
        terminal::set_window_size(&master, rows, cols);
    }
    let fd = slave.as_raw_fd();
    let running = spawn_exec(req, [fd, fd, fd], true)?;
    drop(slave);
    let on_terminal = nix::unistd::isatty(stdin.as_fd()).unwrap_or(false);
    let raw = if on_terminal {
        let watch = terminal::watch_window_changes();
        RawMode::enter(stdin.as_fd()).ok().map(|raw| (raw, watch))
    } else {
        None
    };
    let pty = master.try_clone().map_err(|source| ExecError::Io {
        path: "pty master".into(),
        source,
    });
    if let Ok(pty) = pty {
        relay(&master, std::fs::File::from(pty), interactive);
    }
    drop(raw);
    running.wait()
}

/// `exec -t` in a batch script: the output through a pty, as a reader expects it (`\n`
/// line ends); the process gets end of input at once, there being nobody to type.
pub fn exec_tty_captured(req: &ExecRequest) -> Result<ExecOutcome, ExecError> {
    let (master, slave) = open_pty(req.target_pid)?;
    let fd = slave.as_raw_fd();
    let running = spawn_exec(req, [fd, fd, fd], true)?;
    drop(slave);
    let mut m = std::fs::File::from(master);
    // VEOF at the start of a line: a read of the terminal returns end of file.
    let _ = m.write_all(b"\x04");
    let mut bytes = Vec::new();
    let mut buf = [0u8; 8192];
    // EIO once the process (and everything holding the slave) is gone.
    while let Ok(n @ 1..) = m.read(&mut buf) {
        bytes.extend_from_slice(&buf[..n]);
    }
    let code = running.wait()?;
    Ok(ExecOutcome {
        stdout: String::from_utf8_lossy(&bytes).replace("\r\n", "\n"),
        stderr: String::new(),
        code,
    })
}

/// Copies our stdin to the pty and the pty to our stdout until the pty closes.
fn relay(master: &OwnedFd, mut m: std::fs::File, interactive: bool) {
    let stdin = std::io::stdin();
    let mut stdin_open = interactive;
    loop {
        if terminal::window_changed()
            && let Some((rows, cols)) = terminal::window_size(stdin.as_fd())
        {
            terminal::set_window_size(master, rows, cols);
        }
        let (in_ready, pty_ready) = {
            let mut fds = vec![PollFd::new(master.as_fd(), PollFlags::POLLIN)];
            if stdin_open {
                fds.push(PollFd::new(stdin.as_fd(), PollFlags::POLLIN));
            }
            match poll(&mut fds, PollTimeout::NONE) {
                Ok(_) => {}
                Err(nix::errno::Errno::EINTR) => continue,
                Err(_) => return,
            }
            let ready = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
            (fds.get(1).is_some_and(ready), ready(&fds[0]))
        };
        let mut buf = [0u8; 4096];
        if in_ready {
            // SAFETY: read(2) from fd 0 into our buffer, unbuffered.
            let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
            if n <= 0 {
                stdin_open = false;
            } else if m.write_all(&buf[..n as usize]).is_err() {
                return;
            }
        }
        if pty_ready {
            match m.read(&mut buf) {
                Ok(0) | Err(_) => return,
                Ok(n) => {
                    let mut out = std::io::stdout().lock();
                    let _ = out.write_all(&buf[..n]);
                    let _ = out.flush();
                }
            }
        }
    }
}
