//! Terminals and stdin on the real kernel, through the binary on a pty of our own (the way a
//! person at a terminal drives it): `run -it`, detach and `attach`, the window size, `-i`
//! without `-t`, `exec -it`, a killed client, and batch input. Needs root; skips with a line
//! unless DOCKERLINGS_REQUIRE_LINUX=1, where it fails instead.
use std::io::{Read, Write};
use std::os::fd::{AsFd, OwnedFd};
use std::os::unix::process::CommandExt;
use std::path::Path;
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

mod common_linux;
use common_linux::*;

const PROMPT: &str = "dockerlings[linux]> ";

fn bin() -> Command {
    Command::new(env!("CARGO_BIN_EXE_dockerlings"))
}

/// A temporary root when the kernel tests may run here.
fn scratch(test: &str) -> Option<tempfile::TempDir> {
    allowed(test).then(|| tempfile::tempdir().unwrap())
}

/// `dockerlings -c SCRIPT` with `input` on its stdin.
fn with_input(root: &Path, script: Option<&str>, input: &str) -> std::process::Output {
    let mut cmd = bin();
    cmd.args(["--backend", "linux", "--root"]).arg(root);
    if let Some(script) = script {
        cmd.args(["-c", script]);
    }
    let mut child = cmd
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let mut stdin = child.stdin.take().unwrap();
    stdin.write_all(input.as_bytes()).unwrap();
    drop(stdin);
    child.wait_with_output().unwrap()
}

/// The binary on a pty: we hold the master, as a terminal emulator does.
struct Term {
    master: std::fs::File,
    slave: OwnedFd,
    child: Child,
    seen: Vec<u8>,
}

use dockerlings::backend::linux::terminal::set_window_size as set_size;

impl Term {
    fn spawn(root: &Path, args: &[&str]) -> Term {
        let pty = nix::pty::openpty(None, None).unwrap();
        // Ours only: a child holding the master would never see the hang-up when we go.
        for fd in [&pty.master, &pty.slave] {
            let cloexec = nix::fcntl::FcntlArg::F_SETFD(nix::fcntl::FdFlag::FD_CLOEXEC);
            nix::fcntl::fcntl(fd, cloexec).unwrap();
        }
        set_size(&pty.master, 33, 111);
        let mut cmd = bin();
        cmd.args(["--backend", "linux", "--no-diagrams", "--root"])
            .arg(root)
            .args(args)
            .env("TERM", "xterm")
            .stdin(Stdio::from(pty.slave.try_clone().unwrap()))
            .stdout(Stdio::from(pty.slave.try_clone().unwrap()))
            .stderr(Stdio::from(pty.slave.try_clone().unwrap()));
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() < 0 || libc::ioctl(0, libc::TIOCSCTTY, 0) < 0 {
                    return Err(std::io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().unwrap();
        Term {
            master: std::fs::File::from(pty.master),
            slave: pty.slave,
            child,
            seen: Vec::new(),
        }
    }

    fn repl(root: &Path) -> Term {
        let mut t = Term::spawn(root, &[]);
        t.expect(PROMPT);
        t
    }

    fn send(&mut self, s: &str) {
        self.master.write_all(s.as_bytes()).unwrap();
    }

    /// Everything up to and including `pat`; panics with what was seen after 20 s.
    fn expect(&mut self, pat: &str) -> String {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            let text = String::from_utf8_lossy(&self.seen).into_owned();
            if let Some(i) = text.find(pat) {
                let upto = i + pat.len();
                self.seen = text.as_bytes()[upto..].to_vec();
                return text[..upto].to_string();
            }
            assert!(
                Instant::now() < deadline,
                "waited for {pat:?}, saw {text:?}"
            );
            let mut fds = [nix::poll::PollFd::new(
                self.master.as_fd(),
                nix::poll::PollFlags::POLLIN,
            )];
            let _ = nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(100u16));
            if fds[0].revents().is_some_and(|r| !r.is_empty()) {
                let mut buf = [0u8; 4096];
                match self.master.read(&mut buf) {
                    Ok(n) if n > 0 => self.seen.extend_from_slice(&buf[..n]),
                    _ => std::thread::sleep(Duration::from_millis(20)),
                }
            }
        }
    }

