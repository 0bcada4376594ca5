use std::fs;
use std::path::Path;

use super::*;
use crate::backend::MemorySource;

fn fake_setup(mode: CgroupMode) -> (tempfile::TempDir, CgroupSetup) {
    let tmp = tempfile::tempdir().unwrap();
    let proc_root = tmp.path().join("proc");
    fs::create_dir_all(proc_root.join("self")).unwrap();
    fs::write(
        proc_root.join("self/cgroup"),
        "4:memory:/outer/me\n8:pids:/\n6:freezer:/\n0::/v2/me\n",
    )
    .unwrap();
    let setup = CgroupSetup {
        root: tmp.path().join("cg"),
        proc_root,
        mode,
    };
    (tmp, setup)
}

fn put(dir: &Path, name: &str, content: &str) {
    fs::write(dir.join(name), content).unwrap();
}

#[test]
fn classify_by_filesystem_magic() {
    assert_eq!(classify(CGROUP2_SUPER_MAGIC, None), CgroupMode::V2);
    assert_eq!(
        classify(TMPFS_MAGIC, Some(CGROUP2_SUPER_MAGIC)),
        CgroupMode::V1
    );
    assert_eq!(classify(TMPFS_MAGIC, None), CgroupMode::V1);
}

#[test]
fn v1_paths_fixed_and_nested() {
    let (_t, setup) = fake_setup(CgroupMode::V1);
    let fixed =
        ContainerCgroup::new(&setup, &CgroupParent::Fixed("dockerlings".into()), "abc").unwrap();
    let rel: Vec<_> = fixed
        .dirs
        .iter()
        .map(|d| d.strip_prefix(&setup.root).unwrap().display().to_string())
        .collect();
    assert_eq!(
        rel,
        [
            "memory/dockerlings/abc",
            "pids/dockerlings/abc",
            "freezer/dockerlings/abc"
        ]
    );
    let nested =
        ContainerCgroup::new(&setup, &CgroupParent::NestedInSelf("dl".into()), "abc").unwrap();
    assert!(nested.dirs[0].ends_with("memory/outer/me/dl/abc"));
    assert!(nested.dirs[1].ends_with("pids/dl/abc"));
}

#[test]
fn v2_path_nested_uses_unified_line() {
    let (_t, setup) = fake_setup(CgroupMode::V2);
    let cg = ContainerCgroup::new(&setup, &CgroupParent::NestedInSelf("dl".into()), "x").unwrap();
    assert_eq!(cg.dirs, vec![setup.root.join("v2/me/dl/x")]);
}

#[test]
fn v1_create_join_limit_freeze_memory_remove() {
    let (_t, setup) = fake_setup(CgroupMode::V1);
    let cg =
        ContainerCgroup::new(&setup, &CgroupParent::Fixed("dockerlings".into()), "c1").unwrap();
    cg.create().unwrap();
    cg.join(4242).unwrap();
    for d in &cg.dirs {
        assert_eq!(fs::read_to_string(d.join("cgroup.procs")).unwrap(), "4242");
    }
    assert_eq!(cg.procs().unwrap(), vec![4242]);
    cg.set_memory_limit(64 << 20).unwrap();
    assert_eq!(
        fs::read_to_string(cg.dirs[0].join("memory.limit_in_bytes")).unwrap(),
        "67108864"
    );
    cg.freeze().unwrap();
    assert!(cg.is_frozen().unwrap());
    assert_eq!(
        fs::read_to_string(cg.dirs[2].join("freezer.state")).unwrap(),
        "FROZEN"
    );
    cg.thaw().unwrap();
    assert!(!cg.is_frozen().unwrap());

    // docker stats figure: usage − total_inactive_file; the huge "unlimited" value -> host total.
    put(&cg.dirs[0], "memory.usage_in_bytes", "105824256\n");
    put(
        &cg.dirs[0],
        "memory.stat",
        "cache 0\nrss 105050112\ninactive_file 7\ntotal_inactive_file 1048576\n",
    );
    put(
        &cg.dirs[0],
        "memory.limit_in_bytes",
        "9223372036854771712\n",
    );
    put(&cg.dirs[1], "pids.current", "2\n");
    let m = cg.memory(8 << 30).unwrap();
    assert_eq!(
        m,
        MemoryReading {
            usage: 105824256 - 1048576,
            limit: 8 << 30,
            pids: 2,
            source: MemorySource::CgroupV1
        }
    );
    put(&cg.dirs[0], "memory.limit_in_bytes", "67108864\n");
    assert_eq!(cg.memory(8 << 30).unwrap().limit, 64 << 20);

    // Plain files make rmdir fail with ENOTEMPTY: the error names the directory.
    let err = cg.remove().unwrap_err().to_string();
    assert!(err.contains("memory/dockerlings/c1"), "{err}");
    for d in &cg.dirs {
        fs::remove_dir_all(d).unwrap();
    }
    cg.remove().unwrap(); // already gone is fine
}

#[test]
fn v1_oom_from_oom_control_or_failcnt() {
    let (_t, setup) = fake_setup(CgroupMode::V1);
    let cg = ContainerCgroup::new(&setup, &CgroupParent::Fixed("d".into()), "c").unwrap();
    cg.create().unwrap();
    put(
        &cg.dirs[0],
        "memory.oom_control",
        "oom_kill_disable 0\nunder_oom 0\noom_kill 0\n",
    );
    put(&cg.dirs[0], "memory.failcnt", "3\n");
    assert!(
        !cg.oom_killed(),
        "failcnt only counts when the kernel has no oom_kill counter"
    );
    put(
        &cg.dirs[0],
        "memory.oom_control",
        "oom_kill_disable 0\nunder_oom 0\noom_kill 1\n",
    );
    assert!(cg.oom_killed());
    put(
        &cg.dirs[0],
        "memory.oom_control",
        "oom_kill_disable 0\nunder_oom 0\n",
    );
    assert!(cg.oom_killed());
}

