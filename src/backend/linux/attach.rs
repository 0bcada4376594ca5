//! The client end of `attach.sock`: a live session on the user's terminal (or stdin/stdout
//! streams), and the line-at-a-time shell that batch scripts and transcripts type into.
use std::io::{Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net::UnixStream;
use std::path::{Path, PathBuf};

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::frame::{Decoder, Frame, FrameError};
use super::monitor::{ATTACH_SOCKET, with_socket_path};
use super::terminal::{self, DetachKeys, RawMode, Scanned};
use crate::backend::AttachEnd;

#[derive(Debug, thiserror::Error)]
pub enum AttachError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Frame(#[from] FrameError),
}

pub struct AttachConn {
    stream: UnixStream,
    decoder: Decoder,
    path: PathBuf,
}

/// Shown by the shell when it is ready for the next line: PS1 and PS2 are set to it for a
/// batch client (see `BatchShell`). The record-separator bytes never occur in normal output.
const READY: &str = "\x1edockerlings-ready\x1e";
/// Typed once before the first line: `$(printf …)` keeps the separators out of the typed text.
/// The shell's own prompts are kept aside and come back when the script is done with it.
const SETUP: &str = "DOCKERLINGS_PS1=\"$PS1\" DOCKERLINGS_PS2=\"$PS2\"; \
     PS1=\"$(printf '\\036')dockerlings-ready$(printf '\\036')\"; PS2=\"$PS1\"\n";
/// Typed when the script leaves a shell that still runs, so a later `attach` from a terminal
/// finds the shell as it was (prompt and echo).
const RESTORE: &str = "PS1=\"$DOCKERLINGS_PS1\" PS2=\"$DOCKERLINGS_PS2\"; \
     unset DOCKERLINGS_PS1 DOCKERLINGS_PS2\n";
/// Without a tty the shell prints no prompt: this line after each input reports readiness.
const SENTINEL_CMD: &str = "printf '\\036dockerlings-ready\\036'\n";

impl AttachConn {
    pub fn connect(container_dir: &Path) -> Result<AttachConn, AttachError> {
        let path = container_dir.join(ATTACH_SOCKET);
        let stream =
            with_socket_path(container_dir, |p| UnixStream::connect(p)).map_err(|source| {
                AttachError::Io {
                    path: path.clone(),
                    source,
                }
            })?;
        Ok(AttachConn {
            stream,
            decoder: Decoder::default(),
            path,
        })
    }

    fn io(&self, source: std::io::Error) -> AttachError {
        AttachError::Io {
            path: self.path.clone(),
            source,
        }
    }

    pub fn send(&mut self, frame: &Frame) -> Result<(), AttachError> {
        self.stream
            .write_all(&frame.encode())
            .map_err(|e| self.io(e))
    }

    /// The next frame from the monitor; None when it closed the connection.
    pub fn recv(&mut self) -> Result<Option<Frame>, AttachError> {
        loop {
            if let Some(f) = self.decoder.next_frame()? {
                return Ok(Some(f));
            }
            let mut buf = [0u8; 8192];
            let n = self.stream.read(&mut buf).map_err(|e| self.io(e))?;
            if n == 0 {
                return Ok(None);
            }
            self.decoder.push(&buf[..n]);
        }
    }

    /// Copies this process's stdin to the container and its output to our stdout/stderr until
    /// the process ends, the user detaches (Ctrl-P Ctrl-Q, on a terminal) or the monitor goes.
    /// On a terminal with `tty`: raw mode, the window size now and on every SIGWINCH.
    pub fn interactive(&mut self, tty: bool) -> Result<AttachEnd, AttachError> {
        let stdin = std::io::stdin();
        let on_terminal = nix::unistd::isatty(stdin.as_fd()).unwrap_or(false);
        let _terminal = if on_terminal && tty {
            // Echo may have been turned off by a batch client before.
            self.send(&Frame::Echo(true))?;
            let watch = terminal::watch_window_changes();
            if let Some((rows, cols)) = terminal::window_size(stdin.as_fd()) {
                self.send(&Frame::Resize { rows, cols })?;
            }
            let raw = RawMode::enter(stdin.as_fd()).map_err(|e| self.io(e.into()))?;
            Some((raw, watch))
        } else {
            None
        };
        let mut keys = on_terminal.then(DetachKeys::default);
        let mut stdin_open = true;
        loop {
            while let Some(f) = self.buffered()? {
                if let Some(end) = self.show(f) {
                    return Ok(end);
                }
            }
            if tty
                && on_terminal
                && terminal::window_changed()
                && let Some((rows, cols)) = terminal::window_size(stdin.as_fd())
            {
                self.send(&Frame::Resize { rows, cols })?;
            }
            let (stdin_ready, sock_ready) = {
                let mut fds = vec![PollFd::new(self.stream.as_fd(), PollFlags::POLLIN)];
                if stdin_open {
                    fds.push(PollFd::new(stdin.as_fd(), PollFlags::POLLIN));
                }
                match poll(&mut fds, PollTimeout::NONE) {
                    Ok(_) => {}
                    Err(nix::errno::Errno::EINTR) => continue,
                    Err(e) => return Err(self.io(e.into())),
                }
                let ready = |f: &PollFd| f.revents().is_some_and(|r| !r.is_empty());
                (fds.get(1).is_some_and(ready), ready(&fds[0]))
            };
            if stdin_ready {
                let mut buf = [0u8; 4096];
                // SAFETY: read(2) into our buffer from fd 0, unbuffered (std's stdin buffers).
                let n = unsafe { libc::read(0, buf.as_mut_ptr().cast(), buf.len()) };
                if n <= 0 {
                    stdin_open = false;
                    self.send(&Frame::CloseInput)?;
                } else {
                    let bytes = &buf[..n as usize];
                    let scanned = match &mut keys {
                        Some(k) => k.scan(bytes),
                        None => Scanned::Forward(bytes.to_vec()),
                    };
                    match scanned {
                        Scanned::Forward(b) if !b.is_empty() => self.send(&Frame::Input(b))?,
                        Scanned::Forward(_) => {}
                        Scanned::Detach(b) => {
                            if !b.is_empty() {
                                self.send(&Frame::Input(b))?;
                            }
                            return Ok(AttachEnd::Detached);
                        }
                    }
                }
            }
            if sock_ready {
                match self.recv()? {
                    Some(f) => {
                        if let Some(end) = self.show(f) {
                            return Ok(end);
                        }
                    }
                    None => return Ok(AttachEnd::Lost),
                }
            }
        }
    }

    fn buffered(&mut self) -> Result<Option<Frame>, AttachError> {
        Ok(self.decoder.next_frame()?)
    }

    fn show(&self, frame: Frame) -> Option<AttachEnd> {
        match frame {
            Frame::Stdout(b) => {
                let mut o = std::io::stdout().lock();
                let _ = o.write_all(&b);
                let _ = o.flush();
            }
            Frame::Stderr(b) => {
                let mut e = std::io::stderr().lock();
                let _ = e.write_all(&b);
                let _ = e.flush();
            }
            Frame::Exit(code) => return Some(AttachEnd::Exited(code)),
            _ => {}
        }
        None
    }
}

/// What one typed line produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LineOutput {
    pub stdout: String,
    pub stderr: String,
    /// None: the shell is ready for the next line.
    pub end: Option<AttachEnd>,
}

