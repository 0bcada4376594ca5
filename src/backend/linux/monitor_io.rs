//! The monitor's I/O loop: copies the container's output (two pipes, or the pty master for
//! `-t`) into the json-file log, and serves attach clients on `attach.sock` — their input goes
//! to the pty or the stdin pipe, the output goes to every client attached at that moment.
use std::io::{Read, Write};
use std::os::fd::{AsFd, AsRawFd, OwnedFd};
use std::os::unix::net::{UnixListener, UnixStream};
use std::path::Path;
use std::time::Duration;

use nix::poll::{PollFd, PollFlags, PollTimeout, poll};

use super::frame::{Decoder, Frame};
use super::records;

/// Output kept for the first client while none has attached yet (bounded).
const BACKLOG_LIMIT: usize = 64 * 1024;

/// Where the container's output comes from and its input goes to.
pub enum Stdio {
    /// `-t`: one pty master for both directions (output is "stdout", as Docker logs it);
    /// typed input reaches it only with `-i`, as with Docker (`-t` alone: output only).
    Tty { master: OwnedFd, stdin_open: bool },
    /// Pipes; `stdin` is the write end of the container's stdin pipe with `-i`.
    Pipes {
        stdout: OwnedFd,
        stderr: OwnedFd,
        stdin: Option<OwnedFd>,
    },
}

struct Output {
    file: std::fs::File,
    stderr: bool,
    pending_line: Vec<u8>,
}

struct Client {
    stream: UnixStream,
    decoder: Decoder,
}

pub struct Serve {
    listener: Option<UnixListener>,
    clients: Vec<Client>,
    outputs: Vec<Output>,
    /// The pty master (tty) or the stdin pipe; None once closed or when there is no input.
    input: Option<std::fs::File>,
    tty: bool,
    /// Whether clients' input is delivered (`-i`).
    stdin_open: bool,
    queued_input: Vec<u8>,
    /// Until the first client attaches, output is kept for it: `run -it` connects just after
    /// the process started, and Docker's client attaches before the start, so it sees the
    /// first prompt. Later clients see only what comes after they attach, as with Docker.
    /// (Departure: the first `attach` to a `run -dit` container also gets this start, up to
    /// the limit, where Docker shows nothing until the next output: the prompt is friendlier.)
    backlog: Option<Vec<Frame>>,
    backlog_bytes: usize,
    log: Option<std::fs::File>,
}

fn set_nonblocking(fd: &impl AsRawFd) {
    // SAFETY: fcntl on an fd we own.
    unsafe {
        let flags = libc::fcntl(fd.as_raw_fd(), libc::F_GETFL);
        if flags >= 0 {
            libc::fcntl(fd.as_raw_fd(), libc::F_SETFL, flags | libc::O_NONBLOCK);
        }
    }
}

impl Serve {
    pub fn new(stdio: Stdio, listener: Option<UnixListener>, log_path: &Path) -> Serve {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(log_path)
            .ok();
        let output = |fd: OwnedFd, stderr| Output {
            file: std::fs::File::from(fd),
            stderr,
            pending_line: Vec::new(),
        };
        let (outputs, input, tty, stdin_open) = match stdio {
            Stdio::Tty { master, stdin_open } => {
                let input = master.try_clone().ok().map(std::fs::File::from);
                (vec![output(master, false)], input, true, stdin_open)
            }
            Stdio::Pipes {
                stdout,
                stderr,
                stdin,
            } => (
                vec![output(stdout, false), output(stderr, true)],
                stdin.map(std::fs::File::from),
                false,
                true,
            ),
        };
        if let Some(i) = &input {
            set_nonblocking(i);
        }
        if let Some(l) = &listener {
            let _ = l.set_nonblocking(true);
        }
        Serve {
            backlog: listener.as_ref().map(|_| Vec::new()),
            backlog_bytes: 0,
            listener,
            clients: Vec::new(),
            outputs,
            input,
            tty,
            stdin_open,
            queued_input: Vec::new(),
            log,
        }
    }

