//! The user's side of an attached terminal: raw mode (restored by a guard on every way out,
//! panics included), the window size and SIGWINCH, and Docker's detach keys Ctrl-P Ctrl-Q.
use std::os::fd::{AsFd, BorrowedFd};
use std::sync::atomic::{AtomicBool, Ordering};

use nix::sys::termios::{SetArg, Termios, cfmakeraw, tcgetattr, tcsetattr};

/// Puts a terminal in raw mode; the previous settings come back when it is dropped (also
/// while a panic unwinds).
pub struct RawMode {
    fd: std::os::fd::RawFd,
    saved: Termios,
}

impl RawMode {
    pub fn enter(fd: BorrowedFd<'_>) -> nix::Result<RawMode> {
        let saved = tcgetattr(fd)?;
        let mut raw = saved.clone();
        cfmakeraw(&mut raw);
        tcsetattr(fd, SetArg::TCSANOW, &raw)?;
        Ok(RawMode {
            fd: std::os::fd::AsRawFd::as_raw_fd(&fd),
            saved,
        })
    }
}

impl Drop for RawMode {
    fn drop(&mut self) {
        // SAFETY: the fd (stdin) outlives the guard; it is only borrowed to restore it.
        let fd = unsafe { BorrowedFd::borrow_raw(self.fd) };
        let _ = tcsetattr(fd, SetArg::TCSANOW, &self.saved);
    }
}

/// The terminal's size (rows, cols), if it is one.
pub fn window_size(fd: impl AsFd) -> Option<(u16, u16)> {
    let mut ws = libc::winsize {
        ws_row: 0,
        ws_col: 0,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCGWINSZ fills the winsize we pass.
    let rc = unsafe {
        libc::ioctl(
            std::os::fd::AsRawFd::as_raw_fd(&fd.as_fd()),
            libc::TIOCGWINSZ,
            &mut ws,
        )
    };
    (rc == 0 && ws.ws_row > 0).then_some((ws.ws_row, ws.ws_col))
}

/// Sets a pty's size (on the master: the kernel tells the foreground process with SIGWINCH).
pub fn set_window_size(fd: &impl std::os::fd::AsRawFd, rows: u16, cols: u16) {
    let ws = libc::winsize {
        ws_row: rows,
        ws_col: cols,
        ws_xpixel: 0,
        ws_ypixel: 0,
    };
    // SAFETY: TIOCSWINSZ with a valid winsize.
    unsafe { libc::ioctl(fd.as_raw_fd(), libc::TIOCSWINSZ, &ws) };
}

static WINCH: AtomicBool = AtomicBool::new(false);

extern "C" fn on_winch(_: libc::c_int) {
    WINCH.store(true, Ordering::SeqCst);
}

/// Our SIGWINCH handler while attached (without SA_RESTART, so poll() returns EINTR at once);
/// the previous one (the line editor's, say) comes back when the guard is dropped.
pub struct WindowWatch {
    previous: Option<nix::sys::signal::SigAction>,
}

pub fn watch_window_changes() -> WindowWatch {
    use nix::sys::signal::{SaFlags, SigAction, SigHandler, SigSet, Signal, sigaction};
    let action = SigAction::new(
        SigHandler::Handler(on_winch),
        SaFlags::empty(),
        SigSet::empty(),
    );
    // SAFETY: the handler only stores to an atomic.
    let previous = unsafe { sigaction(Signal::SIGWINCH, &action) }.ok();
    WindowWatch { previous }
}

impl Drop for WindowWatch {
    fn drop(&mut self) {
        if let Some(previous) = &self.previous {
            // SAFETY: puts back the action that was there before.
            let _ = unsafe {
                nix::sys::signal::sigaction(nix::sys::signal::Signal::SIGWINCH, previous)
            };
        }
    }
}

/// Whether the window changed since the last call.
pub fn window_changed() -> bool {
    WINCH.swap(false, Ordering::SeqCst)
}

const CTRL_P: u8 = 0x10;
const CTRL_Q: u8 = 0x11;

/// Docker's default detach sequence, Ctrl-P Ctrl-Q. A Ctrl-P is held back until the next
/// byte shows whether it starts the sequence; the sequence itself is never forwarded.
#[derive(Debug, Default)]
pub struct DetachKeys {
    held: bool,
}

#[derive(Debug, PartialEq, Eq)]
pub enum Scanned {
    /// Forward these bytes to the container.
    Forward(Vec<u8>),
    /// Detach; forward these bytes first (what came before the sequence).
    Detach(Vec<u8>),
}

impl DetachKeys {
    pub fn scan(&mut self, input: &[u8]) -> Scanned {
        let mut out = Vec::with_capacity(input.len());
        for &b in input {
            if self.held {
                self.held = false;
                if b == CTRL_Q {
                    return Scanned::Detach(out);
                }
                out.push(CTRL_P);
            }
            if b == CTRL_P {
                self.held = true;
            } else {
                out.push(b);
            }
        }
        Scanned::Forward(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ctrl_p_ctrl_q_detaches_and_is_consumed() {
        let mut d = DetachKeys::default();
        assert_eq!(d.scan(b"ls\x10\x11rest"), Scanned::Detach(b"ls".to_vec()));
    }

    #[test]
    fn the_sequence_may_be_split_across_reads() {
        let mut d = DetachKeys::default();
        assert_eq!(d.scan(b"a\x10"), Scanned::Forward(b"a".to_vec()));
        assert_eq!(d.scan(b"\x11"), Scanned::Detach(vec![]));
    }

    #[test]
    fn a_lone_ctrl_p_is_forwarded_with_what_follows() {
        let mut d = DetachKeys::default();
        assert_eq!(d.scan(b"\x10x"), Scanned::Forward(b"\x10x".to_vec()));
        assert_eq!(d.scan(b"\x10"), Scanned::Forward(vec![]));
        // The held one goes on; the second Ctrl-P starts the sequence.
        assert_eq!(d.scan(b"\x10\x11"), Scanned::Detach(b"\x10".to_vec()));
    }
}