/// A container shell driven a line at a time (batch scripts, transcripts): the output of a
/// line is everything until the shell is ready again.
///
/// Readiness: with a tty the shell's own prompt says it, so PS1 and PS2 are set once to a
/// sentinel (`READY`) and echo is turned off on the pty — the output is then exactly what
/// the commands printed, with no echo or prompt to strip by guesswork, whatever the shell's
/// prompt was. A sentinel prompt, rather than `cmd; printf SENTINEL`, keeps the typed line
/// untouched (a `#` comment or an unclosed quote cannot swallow the sentinel) and keeps `$?`.
/// Without a tty a shell prints no prompt, so a `printf` of the sentinel follows each line.
pub struct BatchShell {
    conn: AttachConn,
    tty: bool,
    ready: bool,
}

impl BatchShell {
    pub fn new(conn: AttachConn, tty: bool) -> BatchShell {
        BatchShell {
            conn,
            tty,
            ready: false,
        }
    }

    pub fn line(&mut self, line: &str) -> Result<LineOutput, AttachError> {
        if !self.ready && self.tty {
            self.conn.send(&Frame::Echo(false))?;
            self.conn.send(&Frame::Input(SETUP.as_bytes().to_vec()))?;
            let setup = self.collect()?;
            if setup.end.is_some() {
                return Ok(setup);
            }
        }
        self.ready = true;
        let mut input = format!("{line}\n");
        if !self.tty {
            input.push_str(SENTINEL_CMD);
        }
        self.conn.send(&Frame::Input(input.into_bytes()))?;
        let mut out = self.collect()?;
        // A shell that has ended has no prompt to restore.
        self.ready = out.end.is_none();
        if self.tty {
            out.stdout = strip_echo(&out.stdout.replace("\r\n", "\n"), line);
        }
        Ok(out)
    }

