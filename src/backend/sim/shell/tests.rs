//! Behaviour tests of the whole interpreter against a fake `Sys`.
use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Duration, TimeZone, Utc};

use super::builtins::resolve_path;
use super::*;
use crate::backend::sim::sys::{ProgramResult, Sys};

struct FakeSys {
    files: BTreeMap<String, Vec<u8>>,
    dirs: BTreeSet<String>,
    programs: BTreeSet<String>,
}

impl FakeSys {
    fn busybox() -> FakeSys {
        let programs = ["sh", "sleep", "echo", "cat", "ls", "wc", "true"]
            .iter()
            .map(|p| p.to_string())
            .collect();
        let dirs = ["/", "/tmp", "/root", "/etc", "/bin"]
            .iter()
            .map(|d| d.to_string())
            .collect();
        FakeSys {
            files: BTreeMap::new(),
            dirs,
            programs,
        }
    }

    fn ubuntu() -> FakeSys {
        let mut sys = FakeSys::busybox();
        sys.programs.insert("bash".into());
        sys
    }

    fn file(&self, path: &str) -> String {
        String::from_utf8_lossy(&self.files[path]).into_owned()
    }
}

impl Sys for FakeSys {
    fn read_file(&mut self, cwd: &str, path: &str) -> Result<Vec<u8>, String> {
        let path = resolve_path(cwd, path);
        self.files
            .get(&path)
            .cloned()
            .ok_or_else(|| "No such file or directory".to_string())
    }

    fn write_file(
        &mut self,
        cwd: &str,
        path: &str,
        data: &[u8],
        append: bool,
    ) -> Result<(), String> {
        let path = resolve_path(cwd, path);
        let parent = resolve_path(&path, "..");
        if !self.dirs.contains(&parent) {
            return Err("nonexistent directory".into());
        }
        let entry = self.files.entry(path).or_default();
        if !append {
            entry.clear();
        }
        entry.extend_from_slice(data);
        Ok(())
    }

    fn is_dir(&mut self, cwd: &str, path: &str) -> bool {
        self.dirs.contains(&resolve_path(cwd, path))
    }

    fn find_program(&mut self, name: &str, _path_env: &str, _cwd: &str) -> Option<String> {
        let base = name.rsplit('/').next().unwrap_or(name);
        self.programs.contains(base).then(|| format!("/bin/{base}"))
    }

    fn run_program(
        &mut self,
        program_path: &str,
        args: &[String],
        _env: &BTreeMap<String, String>,
        cwd: &str,
        stdin: &str,
    ) -> ProgramResult {
        let mut result = ProgramResult::default();
        match program_path {
            "/bin/cat" if args.is_empty() => result.stdout = stdin.to_string(),
            "/bin/cat" => {
                for arg in args {
                    match self.read_file(cwd, arg) {
                        Ok(data) => result.stdout.push_str(&String::from_utf8_lossy(&data)),
                        Err(e) => {
                            result.stderr = format!("cat: can't open '{arg}': {e}\n");
                            result.code = 1;
                        }
                    }
                }
            }
            "/bin/wc" => result.stdout = format!("{}\n", stdin.lines().count()),
            "/bin/ls" => {
                let dir = resolve_path(cwd, args.first().map(String::as_str).unwrap_or("."));
                let prefix = if dir == "/" {
                    "/".to_string()
                } else {
                    format!("{dir}/")
                };
                for path in self.files.keys().chain(self.dirs.iter()) {
                    if let Some(name) = path.strip_prefix(&prefix)
                        && !name.is_empty()
                        && !name.contains('/')
                    {
                        result.stdout.push_str(&format!("{name}\n"));
                    }
                }
            }
            _ => {}
        }
        result
    }

    fn hostname(&self) -> String {
        "abc123".into()
    }
}

fn t0() -> DateTime<Utc> {
    Utc.with_ymd_and_hms(2025, 1, 1, 0, 0, 0).unwrap()
}

fn secs(s: i64) -> DateTime<Utc> {
    t0() + Duration::seconds(s)
}

