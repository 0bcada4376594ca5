use std::os::fd::AsRawFd;

use super::*;
use crate::backend::linux::{overlay, testkit};

#[test]
fn resolve_through_path() {
    let exists = |p: &str| p == "/usr/bin/ls";
    assert_eq!(
        resolve_command("ls", "/bin:/usr/bin", exists).unwrap(),
        "/usr/bin/ls"
    );
    assert_eq!(resolve_command("./x", "/bin", exists).unwrap(), "./x");
    let (code, msg) = resolve_command("foo", "/bin", exists).unwrap_err();
    assert_eq!(code, 127);
    insta::assert_snapshot!(msg, @r#"exec: "foo": executable file not found in $PATH"#);
}

#[test]
fn path_default_and_override() {
    assert_eq!(
        path_from_env(&[]),
        "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"
    );
    assert_eq!(path_from_env(&["PATH=/a".into(), "PATH=/b".into()]), "/b");
}

#[test]
fn failure_reports_round_trip() {
    let e = decode_failure(&encode_failure(
        127,
        "exec: \"x\": executable file not found in $PATH",
    ));
    assert!(matches!(e, SpawnError::NotRunnable { code: 127, .. }));
    assert!(matches!(
        decode_failure(&encode_failure(1, "mount: EPERM")),
        SpawnError::Setup(_)
    ));
}

/// Spawn `argv` in the host rootfs; returns (exit code, stdout) or the spawn error.
fn run_in_container(argv: &[&str]) -> Result<(i32, String), SpawnError> {
    let (_tmp, plan) = testkit::host_rootfs();
    overlay::mount(&plan).unwrap();
    let out = tempfile::tempfile().unwrap();
    let devnull = std::fs::File::open("/dev/null").unwrap();
    let p = ContainerProcess {
        argv: argv.iter().map(|s| s.to_string()).collect(),
        env: vec!["PATH=/bin".into(), "GREETING=hi".into()],
        workdir: "/work".into(),
        hostname: "f75c19081b1e".into(),
        network: NetworkMode::None,
        rootfs: plan.merged.clone(),
        cgroup_procs: vec![],
        stdin: devnull.as_raw_fd(),
        stdout: out.as_raw_fd(),
        stderr: out.as_raw_fd(),
        tty: false,
        console: None,
    };
    let result = spawn(&p).map(|pid| match nix::sys::wait::waitpid(pid, None) {
        Ok(nix::sys::wait::WaitStatus::Exited(_, code)) => code,
        other => panic!("{other:?}"),
    });
    overlay::unmount(&plan.merged).unwrap();
    let code = result?;
    let text = std::fs::read_to_string(format!("/proc/self/fd/{}", out.as_raw_fd())).unwrap();
    Ok((code, text))
}

#[test]
fn linux_spawn_runs_in_namespaces() {
    if !testkit::kernel_tests_allowed("linux_spawn_runs_in_namespaces") {
        return;
    }
    let (code, out) = run_in_container(&[
        "sh",
        "-c",
        "echo pid=$$; hostname; pwd; echo $GREETING; ls /dev/null /proc/1 >/dev/null && echo ok; exit 3",
    ])
    .unwrap();
    assert_eq!(code, 3);
    insta::assert_snapshot!(out, @r"
    pid=1
    f75c19081b1e
    /work
    hi
    ok
    ");
}

#[test]
fn linux_spawn_reports_missing_command() {
    if !testkit::kernel_tests_allowed("linux_spawn_reports_missing_command") {
        return;
    }
    match run_in_container(&["nosuchcmd"]) {
        Err(SpawnError::NotRunnable { code, message }) => {
            assert_eq!(code, 127);
            assert_eq!(
                message,
                "exec: \"nosuchcmd\": executable file not found in $PATH"
            );
        }
        other => panic!("{other:?}"),
    }
}
