//! Durability of the linux backend, through the binary (`--backend linux --root <tmp>`): the
//! truth survives a killed client or monitor, `rm -f` leaves nothing behind, and the kernel's
//! OOM killer shows up in inspect. Needs root; skips with a line unless
//! DOCKERLINGS_REQUIRE_LINUX=1, where it fails instead.
mod common_linux;
use common_linux::*;

#[test]
fn linux_killed_monitor_is_recorded_as_exited_not_up() {
    if !allowed("linux_killed_monitor_is_recorded_as_exited_not_up") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    assert!(
        dl(root, "run -d --name lost busybox sleep 1000")
            .status
            .success()
    );
    // Every -c is a client that exits; the container must outlive it.
    assert!(
        stdout(root, "ps").contains("Up"),
        "{}",
        stdout(root, "ps -a")
    );
    let id = id_of(root, "lost");
    let monitors = monitors_for(&id);
    assert_eq!(monitors.len(), 1, "{monitors:?}");
    nix::sys::signal::kill(
        nix::unistd::Pid::from_raw(monitors[0]),
        nix::sys::signal::Signal::SIGKILL,
    )
    .unwrap();
    std::thread::sleep(std::time::Duration::from_millis(200));
    let ps = dl(root, "ps -a");
    assert!(ps.status.success(), "{ps:?}");
    let ps = String::from_utf8_lossy(&ps.stdout);
    assert!(!ps.contains("Up"), "{ps}");
    assert!(ps.contains("Exited (255)"), "{ps}");
    let error = stdout(root, "inspect --format {{.State.Error}} lost");
    assert!(error.contains("died without recording an exit"), "{error}");
    // The orphaned process was ended and nothing is left.
    assert!(dl(root, "rm lost").status.success());
    assert_eq!(leftovers(root, &id), Vec::<String>::new());
}

#[test]
fn linux_rm_f_leaves_no_mount_cgroup_or_monitor() {
    if !allowed("linux_rm_f_leaves_no_mount_cgroup_or_monitor") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    assert!(
        dl(root, "run -d --name a1 busybox sleep 1000")
            .status
            .success()
    );
    assert!(
        dl(root, "run -d --name a2 busybox sleep 1000")
            .status
            .success()
    );
    assert!(dl(root, "pause a2").status.success());
    let ids = [id_of(root, "a1"), id_of(root, "a2")];
    for id in &ids {
        assert!(
            !leftovers(root, id).is_empty(),
            "a running container shows up"
        );
    }
    let rm = dl(root, "rm -f a1 a2");
    assert!(rm.status.success(), "{rm:?}");
    for id in &ids {
        assert_eq!(leftovers(root, id), Vec::<String>::new());
    }
}

#[test]
fn linux_memory_limit_oom_kill_is_137_and_oomkilled() {
    if !allowed("linux_memory_limit_oom_kill_is_137_and_oomkilled") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    // The shell holds 100 MB of 'a's in a variable: far over the 32 MiB limit.
    let run = dl(
        root,
        r#"run --name hog -m 32m busybox sh -c 'x=$(head -c 100000000 /dev/zero | tr "\0" a); sleep 1'"#,
    );
    assert_eq!(run.status.code(), Some(137), "{run:?}");
    let state = stdout(
        root,
        "inspect --format {{.State.OOMKilled}}/{{.State.ExitCode}} hog",
    );
    assert_eq!(state.trim(), "true/137");
}

/// `show ns`: the container's namespace links beside the host's, read from /proc — its
/// own pid, mnt, uts, ipc and net namespaces, the host's cgroup and user ones, one kernel —
/// and the cgroup dirs it lives in, which exist.
#[test]
fn linux_show_ns_puts_the_containers_namespaces_beside_the_hosts() {
    if !allowed("linux_show_ns_puts_the_containers_namespaces_beside_the_hosts") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    assert!(
        dl(root, "run -d --name nsdemo busybox sleep 1000")
            .status
            .success()
    );
    let shown = stdout(root, "show ns nsdemo");
    let own_ns = std::fs::read_link("/proc/self/ns/pid").unwrap();
    let host_pid_ns = own_ns.to_string_lossy();
    // pid:[4026531836] -> the number, as the table shows it.
    let host_pid_ns = host_pid_ns
        .trim_start_matches("pid:[")
        .trim_end_matches(']');
    for ns in ["pid", "mnt", "uts", "ipc", "net"] {
        let row = shown
            .lines()
            .find(|l| l.split_whitespace().next() == Some(ns))
            .unwrap_or_else(|| panic!("no {ns} row in:\n{shown}"));
        assert!(row.contains("own namespace"), "{row}");
    }
    for ns in ["cgroup", "user"] {
        let row = shown
            .lines()
            .find(|l| l.split_whitespace().next() == Some(ns))
            .unwrap_or_else(|| panic!("no {ns} row in:\n{shown}"));
        assert!(row.contains("shared with the host"), "{row}");
    }
    let pid_row = shown.lines().find(|l| l.starts_with("  pid")).unwrap();
    assert!(
        pid_row.contains(host_pid_ns),
        "host's pid ns {host_pid_ns} in {pid_row}"
    );
    // The container's main process, seen from the host, is in the memory cgroup shown.
    let pid = stdout(root, "inspect --format '{{.State.Pid}}' nsdemo");
    let cgroups = std::fs::read_to_string(format!("/proc/{}/cgroup", pid.trim())).unwrap();
    let memory = cgroups
        .lines()
        .find_map(|l| l.split_once(":memory:").map(|(_, p)| p.to_string()))
        .unwrap();
    let id = id_of(root, "nsdemo");
    assert!(memory.ends_with(&id), "{memory}");
    let parent = memory.trim_end_matches(&id).trim_end_matches('/');
    assert!(
        shown.contains(&format!("/sys/fs/cgroup/memory{parent}/")),
        "{parent} in:\n{shown}"
    );
    let kernel = std::fs::read_to_string("/proc/sys/kernel/osrelease").unwrap();
    assert!(shown.contains(kernel.trim()), "{shown}");
}

