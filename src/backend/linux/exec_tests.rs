use super::*;
use crate::backend::linux::cgroup::CgroupParent;
use crate::backend::linux::runtime::{LinuxRuntime, MonitorLaunch};
use crate::backend::linux::testkit;
use crate::backend::{ExecOpts, LaunchSpec, NetworkMode, ProcStatus, Runtime, RuntimeError};
use crate::util::{Clock, Output};

#[test]
fn env_merge_replaces_by_key_and_user_is_numeric() {
    let env = merge_env(
        &["PATH=/bin".into(), "A=1".into()],
        &["A=2".into(), "B=3".into()],
    );
    assert_eq!(env, ["PATH=/bin", "A=2", "B=3"]);
    assert_eq!(parse_user("1000:50"), Ok((1000, 50)));
    assert_eq!(parse_user("7"), Ok((7, 0)));
    assert!(parse_user("nobody").is_err());
}

/// A running container (sleep) on the host image; `f` gets the runtime and spec; always cleaned up.
fn with_container(tag: &str, f: impl FnOnce(&mut LinuxRuntime, &LaunchSpec)) {
    let (tmp, plan) = testkit::host_rootfs();
    let dir = tmp.path().join("ctr");
    std::fs::create_dir_all(&dir).unwrap();
    let id = format!("ex{tag}{}", std::process::id());
    let spec = LaunchSpec {
        id: id.clone(),
        argv: vec!["sleep".into(), "30".into()],
        env: vec!["PATH=/bin".into(), "FOO=from-image".into()],
        workdir: "/".into(),
        hostname: id[..12.min(id.len())].to_string(),
        tty: false,
        interactive: false,
        memory_limit: None,
        network: NetworkMode::None,
        auto_remove: false,
        rootfs: plan,
        container_dir: dir.clone(),
        log_path: dir.join(format!("{id}-json.log")),
    };
    let mut rt = LinuxRuntime::new().unwrap();
    rt.cgroup_parent = CgroupParent::NestedInSelf("dockerlings-test".into());
    rt.launch = MonitorLaunch::Fork;
    let mut clock = Clock::wall();
    rt.start(&spec, &mut clock, None).unwrap();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| f(&mut rt, &spec)));
    let _ = rt.signal(&spec, libc::SIGKILL, &mut clock);
    let st = rt.wait(&spec, Some(chrono::Duration::seconds(5)), &mut clock, None);
    let cleaned = rt.cleanup(&spec);
    outcome.unwrap();
    assert!(matches!(st, Ok(ProcStatus::Exited { .. })), "{st:?}");
    cleaned.unwrap();
}

fn run(rt: &mut LinuxRuntime, spec: &LaunchSpec, argv: &[&str], opts: &ExecOpts) -> (i32, Output) {
    let mut out = Output::default();
    let argv: Vec<String> = argv.iter().map(|s| s.to_string()).collect();
    let code = rt
        .exec(spec, &argv, opts, &mut Clock::wall(), &mut out)
        .unwrap();
    (code, out)
}

#[test]
fn linux_exec_writes_and_reads_a_file_hostname_env_workdir() {
    if !testkit::kernel_tests_allowed("linux_exec_writes_and_reads_a_file_hostname_env_workdir") {
        return;
    }
    with_container("a", |rt, spec| {
        let none = ExecOpts::default();
        let (code, out) = run(
            rt,
            spec,
            &["sh", "-c", "echo hi > /tmp/x; cat /tmp/x"],
            &none,
        );
        assert_eq!((code, out.stdout.as_str()), (0, "hi\n"));
        // The file went to the container's writable layer, not the host.
        assert!(spec.rootfs.upper.join("tmp/x").exists());
        let (_, out) = run(rt, spec, &["hostname"], &none);
        assert_eq!(out.stdout.trim(), spec.hostname);
        let opts = ExecOpts {
            env: vec!["FOO=from-exec".into()],
            workdir: Some("/tmp".into()),
            ..Default::default()
        };
        let (_, out) = run(rt, spec, &["sh", "-c", "echo $FOO; pwd"], &opts);
        assert_eq!(out.stdout, "from-exec\n/tmp\n");
        let (code, out) = run(rt, spec, &["sh", "-c", "echo oops >&2; exit 3"], &none);
        assert_eq!((code, out.stderr.as_str()), (3, "oops\n"));
    });
}

#[test]
fn linux_exec_sees_only_the_containers_processes() {
    if !testkit::kernel_tests_allowed("linux_exec_sees_only_the_containers_processes") {
        return;
    }
    with_container("b", |rt, spec| {
        let (code, out) = run(rt, spec, &["ls", "/proc"], &ExecOpts::default());
        assert_eq!(code, 0);
        let mut pids: Vec<u32> = out
            .stdout
            .split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect();
        pids.sort();
        // PID 1 (sleep) and the ls itself: nothing of the host.
        assert_eq!(pids.len(), 2, "{pids:?}");
        assert_eq!(pids[0], 1);
        let (_, out) = run(rt, spec, &["cat", "/proc/1/cmdline"], &ExecOpts::default());
        assert_eq!(out.stdout, "sleep\u{0}30\u{0}");
    });
}

#[test]
fn linux_exec_missing_command_is_126() {
    if !testkit::kernel_tests_allowed("linux_exec_missing_command_is_126") {
        return;
    }
    with_container("c", |rt, spec| {
        let mut out = Output::default();
        let err = rt
            .exec(
                spec,
                &["foo".into()],
                &ExecOpts::default(),
                &mut Clock::wall(),
                &mut out,
            )
            .unwrap_err();
        match err {
            RuntimeError::NotRunnable { code, message } => {
                assert_eq!(code, 126);
                assert_eq!(message, "exec: \"foo\": executable file not found in $PATH");
            }
            e => panic!("{e:?}"),
        }
    });
}

#[test]
fn linux_top_and_namespaces_read_the_kernel() {
    if !testkit::kernel_tests_allowed("linux_top_and_namespaces_read_the_kernel") {
        return;
    }
    with_container("d", |rt, spec| {
        let rows = rt.processes(spec).unwrap();
        assert_eq!(rows.len(), 1, "{rows:?}");
        assert_eq!(rows[0].cmd, "sleep 30");
        assert_eq!((rows[0].uid.as_str(), rows[0].tty.as_str()), ("root", "?"));
        let ev = rt.namespaces(spec).unwrap();
        assert_eq!(ev.container_pid, rows[0].pid);
        let own: Vec<&str> = ev
            .container
            .iter()
            .zip(&ev.host)
            .filter(|(c, h)| c.1 != h.1)
            .map(|(c, _)| c.0.as_str())
            .collect();
        assert_eq!(own, ["pid", "mnt", "uts", "ipc", "net"]);
        assert_eq!(ev.kernel_inside, ev.kernel_host);
        assert!(!ev.kernel_inside.is_empty());
    });
}