    /// Runs until the container's output is closed (its last process has ended).
    pub fn run_until_output_closed(&mut self) {
        while !self.outputs.is_empty() {
            let (n_out, n_cl) = (self.outputs.len(), self.clients.len());
            let revents: Vec<bool> = {
                let mut fds: Vec<PollFd> = Vec::new();
                for o in &self.outputs {
                    fds.push(PollFd::new(o.file.as_fd(), PollFlags::POLLIN));
                }
                for c in &self.clients {
                    fds.push(PollFd::new(c.stream.as_fd(), PollFlags::POLLIN));
                }
                if let Some(l) = &self.listener {
                    fds.push(PollFd::new(l.as_fd(), PollFlags::POLLIN));
                }
                if let (Some(i), false) = (&self.input, self.queued_input.is_empty()) {
                    fds.push(PollFd::new(i.as_fd(), PollFlags::POLLOUT));
                }
                if poll(&mut fds, PollTimeout::NONE).is_err() {
                    continue;
                }
                fds.iter()
                    .map(|f| f.revents().is_some_and(|r| !r.is_empty()))
                    .collect()
            };
            let listener_ready = self.listener.is_some() && revents[n_out + n_cl];
            let input_at = n_out + n_cl + usize::from(self.listener.is_some());
            let input_ready = revents.get(input_at).copied().unwrap_or(false);
            // Clients first, from the last: reading one may drop it (only it), while output
            // may drop any client a write fails on, which would shift the indices polled.
            for i in (0..n_cl).rev() {
                if revents[n_out + i] {
                    self.read_client(i);
                }
            }
            for i in (0..n_out).rev() {
                if revents[i] {
                    self.read_output(i);
                }
            }
            if listener_ready {
                self.accept();
            }
            if input_ready {
                self.flush_input();
            }
        }
    }

    /// Tells the clients still attached how the process ended; they are closed after.
    pub fn announce_exit(&mut self, code: i32) {
        self.listener = None;
        let bytes = Frame::Exit(code).encode();
        for c in &mut self.clients {
            let _ = c.stream.write_all(&bytes);
        }
        self.clients.clear();
    }

    fn accept(&mut self) {
        let Some(l) = &self.listener else { return };
        while let Ok((stream, _)) = l.accept() {
            let _ = stream.set_nonblocking(false);
            // A client that stops reading must not stall the container: it is dropped.
            let _ = stream.set_write_timeout(Some(Duration::from_secs(2)));
            let mut client = Client {
                stream,
                decoder: Decoder::default(),
            };
            if let Some(backlog) = self.backlog.take() {
                let bytes: Vec<u8> = backlog.iter().flat_map(Frame::encode).collect();
                if client.stream.write_all(&bytes).is_err() {
                    continue;
                }
            }
            self.clients.push(client);
        }
    }

    fn read_output(&mut self, i: usize) {
        let mut buf = [0u8; 8192];
        // A pty master reads EIO once the last slave is closed: that is its end of file.
        let n = match self.outputs[i].file.read(&mut buf) {
            Ok(0) | Err(_) => {
                let o = self.outputs.remove(i);
                if !o.pending_line.is_empty() {
                    self.log_line(o.stderr, &o.pending_line);
                }
                if self.tty {
                    self.input = None;
                }
                return;
            }
            Ok(n) => n,
        };
        let bytes = &buf[..n];
        let stderr = self.outputs[i].stderr;
        let frame = if stderr {
            Frame::Stderr(bytes.to_vec())
        } else {
            Frame::Stdout(bytes.to_vec())
        };
        self.broadcast(frame);
        self.outputs[i].pending_line.extend_from_slice(bytes);
        while let Some(nl) = self.outputs[i]
            .pending_line
            .iter()
            .position(|b| *b == b'\n')
        {
            let line: Vec<u8> = self.outputs[i].pending_line.drain(..=nl).collect();
            self.log_line(stderr, &line);
        }
    }