    /// A command at the REPL prompt; its output up to the next prompt.
    fn command(&mut self, line: &str) -> String {
        self.send(&format!("{line}\r"));
        self.expect(PROMPT)
    }

    fn exit_code(&mut self) -> Option<i32> {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            // Keep the pty drained so the child never blocks on output.
            let mut fds = [nix::poll::PollFd::new(
                self.master.as_fd(),
                nix::poll::PollFlags::POLLIN,
            )];
            if nix::poll::poll(&mut fds, nix::poll::PollTimeout::from(50u16)).unwrap_or(0) > 0 {
                let mut buf = [0u8; 4096];
                let _ = self.master.read(&mut buf);
            }
            if let Some(status) = self.child.try_wait().unwrap() {
                return status.code();
            }
            assert!(Instant::now() < deadline, "the client did not exit");
        }
    }

    /// The pty's line discipline settings are cooked again (echo and canonical input).
    fn cooked(&self) -> bool {
        use nix::sys::termios::LocalFlags;
        let t = nix::sys::termios::tcgetattr(self.slave.as_fd()).unwrap();
        t.local_flags
            .contains(LocalFlags::ECHO | LocalFlags::ICANON)
    }
}

/// A test that fails half-way leaves no client behind.
impl Drop for Term {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn status_of(root: &Path, name: &str) -> String {
    stdout(
        root,
        &format!("inspect --format {{{{.State.Status}}}} {name}"),
    )
    .trim()
    .to_string()
}

#[test]
fn linux_run_it_is_a_real_shell_and_returns_its_exit_code() {
    let Some(tmp) = scratch("linux_run_it_is_a_real_shell_and_returns_its_exit_code") else {
        return;
    };
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    let mut t = Term::repl(root);
    t.send("run -it --name sh1 busybox sh\r");
    t.expect("# ");
    // Typed by a person: the terminal echoes, the shell computes. (Outputs are awaited, not
    // prompts: busybox's line editor may draw its prompt twice.)
    t.send("echo $((6*7)); tty\r");
    t.expect("42\r\n");
    let tty = t.expect("\r\n");
    assert_eq!(tty, "/dev/console\r\n", "the pty is the console");
    t.send("exit 7\r");
    t.expect(PROMPT);
    let ps = t.command("ps -a --format '{{.Names}} {{.Status}}'");
    assert!(ps.contains("sh1 Exited (7)"), "{ps:?}");
    t.send("exit\r");
    assert_eq!(
        t.exit_code(),
        Some(0),
        "the REPL ends with its last command's status (ps)"
    );
    // `-c 'run -it …'` from a terminal: the process exit status is the shell's.
    let mut t = Term::spawn(root, &["-c", "run -it --rm busybox sh"]);
    t.expect("# ");
    t.send("exit 5\r");
    assert_eq!(t.exit_code(), Some(5));
    assert!(t.cooked(), "raw mode was not undone");
}

#[test]
fn linux_detach_keys_leave_it_running_and_attach_comes_back() {
    let Some(tmp) = scratch("linux_detach_keys_leave_it_running_and_attach_comes_back") else {
        return;
    };
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    let mut t = Term::repl(root);
    t.send("run -it --name d1 busybox sh\r");
    t.expect("# ");
    t.send("\x10\x11");
    t.expect(PROMPT);
    assert_eq!(status_of(root, "d1"), "running");
    let ps = t.command("ps --format '{{.Names}} {{.Status}}'");
    assert!(ps.contains("d1 Up"), "{ps:?}");
    // The detach keys were consumed: the shell never saw them.
    t.send("attach d1\r");
    // Time for the REPL to hand the terminal to the attach client (generous: CI is loaded).
    std::thread::sleep(Duration::from_millis(1000));
    t.send("echo back-$((1+1))\r");
    t.expect("back-2\r\n");
    t.send("exit 3\r");
    t.expect(PROMPT);
    assert_eq!(status_of(root, "d1"), "exited");
    let refused = dl(root, "attach d1");
    assert_eq!(refused.status.code(), Some(1));
    assert_eq!(
        String::from_utf8_lossy(&refused.stderr),
        "Error response from daemon: You cannot attach to a stopped container, start it first\n"
    );
    // start -ai: the same container, attached again.
    t.send("start -ai d1\r");
    t.expect("# ");
    t.send("exit 4\r");
    t.expect(PROMPT);
    assert_eq!(
        stdout(root, "inspect --format {{.State.ExitCode}} d1").trim(),
        "4"
    );
    t.send("exit\r");
    assert_eq!(t.exit_code(), Some(4), "start -ai's status is the shell's");
    // Raw mode was undone after each attach: had a detach left the terminal raw, the line
    // editor would have taken raw as the state to restore on its way out.
    assert!(t.cooked(), "the terminal was left in raw mode");
}

#[test]
fn linux_window_size_is_seen_inside_and_follows_changes() {
    let Some(tmp) = scratch("linux_window_size_is_seen_inside_and_follows_changes") else {
        return;
    };
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    let mut t = Term::repl(root);
    t.send("run -it --rm --name w1 busybox sh\r");
    t.expect("# ");
    t.send("stty size\r");
    t.expect("33 111\r\n");
    t.expect("# ");
    // A terminal emulator resizing: the kernel sends SIGWINCH to the client, which forwards.
    set_size(&t.master, 40, 120);
    // Time for the REPL to hand the terminal to the attach client (generous: CI is loaded).
    std::thread::sleep(Duration::from_millis(1000));
    t.send("stty size\r");
    t.expect("40 120\r\n");
    t.send("exit\r");
    t.expect(PROMPT);
}

#[test]
fn linux_run_i_without_t_streams_stdin() {
    let Some(tmp) = scratch("linux_run_i_without_t_streams_stdin") else {
        return;
    };
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    let run = |script: &str, input: &str| with_input(root, Some(script), input);
    let out = run("run -i --rm busybox cat", "hello\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "hello\n");
    assert_eq!(out.status.code(), Some(0));
    // End of input reaches the container (wc ends), stderr stays stderr, the code comes back.
    let out = run(
        "run -i --rm busybox sh -c 'wc -l; echo oops >&2; exit 4'",
        "a\nb\nc\n",
    );
    assert_eq!(String::from_utf8_lossy(&out.stdout), "3\n");
    assert_eq!(String::from_utf8_lossy(&out.stderr), "oops\n");
    assert_eq!(out.status.code(), Some(4));
    // Without -i the container's stdin is empty, whatever ours holds.
    let out = run("run --rm busybox cat", "ignored\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "");
    // exec -i streams too.
    assert!(
        dl(root, "run -d --name e1 busybox sleep 300")
            .status
            .success()
    );
    let out = run("exec -i e1 sh", "echo in-exec; exit 9\n");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "in-exec\n");
    assert_eq!(out.status.code(), Some(9));
}

#[test]
fn linux_exec_it_is_an_interactive_shell_on_its_own_pty() {
    let Some(tmp) = scratch("linux_exec_it_is_an_interactive_shell_on_its_own_pty") else {
        return;
    };
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    assert!(
        dl(root, "run -d --name x1 busybox sleep 300")
            .status
            .success()
    );
    let mut t = Term::spawn(root, &["-c", "exec -it x1 sh"]);
    t.expect("# ");
    t.send("tty; stty size\r");
    // A pty of the container's own devpts, sized like ours.
    t.expect("/dev/pts/0\r\n");
    t.expect("33 111\r\n");
    t.send("exit 4\r");
    assert_eq!(t.exit_code(), Some(4));
    assert!(t.cooked(), "raw mode was not undone");
    assert_eq!(status_of(root, "x1"), "running");
    // Batch `exec -t`: the output through a pty, line ends as a reader expects them.
    let out = dl(root, "exec -t x1 sh -c 'tty; echo done'");
    assert_eq!(String::from_utf8_lossy(&out.stdout), "/dev/pts/0\ndone\n");
}

#[test]
fn linux_killed_client_leaves_the_container_running_and_reattachable() {
    let Some(tmp) = scratch("linux_killed_client_leaves_the_container_running_and_reattachable")
    else {
        return;
    };
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    let mut t = Term::repl(root);
    t.send("run -it --name k1 busybox sh\r");
    t.expect("# ");
    t.send("echo marker > /tmp/m; echo wrote-$((1+1))\r");
    t.expect("wrote-2\r\n");
    t.child.kill().unwrap();
    t.child.wait().unwrap();
    assert_eq!(status_of(root, "k1"), "running");
    let mut t = Term::repl(root);
    t.send("attach k1\r");
    // Time for the REPL to hand the terminal to the attach client (generous: CI is loaded).
    std::thread::sleep(Duration::from_millis(1000));
    t.send("cat /tmp/m\r");
    t.expect("marker\r\n");
    t.send("exit 2\r");
    t.expect(PROMPT);
    assert_eq!(
        stdout(root, "inspect --format {{.State.ExitCode}} k1").trim(),
        "2"
    );
}

#[test]
fn linux_rm_f_of_an_attachable_container_leaves_nothing() {
    let Some(tmp) = scratch("linux_rm_f_of_an_attachable_container_leaves_nothing") else {
        return;
    };
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    assert!(dl(root, "run -dit --name r1 busybox sh").status.success());
    let id = stdout(root, "inspect --format {{.Id}} r1")
        .trim()
        .to_string();
    let sock = root.join("containers").join(&id).join("attach.sock");
    assert!(sock.exists(), "the monitor serves attach");
    assert_eq!(monitors_for(&id).len(), 1);
    assert!(dl(root, "rm -f r1").status.success());
    assert!(!sock.exists());
    assert_eq!(leftovers(root, &id), Vec::<String>::new());
}

#[test]
fn linux_batch_lines_after_run_it_are_typed_into_the_shell() {
    let Some(tmp) = scratch("linux_batch_lines_after_run_it_are_typed_into_the_shell") else {
        return;
    };
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    let script = "run -it --name b1 busybox sh\n\
                  echo one; echo two\n\
                  x=5\n\
                  echo \"x is $x\" # a comment\n\
                  false\n\
                  echo status $?\n\
                  exit 6\n\
                  inspect --format '{{.State.ExitCode}}' b1\n";
    let out = with_input(root, None, script);
    // No echo, no prompt: only what the commands printed.
    assert_eq!(
        String::from_utf8_lossy(&out.stdout),
        "one\ntwo\nx is 5\nstatus 1\n6\n"
    );
    assert_eq!(String::from_utf8_lossy(&out.stderr), "");
}

#[test]
fn linux_container_processes_do_not_inherit_an_ignored_sigpipe() {
    let Some(tmp) = scratch("linux_container_processes_do_not_inherit_an_ignored_sigpipe") else {
        return;
    };
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    // SigIgn is a mask of ignored signals: bit 12 is SIGPIPE (13).
    let sigpipe_ignored = |status: String| {
        let hex = status
            .trim()
            .trim_start_matches("SigIgn:")
            .trim()
            .to_string();
        let mask = u64::from_str_radix(&hex, 16).unwrap_or_else(|_| panic!("{status:?}"));
        mask & (1 << 12) != 0
    };
    let run = stdout(root, "run --rm busybox grep SigIgn /proc/self/status");
    assert!(!sigpipe_ignored(run));
    assert!(
        dl(root, "run -d --name p1 busybox sleep 300")
            .status
            .success()
    );
    let exec = stdout(root, "exec p1 grep SigIgn /proc/self/status");
    assert!(!sigpipe_ignored(exec));
}

#[test]
fn linux_a_shell_a_script_left_running_has_its_own_prompt_back() {
    let Some(tmp) = scratch("linux_a_shell_a_script_left_running_has_its_own_prompt_back") else {
        return;
    };
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    let out = with_input(root, None, "run -it --name keep busybox sh\ncd /tmp\n");
    assert!(out.status.success(), "{out:?}");
    assert_eq!(status_of(root, "keep"), "running");
    let mut t = Term::repl(root);
    t.send("attach keep\r");
    // Time for the REPL to hand the terminal to the attach client (generous: CI is loaded).
    std::thread::sleep(Duration::from_millis(1000));
    t.send("pwd; echo $((2+3))\r");
    t.expect("/tmp\r\n5\r\n");
    // The next prompt is the shell's own, not the script's sentinel.
    let prompt = t.expect("# ");
    assert!(!prompt.contains('\x1e'), "{prompt:?}");
    t.send("exit\r");
    t.expect(PROMPT);
}