#[test]
fn v2_memory_controller_and_freeze() {
    let (_t, setup) = fake_setup(CgroupMode::V2);
    let cg = ContainerCgroup::new(&setup, &CgroupParent::Fixed("dockerlings".into()), "c").unwrap();
    cg.create().unwrap();
    let d = &cg.dirs[0];
    put(d, "cgroup.events", "populated 1\nfrozen 1\n");
    cg.freeze().unwrap();
    assert_eq!(fs::read_to_string(d.join("cgroup.freeze")).unwrap(), "1");
    put(d, "memory.current", "5000\n");
    put(d, "memory.stat", "anon 4000\ninactive_file 1000\n");
    put(d, "memory.max", "max\n");
    put(d, "pids.current", "3\n");
    put(d, "memory.events", "oom 0\noom_kill 2\n");
    let m = cg.memory(1 << 30).unwrap();
    assert_eq!(
        m,
        MemoryReading {
            usage: 4000,
            limit: 1 << 30,
            pids: 3,
            source: MemorySource::CgroupV2
        }
    );
    assert!(cg.oom_killed());
    // Frozen never clears: thaw times out with a message naming the file.
    let err = cg.thaw().unwrap_err().to_string();
    assert!(
        err.contains("cgroup.events") && err.contains("frozen 0"),
        "{err}"
    );
}

#[test]
fn v2_without_memory_controller_sums_proc_rss() {
    let (_t, setup) = fake_setup(CgroupMode::V2);
    let cg = ContainerCgroup::new(&setup, &CgroupParent::Fixed("d".into()), "c").unwrap();
    cg.create().unwrap();
    put(&cg.dirs[0], "cgroup.procs", "10\n11\n99\n");
    for (pid, kib) in [(10, 100), (11, 28)] {
        let p = setup.proc_root.join(pid.to_string());
        fs::create_dir_all(&p).unwrap();
        put(&p, "status", &format!("Name:\tsh\nVmRSS:\t   {kib} kB\n"));
    }
    let m = cg.memory(1 << 30).unwrap();
    assert_eq!(
        m,
        MemoryReading {
            usage: 128 * 1024,
            limit: 1 << 30,
            pids: 3,
            source: MemorySource::ProcRss
        }
    );
}

#[test]
fn v1_freeze_failure_thaws_back() {
    let (_t, setup) = fake_setup(CgroupMode::V1);
    let cg = ContainerCgroup::new(&setup, &CgroupParent::Fixed("d".into()), "c").unwrap();
    // No freezer dir: writing FROZEN fails, the error names the file.
    let err = cg.freeze().unwrap_err().to_string();
    assert!(err.contains("freezer/d/c/freezer.state"), "{err}");
}

#[test]
fn poll_until_counts_tries() {
    let mut n = 0;
    assert!(!poll_until(3, std::time::Duration::ZERO, || {
        n += 1;
        false
    }));
    assert_eq!(n, 3);
    let mut m = 0;
    assert!(poll_until(5, std::time::Duration::ZERO, || {
        m += 1;
        m == 2
    }));
    assert_eq!(m, 2);
}

#[test]
fn pure_parsers() {
    assert_eq!(
        host_total_memory("MemTotal:       24684084 kB\nMemFree: 1 kB\n"),
        Some(24684084 * 1024)
    );
    assert_eq!(parse_kv("a 1\nb 2\n", "b"), Some(2));
    assert_eq!(usage_minus_inactive(5, 9), 0);
    assert_eq!(
        memory::own_cgroup("4:memory:/a/b\n0::/u\n", "memory").as_deref(),
        Some("/a/b")
    );
    assert_eq!(
        memory::own_cgroup("4:cpu,cpuacct:/c\n", "cpuacct").as_deref(),
        Some("/c")
    );
}

/// On the real cgroupfs: a `sleep` in a fresh cgroup freezes, reads FROZEN, thaws, and the
/// cgroup is removed after it is killed.
#[test]
fn linux_cgroup_freeze_real_process() {
    if !crate::backend::linux::testkit::kernel_tests_allowed("linux_cgroup_freeze_real_process") {
        return;
    }
    let setup = CgroupSetup::detect(Path::new("/sys/fs/cgroup")).unwrap();
    let id = format!("test-{}", std::process::id());
    let cg = ContainerCgroup::new(
        &setup,
        &CgroupParent::NestedInSelf("dockerlings-test".into()),
        &id,
    )
    .unwrap();
    cg.create().unwrap();
    let mut child = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let outcome = std::panic::catch_unwind(|| {
        cg.join(child.id()).unwrap();
        assert_eq!(cg.procs().unwrap(), vec![child.id()]);
        cg.freeze().unwrap();
        assert!(cg.is_frozen().unwrap());
        let m = cg.memory(1 << 40).unwrap();
        // v1 leaves earlier charges behind on join, so usage may be 0 here; pids counts.
        assert_eq!(m.pids, 1);
        assert_eq!(m.source, MemorySource::CgroupV1);
        cg.thaw().unwrap();
        assert!(!cg.is_frozen().unwrap());
    });
    // A frozen task cannot die: thaw before killing, or wait() hangs.
    let _ = cg.thaw();
    let _ = child.kill();
    let _ = child.wait();
    let removed = cg.remove();
    for d in &cg.dirs {
        if let Some(p) = d.parent() {
            let _ = fs::remove_dir(p);
        }
    }
    outcome.unwrap();
    removed.unwrap();
    assert!(cg.dirs.iter().all(|d| !d.exists()));
}