    fn broadcast(&mut self, frame: Frame) {
        if let Some(backlog) = &mut self.backlog {
            let (Frame::Stdout(b) | Frame::Stderr(b)) = &frame else {
                return;
            };
            if self.backlog_bytes + b.len() <= BACKLOG_LIMIT {
                self.backlog_bytes += b.len();
                backlog.push(frame);
            }
            return;
        }
        let bytes = frame.encode();
        self.clients
            .retain_mut(|c| c.stream.write_all(&bytes).is_ok());
    }

    fn read_client(&mut self, i: usize) {
        let mut buf = [0u8; 8192];
        let n = match self.clients[i].stream.read(&mut buf) {
            // Closed: the client detached (or was killed); the container runs on.
            Ok(0) | Err(_) => {
                self.clients.remove(i);
                return;
            }
            Ok(n) => n,
        };
        self.clients[i].decoder.push(&buf[..n]);
        loop {
            match self.clients[i].decoder.next_frame() {
                Ok(Some(frame)) => self.apply(frame),
                Ok(None) => break,
                Err(_) => {
                    self.clients.remove(i);
                    return;
                }
            }
        }
    }

    fn apply(&mut self, frame: Frame) {
        match frame {
            Frame::Input(bytes) if self.stdin_open => {
                self.queued_input.extend_from_slice(&bytes);
                self.flush_input();
            }
            Frame::CloseInput if !self.tty => {
                self.flush_input();
                self.input = None;
            }
            Frame::Resize { rows, cols } if self.tty => {
                if let Some(master) = &self.input {
                    super::terminal::set_window_size(master, rows, cols);
                }
            }
            Frame::Echo(on) if self.tty => {
                if let Some(master) = &self.input {
                    set_echo(master, on);
                }
            }
            _ => {}
        }
    }

    fn flush_input(&mut self) {
        let Some(input) = &mut self.input else {
            self.queued_input.clear();
            return;
        };
        while !self.queued_input.is_empty() {
            match input.write(&self.queued_input) {
                Ok(n) => {
                    self.queued_input.drain(..n);
                }
                Err(e) if e.kind() == std::io::ErrorKind::WouldBlock => return,
                Err(_) => {
                    self.queued_input.clear();
                    self.input = None;
                    return;
                }
            }
        }
    }

    fn log_line(&mut self, stderr: bool, line: &[u8]) {
        if let Some(f) = &mut self.log {
            let stream = if stderr { "stderr" } else { "stdout" };
            let text = String::from_utf8_lossy(line);
            let _ = f.write_all(records::log_line(stream, &text, chrono::Utc::now()).as_bytes());
        }
    }
}