fn argv(v: &[&str]) -> Vec<String> {
    v.iter().map(|s| s.to_string()).collect()
}

fn spawn(v: &[&str]) -> SimProcess {
    SimProcess::spawn(&argv(v), vec![], "/", false, t0(), None).unwrap()
}

fn sh(script: &str) -> SimProcess {
    spawn(&["sh", "-c", script])
}

/// Runs to the end (up to a day of simulated time) on a busybox fake.
fn run(script: &str) -> (String, String, ProcState) {
    let mut sys = FakeSys::busybox();
    let adv = sh(script).advance(&mut sys, secs(86_400));
    (
        adv.text(Stream::Stdout),
        adv.text(Stream::Stderr),
        adv.state,
    )
}

fn exited(code: i32, secs_after: i64) -> ProcState {
    ProcState::Exited {
        code,
        at: secs(secs_after),
        oom_killed: false,
    }
}

#[test]
fn lifecycle_trap_script_handles_term_after_current_sleep() {
    let mut sys = FakeSys::busybox();
    let mut p = sh(r#"trap "echo got TERM; exit 0" TERM; while :; do sleep 1; done"#);
    let adv = p.advance(&mut sys, secs(5));
    assert_eq!(
        adv.state,
        ProcState::Running {
            wake_at: Some(secs(6))
        }
    );
    assert!(adv.output.is_empty());
    assert_eq!(
        p.signal(15, secs(5) + Duration::milliseconds(300)),
        SignalOutcome::Handled
    );
    let adv = p.advance(&mut sys, secs(15));
    assert_eq!(adv.text(Stream::Stdout), "got TERM\n");
    assert_eq!(adv.output[0].at, secs(6));
    assert_eq!(adv.state, exited(0, 6));
}

#[test]
fn sleep_as_pid1_ignores_term_and_dies_on_kill() {
    let mut sys = FakeSys::busybox();
    let mut p = spawn(&["sleep", "100000"]);
    let adv = p.advance(&mut sys, secs(1));
    assert_eq!(
        adv.state,
        ProcState::Running {
            wake_at: Some(secs(100_000))
        }
    );
    assert_eq!(p.signal(15, secs(1)), SignalOutcome::Ignored);
    assert!(matches!(
        p.advance(&mut sys, secs(11)).state,
        ProcState::Running { .. }
    ));
    assert_eq!(p.signal(9, secs(11)), SignalOutcome::Killed { code: 137 });
    assert_eq!(p.advance(&mut sys, secs(12)).state, exited(137, 11));
    assert_eq!(p.resident_bytes(), 0);
}

#[test]
fn term_kills_a_process_that_is_not_pid1() {
    let mut sys = FakeSys::busybox();
    let mut p = spawn(&["sleep", "100"]).with_pid(42);
    p.advance(&mut sys, secs(1));
    assert_eq!(p.signal(15, secs(2)), SignalOutcome::Killed { code: 143 });
    assert_eq!(p.advance(&mut sys, secs(3)).state, exited(143, 2));
}

#[test]
fn exit_code_and_output_of_sh_c() {
    let (out, err, state) = run("echo hello; exit 3");
    assert_eq!((out.as_str(), err.as_str()), ("hello\n", ""));
    assert_eq!(state, exited(3, 0));
}

#[test]
fn sleep_suspends_between_outputs() {
    let mut sys = FakeSys::busybox();
    let mut p = sh("echo a; sleep 5; echo b");
    let adv = p.advance(&mut sys, secs(2));
    assert_eq!(adv.text(Stream::Stdout), "a\n");
    assert_eq!(
        adv.state,
        ProcState::Running {
            wake_at: Some(secs(5))
        }
    );
    let adv = p.advance(&mut sys, secs(6));
    assert_eq!(adv.text(Stream::Stdout), "b\n");
    assert_eq!(adv.output[0].at, secs(5));
    assert_eq!(adv.state, exited(0, 5));
}

#[test]
fn state_survives_serde_round_trip_mid_sleep() {
    let mut sys = FakeSys::busybox();
    let mut p = sh("x=41; for i in 1 2; do sleep 2; x=$((x+1)); done; echo $x $i");
    p.advance(&mut sys, secs(3));
    let json = serde_json::to_string(&p).unwrap();
    let mut restored: SimProcess = serde_json::from_str(&json).unwrap();
    assert_eq!(restored, p);
    let adv = restored.advance(&mut sys, secs(10));
    assert_eq!(adv.text(Stream::Stdout), "43 2\n");
    assert_eq!(adv.state, exited(0, 4));
}

#[test]
fn alloc_grows_memory_and_oom_kills_over_the_limit() {
    let mut sys = FakeSys::busybox();
    let mut p = sh("alloc 100M; echo ready; sleep 1000");
    let before = p.resident_bytes();
    let adv = p.advance(&mut sys, secs(10));
    assert_eq!(adv.text(Stream::Stdout), "ready\n");
    assert_eq!(adv.output[0].at, t0() + Duration::milliseconds(800));
    assert_eq!(p.resident_bytes() - before, 100 << 20);

    let limit = Some(50 << 20);
    let mut p = SimProcess::spawn(
        &argv(&["sh", "-c", "alloc 100M; echo never"]),
        vec![],
        "/",
        false,
        t0(),
        limit,
    )
    .unwrap();
    let adv = p.advance(&mut sys, secs(10));
    assert_eq!(adv.text(Stream::Stdout), "");
    assert!(matches!(
        adv.state,
        ProcState::Exited {
            code: 137,
            oom_killed: true,
            ..
        }
    ));
}

#[test]
fn pipes_redirections_and_files() {
    let mut sys = FakeSys::busybox();
    let mut p = sh(
        "echo one > /tmp/f; echo two >> /tmp/f; cat /tmp/f | wc -l; cat < /tmp/f; ls /nope 2>/dev/null; echo err >&2 2>/tmp/e",
    );
    let adv = p.advance(&mut sys, secs(1));
    assert_eq!(sys.file("/tmp/f"), "one\ntwo\n");
    assert_eq!(adv.text(Stream::Stdout), "2\none\ntwo\n");
    assert_eq!(adv.text(Stream::Stderr), "err\n");

    let (out, err, _) = run("echo x >/nodir/f; cat /missing 2>&1");
    assert_eq!(err, "sh: can't create '/nodir/f': nonexistent directory\n");
    assert_eq!(
        out,
        "cat: can't open '/missing': No such file or directory\n"
    );
}

#[test]
fn and_or_substitution_length_and_quoting() {
    let (out, _, _) = run(
        r#"false && echo no || echo yes; x="a b  c"; echo ${#x} "$x" $x; y=$(echo hi; echo there); echo "[$y]" '$y' \$y"#,
    );
    assert_eq!(out, "yes\n6 a b  c a b c\n[hi\nthere] $y $y\n");
    let (out, _, _) = run("echo $$ $? $0; false; echo $?");
    assert_eq!(out, "1 0 sh\n1\n");
}

#[test]
fn control_flow_and_test() {
    let (out, _, _) = run(
        "i=0; while [ $i -lt 3 ]; do i=$((i+1)); if [ $i = 2 ]; then continue; fi; echo $i; done
         for w in a b c; do [ $w = c ] && break; echo $w; done
         until test -d /tmp; do :; done; [ -f /etc ] || echo notfile; if [ -z '' ]; then echo empty; elif true; then echo no; else echo no; fi",
    );
    assert_eq!(out, "1\n3\na\nb\nnotfile\nempty\n");
}

#[test]
fn command_not_found_wording_per_shell() {
    let (_, err, state) = run("nosuch; echo $?");
    assert_eq!(err, "sh: nosuch: not found\n");
    assert_eq!(state, exited(0, 0));
    let mut sys = FakeSys::ubuntu();
    let adv = spawn(&["bash", "-c", "nosuch"]).advance(&mut sys, secs(1));
    assert_eq!(
        adv.text(Stream::Stderr),
        "bash: nosuch: command not found\n"
    );
    assert_eq!(adv.state, exited(127, 0));
}

#[test]
fn missing_argv0_is_reported_as_not_found() {
    let mut sys = FakeSys::busybox();
    let adv = spawn(&["bash"]).advance(&mut sys, secs(1));
    assert_eq!(
        adv.state,
        ProcState::NotFound {
            message: "exec: \"bash\": executable file not found in $PATH".into()
        }
    );
}

#[test]
fn bare_commands_as_container_argv() {
    let mut sys = FakeSys::busybox();
    let adv = spawn(&["echo", "hi"]).advance(&mut sys, secs(1));
    assert_eq!(
        (adv.text(Stream::Stdout), adv.state),
        ("hi\n".into(), exited(0, 0))
    );
    let adv = spawn(&["ls", "/"]).advance(&mut sys, secs(1));
    assert!(adv.text(Stream::Stdout).contains("tmp\n"));
    let adv = spawn(&["sh"]).advance(&mut sys, secs(1));
    assert_eq!(adv.state, exited(0, 0));
}

#[test]
fn interactive_prompt_commands_and_exit() {
    let mut sys = FakeSys::ubuntu();
    let mut p = SimProcess::spawn(&argv(&["sh"]), vec![], "/", true, t0(), None).unwrap();
    assert_eq!(
        p.advance(&mut sys, secs(1)).state,
        ProcState::WaitingForInput
    );
    assert_eq!(p.prompt(&sys), "/ # ");
    let adv = p.feed_line(&mut sys, "cd /tmp; echo in $PWD", secs(2));
    assert_eq!(
        (adv.text(Stream::Stdout), adv.state),
        ("in /tmp\n".into(), ProcState::WaitingForInput)
    );
    assert_eq!(p.prompt(&sys), "/tmp # ");
    p.feed_line(&mut sys, "for i in 1 2; do", secs(3));
    let adv = p.feed_line(&mut sys, "echo $i; done", secs(3));
    assert_eq!(adv.text(Stream::Stdout), "1\n2\n");
    let adv = p.feed_line(&mut sys, "exit 4", secs(4));
    assert_eq!(adv.state, exited(4, 4));

    let mut p = SimProcess::spawn(&argv(&["bash"]), vec![], "/root", true, t0(), None).unwrap();
    p.advance(&mut sys, secs(1));
    assert_eq!(p.prompt(&sys), "root@abc123:~# ");
    p.feed_line(&mut sys, "cd /tmp", secs(1));
    assert_eq!(p.prompt(&sys), "root@abc123:/tmp# ");
    p.feed_line(&mut sys, "sh", secs(1));
    assert_eq!(p.prompt(&sys), "/tmp # ");
    p.feed_line(&mut sys, "exit", secs(1));
    assert_eq!(p.prompt(&sys), "root@abc123:/tmp# ");
    let adv = p.feed_line(&mut sys, "read a b; echo \"$b-$a\"", secs(1));
    assert_eq!(adv.state, ProcState::WaitingForInput);
    let adv = p.feed_line(&mut sys, "x y z", secs(2));
    assert_eq!(adv.text(Stream::Stdout), "y z-x\n");
}

#[test]
fn malformed_scripts_never_panic() {
    let (_, err, state) = run("echo 'abc");
    assert_eq!(err, "sh: syntax error: unterminated quoted string\n");
    assert_eq!(state, exited(2, 0));
    let mut sys = FakeSys::busybox();
    for src in [
        "if",
        "fi",
        ";;",
        "echo $(",
        "a | | b",
        "while do done",
        "for",
        "${",
        "$((1+",
        "echo \\",
        "cat <",
        ")",
        "{ echo",
        "x=$((1/0))",
    ] {
        let adv = sh(src).advance(&mut sys, secs(1));
        assert!(
            matches!(adv.state, ProcState::Exited { .. }),
            "{src}: {adv:?}"
        );
    }
}

#[test]
fn busy_loop_does_not_hang() {
    let mut sys = FakeSys::busybox();
    let mut p = sh("while :; do :; done");
    assert_eq!(
        p.advance(&mut sys, secs(1)).state,
        ProcState::Running { wake_at: None }
    );
    assert_eq!(p.signal(9, secs(2)), SignalOutcome::Killed { code: 137 });
}

#[test]
fn nested_shell_exec_and_exit_trap() {
    let (out, _, state) = run(
        "sh -c 'echo inner $0 $1; exit 5' me arg; echo outer $?; trap 'echo bye' EXIT; exec sh -c 'exit 7'",
    );
    assert_eq!(out, "inner me arg\nouter 5\nbye\n");
    assert_eq!(state, exited(7, 0));
}

#[test]
fn usr1_trap_reports_state_and_keeps_running() {
    let mut sys = FakeSys::busybox();
    let mut p =
        sh(r#"trap 'echo len=${#x}' USR1; trap "exit 0" TERM; x=aaaa; while :; do sleep 1; done"#);
    p.advance(&mut sys, secs(3));
    assert_eq!(p.signal(10, secs(3)), SignalOutcome::Handled);
    let adv = p.advance(&mut sys, secs(5));
    assert_eq!(adv.text(Stream::Stdout), "len=4\n");
    assert!(matches!(adv.state, ProcState::Running { .. }));
    p.signal(15, secs(5));
    assert_eq!(p.advance(&mut sys, secs(7)).state, exited(0, 6));
}

#[test]
fn run_to_completion_for_exec() {
    let mut sys = FakeSys::busybox();
    let (adv, _) = run_to_completion(
        &argv(&["sh", "-c", "sleep 2; echo done; exit 1"]),
        vec![],
        "/",
        &mut sys,
        t0(),
        7,
    )
    .unwrap();
    assert_eq!(adv.text(Stream::Stdout), "done\n");
    assert_eq!(adv.state, exited(1, 2));
    assert!(SimProcess::spawn(&[], vec![], "/", false, t0(), None).is_err());
}

#[test]
fn read_loops_over_redirected_files_and_pipes() {
    let mut sys = FakeSys::busybox();
    sys.files.insert("/tmp/f".into(), b"one\ntwo\n".to_vec());
    let adv = sh(r#"while read l; do echo "<$l>"; done < /tmp/f; cat /tmp/f | while read l; do echo "[$l]"; done; x=$(false); echo $? $(echo a | cat)"#)
        .advance(&mut sys, secs(1));
    assert_eq!(
        adv.text(Stream::Stdout),
        "<one>\n<two>\n[one]\n[two]\n1 a\n"
    );
}

#[test]
fn bash_flavour_syntax_error_and_keyword_after_compound() {
    let mut sys = FakeSys::ubuntu();
    let adv = spawn(&["bash", "-c", "echo 'x"]).advance(&mut sys, secs(1));
    assert!(
        adv.text(Stream::Stderr)
            .starts_with("bash: -c: line 1: unexpected EOF while looking for matching `''")
    );
    assert_eq!(adv.state, exited(2, 0));
    let (out, err, _) = run("for i in 1; do if true; then echo $i; fi done; echo a (b)");
    assert_eq!(
        (out.as_str(), err.as_str()),
        ("", "sh: syntax error: unexpected \"(\"\n")
    );
}

#[test]
fn every_prefix_of_a_script_runs_without_panicking() {
    let script = r#"trap 'echo t' TERM; x="a $(echo 'b' | cat)"; for i in 1 2; do if [ "${#x}" -gt 1 ] && test -n "$i"; then echo $((i*2)) >>/tmp/o 2>&1; elif false; then :; else printf '%s\n' "$x"; fi; done; while read l; do echo "$l"; done </tmp/o; { echo g; } | wc -l"#;
    let mut sys = FakeSys::busybox();
    for end in 0..=script.len() {
        if !script.is_char_boundary(end) {
            continue;
        }
        let _ = sh(&script[..end]).advance(&mut sys, secs(1));
    }
    let adv = sh(script).advance(&mut sys, secs(1));
    assert_eq!(adv.state, exited(0, 0));
}