    /// Output until the sentinel or the exit.
    fn collect(&mut self) -> Result<LineOutput, AttachError> {
        let (mut stdout, mut stderr) = (Vec::new(), Vec::new());
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        loop {
            match self.conn.recv()? {
                Some(Frame::Stdout(b)) => stdout.extend_from_slice(&b),
                Some(Frame::Stderr(b)) => stderr.extend_from_slice(&b),
                Some(Frame::Exit(code)) => {
                    return Ok(LineOutput {
                        stdout: text(&stdout),
                        stderr: text(&stderr),
                        end: Some(AttachEnd::Exited(code)),
                    });
                }
                Some(_) => {}
                // The monitor went away without a word: the caller reads the exit record.
                None => {
                    return Ok(LineOutput {
                        stdout: text(&stdout),
                        stderr: text(&stderr),
                        end: Some(AttachEnd::Lost),
                    });
                }
            }
            let s = text(&stdout);
            if let Some(at) = s.find(READY) {
                return Ok(LineOutput {
                    stdout: s[..at].to_string(),
                    stderr: text(&stderr),
                    end: None,
                });
            }
        }
    }
}

impl Drop for BatchShell {
    fn drop(&mut self) {
        if self.ready && self.tty {
            let _ = self.conn.send(&Frame::Input(RESTORE.as_bytes().to_vec()));
            let _ = self.conn.send(&Frame::Echo(true));
        }
    }
}

/// A shell with its own line editor (busybox ash) echoes even with the pty's echo off: drop
/// the typed line if it leads the output.
fn strip_echo(out: &str, line: &str) -> String {
    out.strip_prefix(&format!("{line}\n"))
        .unwrap_or(out)
        .to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn echo_is_stripped_only_when_present() {
        assert_eq!(strip_echo("ls\nbin\n", "ls"), "bin\n");
        assert_eq!(strip_echo("bin\n", "ls"), "bin\n");
    }

    #[test]
    fn the_typed_setup_does_not_contain_the_sentinel() {
        assert!(!SETUP.contains(READY));
        assert!(!SENTINEL_CMD.contains(READY));
    }
}

#[cfg(test)]
mod shell_tests {
    use super::*;

    /// A fake monitor on a socket pair: answers each input frame with canned output.
    fn fake(replies: Vec<Vec<Frame>>) -> (BatchShell, std::thread::JoinHandle<Vec<Frame>>) {
        let (ours, theirs) = UnixStream::pair().unwrap();
        let monitor = std::thread::spawn(move || {
            let mut conn = AttachConn {
                stream: theirs,
                decoder: Decoder::default(),
                path: PathBuf::from("fake"),
            };
            let mut got = Vec::new();
            let mut replies = replies.into_iter();
            while let Ok(Some(f)) = conn.recv() {
                let is_input = matches!(f, Frame::Input(_));
                got.push(f);
                if is_input {
                    for r in replies.next().unwrap_or_default() {
                        conn.send(&r).unwrap();
                    }
                }
            }
            got
        });
        let conn = AttachConn {
            stream: ours,
            decoder: Decoder::default(),
            path: PathBuf::from("fake"),
        };
        (BatchShell::new(conn, true), monitor)
    }

    #[test]
    fn tty_lines_are_cut_at_the_ready_prompt_and_the_exit_is_seen() {
        let ready = Frame::Stdout(READY.as_bytes().to_vec());
        let (mut shell, monitor) = fake(vec![
            // The setup line: whatever came before (the old prompt) is dropped.
            vec![Frame::Stdout(b"/ # ".to_vec()), ready.clone()],
            // Output may arrive in pieces, the prompt split across them.
            vec![
                Frame::Stdout(b"one\r\ntw".to_vec()),
                Frame::Stdout(format!("o\r\n{}", &READY[..5]).into_bytes()),
                Frame::Stdout(READY.as_bytes()[5..].to_vec()),
            ],
            vec![Frame::Exit(4)],
        ]);
        let first = shell.line("echo one; echo two").unwrap();
        assert_eq!(first.stdout, "one\ntwo\n");
        assert_eq!(first.end, None);
        let last = shell.line("exit 4").unwrap();
        assert_eq!(last.end, Some(AttachEnd::Exited(4)));
        drop(shell);
        let sent = monitor.join().unwrap();
        assert_eq!(
            sent[0],
            Frame::Echo(false),
            "echo off before anything is typed"
        );
        assert_eq!(sent[1], Frame::Input(SETUP.as_bytes().to_vec()));
        assert_eq!(sent[2], Frame::Input(b"echo one; echo two\n".to_vec()));
        assert_eq!(
            sent.len(),
            4,
            "nothing to restore in an ended shell: {sent:?}"
        );
    }

    #[test]
    fn a_shell_left_running_gets_its_prompt_and_echo_back() {
        let ready = Frame::Stdout(READY.as_bytes().to_vec());
        let (mut shell, monitor) = fake(vec![vec![ready.clone()], vec![ready]]);
        assert_eq!(shell.line("cd /tmp").unwrap().end, None);
        drop(shell);
        let sent = monitor.join().unwrap();
        assert_eq!(sent[3], Frame::Input(RESTORE.as_bytes().to_vec()));
        assert_eq!(sent[4], Frame::Echo(true));
    }
}