/// ECHO on or off on the pty (the master shares the slave's termios).
pub fn set_echo(fd: &impl AsFd, on: bool) {
    use nix::sys::termios::{LocalFlags, SetArg, tcgetattr, tcsetattr};
    if let Ok(mut t) = tcgetattr(fd) {
        t.local_flags.set(LocalFlags::ECHO, on);
        let _ = tcsetattr(fd, SetArg::TCSANOW, &t);
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::backend::linux::attach::AttachConn;
    use crate::backend::linux::monitor::ATTACH_SOCKET;

    /// No kernel privileges needed: pipes stand in for the container, a socket in a temp dir.
    #[test]
    fn output_reaches_log_and_client_input_reaches_stdin_then_the_exit_code() {
        let dir = tempfile::tempdir().unwrap();
        let (out_r, out_w) = nix::unistd::pipe().unwrap();
        let (err_r, err_w) = nix::unistd::pipe().unwrap();
        let (in_r, in_w) = nix::unistd::pipe().unwrap();
        let listener = UnixListener::bind(dir.path().join(ATTACH_SOCKET)).unwrap();
        let log = dir.path().join("ctr-json.log");
        let stdio = Stdio::Pipes {
            stdout: out_r,
            stderr: err_r,
            stdin: Some(in_w),
        };
        let mut serve = Serve::new(stdio, Some(listener), &log);
        // Printed before anyone attached: kept for the first client.
        let mut out_w = std::fs::File::from(out_w);
        out_w.write_all(b"early\n").unwrap();
        let monitor = std::thread::spawn(move || {
            serve.run_until_output_closed();
            serve.announce_exit(3);
        });
        let mut conn = AttachConn::connect(dir.path()).unwrap();
        assert_eq!(
            conn.recv().unwrap(),
            Some(Frame::Stdout(b"early\n".to_vec()))
        );
        conn.send(&Frame::Input(b"typed\n".to_vec())).unwrap();
        conn.send(&Frame::CloseInput).unwrap();
        let mut typed = String::new();
        std::fs::File::from(in_r)
            .read_to_string(&mut typed)
            .unwrap();
        assert_eq!(typed, "typed\n", "input, then end of input");
        std::fs::File::from(err_w).write_all(b"oops\n").unwrap();
        assert_eq!(
            conn.recv().unwrap(),
            Some(Frame::Stderr(b"oops\n".to_vec()))
        );
        drop(out_w);
        assert_eq!(conn.recv().unwrap(), Some(Frame::Exit(3)));
        assert_eq!(conn.recv().unwrap(), None);
        monitor.join().unwrap();
        let log = std::fs::read_to_string(&log).unwrap();
        let streams: Vec<(String, String)> = log
            .lines()
            .map(|l| {
                let v: serde_json::Value = serde_json::from_str(l).unwrap();
                (v["stream"].to_string(), v["log"].to_string())
            })
            .collect();
        assert_eq!(
            streams,
            [
                (r#""stdout""#.to_string(), r#""early\n""#.to_string()),
                (r#""stderr""#.to_string(), r#""oops\n""#.to_string())
            ]
        );
    }

    #[test]
    fn a_client_that_goes_away_does_not_stop_the_container() {
        let dir = tempfile::tempdir().unwrap();
        let (out_r, out_w) = nix::unistd::pipe().unwrap();
        let (err_r, err_w) = nix::unistd::pipe().unwrap();
        let listener = UnixListener::bind(dir.path().join(ATTACH_SOCKET)).unwrap();
        let stdio = Stdio::Pipes {
            stdout: out_r,
            stderr: err_r,
            stdin: None,
        };
        let mut serve = Serve::new(stdio, Some(listener), &dir.path().join("log"));
        let monitor = std::thread::spawn(move || {
            serve.run_until_output_closed();
            serve.announce_exit(0);
        });
        drop(AttachConn::connect(dir.path()).unwrap());
        let mut out_w = std::fs::File::from(out_w);
        out_w.write_all(b"after the first client left\n").unwrap();
        let mut second = AttachConn::connect(dir.path()).unwrap();
        // Output written before the monitor accepted the second client is not its to see:
        // keep writing until some reaches it (no fixed sleep, which a loaded machine outlasts).
        let seen = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let writer = {
            let seen = seen.clone();
            std::thread::spawn(move || {
                while !seen.load(std::sync::atomic::Ordering::SeqCst) {
                    out_w.write_all(b"seen\n").unwrap();
                    std::thread::sleep(std::time::Duration::from_millis(20));
                }
                out_w
            })
        };
        loop {
            match second.recv().unwrap() {
                Some(Frame::Stdout(bytes)) if bytes.starts_with(b"seen\n") => break,
                Some(Frame::Stdout(_)) => continue,
                other => panic!("expected output, got {other:?}"),
            }
        }
        seen.store(true, std::sync::atomic::Ordering::SeqCst);
        let out_w = writer.join().unwrap();
        drop((out_w, err_w));
        // What was written meanwhile may still come; then the exit.
        loop {
            match second.recv().unwrap() {
                Some(Frame::Stdout(_)) => continue,
                other => {
                    assert_eq!(other, Some(Frame::Exit(0)));
                    break;
                }
            }
        }
        monitor.join().unwrap();
    }
}
