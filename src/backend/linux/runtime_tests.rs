use super::*;
use crate::backend::NetworkMode;
use crate::backend::linux::testkit;

fn spec(dir: &Path, plan: crate::backend::RootfsPlan, argv: &[&str]) -> LaunchSpec {
    let id = format!("rt{}", std::process::id());
    LaunchSpec {
        id: id.clone(),
        argv: argv.iter().map(|s| s.to_string()).collect(),
        env: vec!["PATH=/bin".into()],
        workdir: "/".into(),
        hostname: "abc".into(),
        tty: false,
        interactive: false,
        memory_limit: Some(64 << 20),
        network: NetworkMode::None,
        auto_remove: false,
        rootfs: plan,
        container_dir: dir.to_path_buf(),
        log_path: dir.join(format!("{id}-json.log")),
    }
}

fn runtime() -> LinuxRuntime {
    let mut rt = LinuxRuntime::new().unwrap();
    rt.cgroup_parent = CgroupParent::NestedInSelf("dockerlings-test".into());
    rt.launch = MonitorLaunch::Fork;
    rt
}

#[test]
fn linux_runtime_start_pause_memory_kill_cleanup() {
    if !testkit::kernel_tests_allowed("linux_runtime_start_pause_memory_kill_cleanup") {
        return;
    }
    let (tmp, plan) = testkit::host_rootfs();
    let dir = tmp.path().join("ctr");
    std::fs::create_dir_all(&dir).unwrap();
    let spec = spec(
        &dir,
        plan,
        &["sh", "-c", "echo hello; echo oops >&2; sleep 30"],
    );
    let mut rt = runtime();
    let mut clock = Clock::wall();
    let outcome = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        let pid = rt.start(&spec, &mut clock, None).unwrap().unwrap();
        assert!(
            matches!(rt.status(&spec, &clock).unwrap(), ProcStatus::Running { pid: Some(p) } if p == pid)
        );
        rt.freeze(&spec).unwrap();
        let m = rt.memory(&spec, &clock).unwrap();
        assert_eq!(m.limit, 64 << 20);
        assert!(m.pids >= 1 && m.usage > 0, "{m:?}");
        rt.thaw(&spec).unwrap();
        std::thread::sleep(StdDuration::from_millis(100));
        rt.signal(&spec, libc::SIGKILL, &mut clock).unwrap();
        let st = rt
            .wait(&spec, Some(Duration::seconds(10)), &mut clock, None)
            .unwrap();
        assert!(matches!(st, ProcStatus::Exited { code: 137, .. }), "{st:?}");
        let log = std::fs::read_to_string(&spec.log_path).unwrap();
        assert!(
            log.contains(r#"{"log":"hello\n","stream":"stdout","time":"#),
            "{log}"
        );
        assert!(
            log.contains(r#"{"log":"oops\n","stream":"stderr","time":"#),
            "{log}"
        );
    }));
    let _ = rt.thaw(&spec);
    let _ = rt.signal(&spec, libc::SIGKILL, &mut clock);
    let _ = rt.wait(&spec, Some(Duration::seconds(5)), &mut clock, None);
    let cleaned = rt.cleanup(&spec);
    outcome.unwrap();
    cleaned.unwrap();
    assert!(!overlay::is_mounted(&spec.rootfs.merged).unwrap());
}

#[test]
fn linux_runtime_missing_command_is_127() {
    if !testkit::kernel_tests_allowed("linux_runtime_missing_command_is_127") {
        return;
    }
    let (tmp, plan) = testkit::host_rootfs();
    let dir = tmp.path().join("ctr");
    std::fs::create_dir_all(&dir).unwrap();
    let mut spec = spec(&dir, plan, &["nosuchcmd"]);
    spec.id.push('x');
    let mut rt = runtime();
    let err = rt.start(&spec, &mut Clock::wall(), None).unwrap_err();
    assert!(
        matches!(err, RuntimeError::NotRunnable { code: 127, .. }),
        "{err:?}"
    );
    assert!(!overlay::is_mounted(&spec.rootfs.merged).unwrap());
}

/// The client that started a container watches its process (a pidfd) and sees it exit when
/// it exits, instead of at its next poll.
#[test]
fn linux_runtime_client_sees_its_container_exit_when_it_happens() {
    if !testkit::kernel_tests_allowed(
        "linux_runtime_client_sees_its_container_exit_when_it_happens",
    ) {
        return;
    }
    let (tmp, plan) = testkit::host_rootfs();
    let dir = tmp.path().join("ctr");
    std::fs::create_dir_all(&dir).unwrap();
    let mut spec = spec(&dir, plan, &["sh", "-c", "sleep 0.3"]);
    spec.id.push('w');
    let mut rt = runtime();
    let mut clock = Clock::wall();
    rt.start(&spec, &mut clock, None).unwrap();
    let watch = rt
        .watches
        .get(&spec.id)
        .expect("a watch on the started process");
    assert!(!watch.wait(StdDuration::from_millis(20)), "still running");
    let t = std::time::Instant::now();
    assert!(watch.wait(StdDuration::from_secs(10)), "woken by the exit");
    assert!(t.elapsed() < StdDuration::from_secs(5), "{:?}", t.elapsed());
    let st = rt
        .wait(&spec, Some(Duration::seconds(5)), &mut clock, None)
        .unwrap();
    assert!(matches!(st, ProcStatus::Exited { code: 0, .. }), "{st:?}");
    assert!(rt.watches.is_empty(), "dropped once the exit is recorded");
    rt.cleanup(&spec).unwrap();
}