/// `run --rm` makes no fsync: its records are volatile (Docker removes --rm containers it
/// finds after a restart). A kept container's records are synced.
#[test]
fn linux_run_rm_syncs_nothing_a_kept_container_is_synced() {
    if !allowed("linux_run_rm_syncs_nothing_a_kept_container_is_synced") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    assert!(dl(root, "images -q").status.success());
    let syncs = |cmd: &str| {
        let child = std::process::Command::new(env!("CARGO_BIN_EXE_dockerlings"))
            .args(["--backend", "linux", "--root"])
            .arg(root)
            .args(["-c", cmd])
            .env("DOCKERLINGS_TEST_REPORT_SYNCS", "1")
            .stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        let by = format!(" by {}", child.id());
        let out = child.wait_with_output().unwrap();
        assert!(out.status.success(), "{cmd}: {out:?}");
        let err = String::from_utf8_lossy(&out.stderr).into_owned();
        err.lines()
            .filter_map(|l| l.strip_prefix("dockerlings-test: fsyncs "))
            .find_map(|l| l.strip_suffix(by.as_str()))
            .and_then(|n| n.parse::<u64>().ok())
            .unwrap_or_else(|| panic!("no fsync report of the client: {err}"))
    };
    assert_eq!(syncs("run --rm busybox true"), 0);
    // Layer registration, hostconfig and the record (written once, when the command ends),
    // file and directory each.
    assert_eq!(syncs("run --name kept busybox true"), 5);
}

/// A machine crash while an `--rm` container runs: its processes, mount and cgroups are gone
/// after the reboot, and its unsynced records may read back empty. The next invocation
/// removes it and leaves nothing behind.
#[test]
fn linux_rm_container_emptied_by_a_crash_is_removed_after_the_reboot() {
    if !allowed("linux_rm_container_emptied_by_a_crash_is_removed_after_the_reboot") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    assert!(dl(root, "images -q").status.success());
    let layer_dirs = || std::fs::read_dir(root.join("overlay2")).unwrap().count();
    let before = layer_dirs();
    assert!(
        dl(root, "run -d --rm --name doomed busybox sleep 1000")
            .status
            .success()
    );
    let id = id_of(root, "doomed");
    let pid: i32 = stdout(root, "inspect --format {{.State.Pid}} doomed")
        .trim()
        .parse()
        .unwrap();
    let mount_id = std::fs::read_to_string(
        root.join("image/overlay2/layerdb/mounts")
            .join(&id)
            .join("mount-id"),
    )
    .unwrap();
    // The "reboot": every process of it killed, its mount and its cgroups gone.
    let kill = |p: i32| {
        let _ = nix::sys::signal::kill(
            nix::unistd::Pid::from_raw(p),
            nix::sys::signal::Signal::SIGKILL,
        );
    };
    for p in monitors_for(&id) {
        kill(p);
    }
    kill(pid);
    std::thread::sleep(std::time::Duration::from_millis(200));
    let merged = root.join("overlay2").join(mount_id.trim()).join("merged");
    nix::mount::umount2(&merged, nix::mount::MntFlags::MNT_DETACH).unwrap();
    for ctrl in ["memory", "pids", "freezer"] {
        for parent in std::fs::read_dir(std::path::Path::new("/sys/fs/cgroup").join(ctrl))
            .unwrap()
            .flatten()
        {
            let _ = std::fs::remove_dir(parent.path().join(&id));
        }
    }
    // What an unsynced write may read back as after the crash.
    for file in ["config.v2.json", "hostconfig.json"] {
        std::fs::write(root.join("containers").join(&id).join(file), b"").unwrap();
    }
    std::fs::write(
        root.join("image/overlay2/layerdb/mounts")
            .join(&id)
            .join("mount-id"),
        b"",
    )
    .unwrap();
    let ps = dl(root, "ps -a --format {{.Names}}");
    assert!(ps.status.success(), "{ps:?}");
    assert_eq!(String::from_utf8_lossy(&ps.stdout), "");
    assert!(!root.join("containers").join(&id).exists());
    assert_eq!(layer_dirs(), before, "its -init and upper dirs are gone");
    assert_eq!(leftovers(root, &id), Vec::<String>::new());
    assert!(dl(root, "run --rm busybox true").status.success());
}

/// /dev/null and friends are device nodes on the container's /dev tmpfs (mode 0666, the
/// host's numbers), as runc makes them as root: not bind mounts.
#[test]
fn linux_dev_has_device_nodes_not_bind_mounts() {
    if !allowed("linux_dev_has_device_nodes_not_bind_mounts") {
        return;
    }
    let tmp = tempfile::tempdir().unwrap();
    let root = tmp.path();
    let _cleanup = Cleanup(root);
    let out = stdout(
        root,
        r#"run --rm busybox sh -c 'stat -c "%n %F %t,%T %a" /dev/null /dev/zero /dev/tty; grep -c " /dev/null " /proc/mounts; echo x > /dev/null'"#,
    );
    assert_eq!(
        out,
        "/dev/null character special file 1,3 666\n/dev/zero character special file 1,5 666\n/dev/tty character special file 5,0 666\n0\n"
    );
}
