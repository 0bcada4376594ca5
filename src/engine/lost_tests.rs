//! The durability policy (`Durability`) and what the engine does with records a machine
//! crash emptied. A crash is simulated by emptying the files an unsynced write may lose.
use std::path::Path;

use crate::backend::BackendKind;
use crate::cli::session::Session;
use crate::store::syncs_so_far;

fn session(root: &Path) -> Session {
    crate::engine::test_session::session(root, true)
}

/// Runs `line`; its stdout, and how many fsyncs it made.
fn run(s: &mut Session, line: &str) -> (String, u64) {
    let before = syncs_so_far();
    let out = s.feed_line(line);
    assert_eq!(out.exit, 0, "{line}: {}", out.output.stderr);
    (out.output.stdout, syncs_so_far() - before)
}

fn empty(path: &Path) {
    std::fs::write(path, b"").expect("emptied");
}

/// What an unsynced file may hold after a crash on ext4 without a journal: another file's
/// old blocks.
fn stale_blocks(path: &Path) {
    std::fs::write(path, b"127.0.0.1\tlocalhost\n\0\0\0").expect("overwritten");
}

fn container_dir(root: &Path, s: &mut Session, name: &str) -> std::path::PathBuf {
    let (id, _) = run(s, &format!("inspect --format '{{{{.Id}}}}' {name}"));
    root.join("containers").join(id.trim())
}

fn overlay_dirs(root: &Path) -> usize {
    std::fs::read_dir(root.join("overlay2")).map_or(0, |d| d.count())
}

#[test]
fn an_rm_container_and_a_read_only_command_sync_nothing_a_kept_container_does() {
    let root = tempfile::tempdir().expect("tmp");
    let mut s = session(root.path());
    let (_, syncs) = run(&mut s, "run --rm busybox true");
    assert_eq!(syncs, 0, "run --rm is volatile end to end");
    let (_, syncs) = run(&mut s, "ps -a");
    assert_eq!(syncs, 0, "a read-only command's clock tick is volatile");
    let (_, syncs) = run(&mut s, "run --name kept busybox true");
    // Its layer registration, then hostconfig and its record, file and directory each:
    // created, started and exited in one command, the record is written once, at its end.
    assert_eq!(syncs, 5, "a kept container is durable: {syncs} fsyncs");
    run(&mut s, "run -d --name up busybox sleep 1000");
    let (_, syncs) = run(&mut s, "pause up");
    assert_eq!(
        syncs, 2,
        "the record and its directory; engine.json is never synced"
    );
    let (_, syncs) = run(&mut s, "rm kept");
    assert_eq!(syncs, 0, "a crash that takes back a removal loses nothing");
}

/// Which of an `--rm` container's unsynced files a crash emptied: its records and layer
/// registration, or the registration alone. Either way it is removed with its layers.
#[test]
fn an_rm_container_a_crash_left_without_usable_records_is_removed_with_its_layers() {
    let records = ["config.v2.json", "hostconfig.json"];
    for (emptied_records, lose) in [
        (&records[..], empty as fn(&Path)),
        (&records[..], stale_blocks),
        (&[], empty),
    ] {
        let root = tempfile::tempdir().expect("tmp");
        let mut s = session(root.path());
        let base = overlay_dirs(root.path());
        run(&mut s, "run -d --rm --name gone busybox sleep 1000");
        let dir = container_dir(root.path(), &mut s, "gone");
        drop(s);
        for file in emptied_records {
            lose(&dir.join(file));
        }
        let mounts = root.path().join("image/overlay2/layerdb/mounts");
        empty(&mounts.join(dir.file_name().expect("id")).join("mount-id"));
        let mut s = session(root.path());
        let (ps, _) = run(&mut s, "ps -a --format '{{.Names}}'");
        assert_eq!(ps, "", "emptied: {emptied_records:?}");
        assert!(!dir.exists(), "its directory is gone");
        assert_eq!(
            overlay_dirs(root.path()),
            base,
            "so are its -init and upper dirs"
        );
        run(&mut s, "run --rm busybox true");
    }
}

#[test]
fn an_emptied_record_of_a_kept_container_is_reported_not_deleted() {
    let root = tempfile::tempdir().expect("tmp");
    let mut s = session(root.path());
    run(&mut s, "create --name kept busybox");
    let dir = container_dir(root.path(), &mut s, "kept");
    drop(s);
    empty(&dir.join("config.v2.json"));
    let runtime = crate::cli::start::make_runtime(BackendKind::Sim).expect("sim");
    let err = match crate::engine::Engine::open(root.path(), runtime, true) {
        Ok(_) => panic!("a durable record cannot be lost: the root is refused"),
        Err(e) => e.to_string(),
    };
    assert!(
        err.contains("config.v2.json") && err.contains("empty"),
        "{err}"
    );
    assert!(dir.join("hostconfig.json").exists(), "nothing was deleted");
}

#[test]
fn an_emptied_engine_record_loses_no_container_no_id_and_no_rmi() {
    let root = tempfile::tempdir().expect("tmp");
    let mut s = session(root.path());
    let (first, _) = run(&mut s, "run -d --name one busybox sleep 1000");
    run(&mut s, "rmi alpine");
    run(&mut s, "ps");
    drop(s);
    stale_blocks(&root.path().join("engine.json"));
    let mut s = session(root.path());
    let (names, _) = run(&mut s, "ps --format '{{.Names}}'");
    assert_eq!(names, "one\n");
    let (second, _) = run(&mut s, "run -d --name two busybox sleep 1000");
    assert_ne!(
        first, second,
        "the deterministic counter restarted, but skips ids in use"
    );
    let (images, _) = run(&mut s, "images --format '{{.Repository}}:{{.Tag}}'");
    assert!(
        !images.contains("alpine:latest"),
        "the base images were not installed again: {images}"
    );
}

/// engine.json is never synced: a crash may give back an older one. Its clock then
/// catches up with the records, so time does not run backwards past a synced container.
#[test]
fn an_engine_record_a_crash_took_back_does_not_turn_the_clock_back() {
    let root = tempfile::tempdir().expect("tmp");
    let mut s = session(root.path());
    run(&mut s, "run -d --name one busybox sleep 1000");
    let older = std::fs::read(root.path().join("engine.json")).expect("engine.json");
    for _ in 0..5 {
        run(&mut s, "ps");
    }
    run(&mut s, "run -d --name two busybox sleep 1000");
    drop(s);
    std::fs::write(root.path().join("engine.json"), older).expect("the older record");
    let mut s = session(root.path());
    run(&mut s, "create --name three busybox");
    let created = |s: &mut Session, name: &str| {
        run(s, &format!("inspect --format '{{{{.Created}}}}' {name}")).0
    };
    let (two, three) = (created(&mut s, "two"), created(&mut s, "three"));
    assert!(three > two, "three {three} is not after two {two}");
    let (ps, _) = run(&mut s, "ps -a --format '{{.Names}} {{.Status}}'");
    assert!(ps.contains("two Up"), "{ps}");
}

/// The simulated process's state is runtime state, like the kernel's pid and exit records:
/// never synced. After a crash a kept container that was running shows as exited (255), as
/// Docker shows one its daemon lost, and its record is kept.
#[test]
fn a_running_container_whose_process_state_a_crash_lost_is_exited_255() {
    let root = tempfile::tempdir().expect("tmp");
    let mut s = session(root.path());
    let (_, syncs) = run(&mut s, "run -d --name kept busybox sleep 1000");
    assert!(syncs > 0);
    let dir = container_dir(root.path(), &mut s, "kept");
    drop(s);
    let process = std::fs::read_dir(&dir)
        .expect("dir")
        .flatten()
        .map(|e| e.path())
        .find(|p| p.to_string_lossy().ends_with("sim-process.json"))
        .expect("the simulated process's file");
    empty(&process);
    let mut s = session(root.path());
    let (ps, _) = run(&mut s, "ps -a --format '{{.Names}} {{.Status}}'");
    assert!(ps.starts_with("kept Exited (255)"), "{ps}");
}

/// A record of another shape (another version's) is not taken for a crash's leftovers: the
/// root is refused with the path, and nothing is deleted.
#[test]
fn a_record_of_another_shape_is_reported_not_deleted() {
    let root = tempfile::tempdir().expect("tmp");
    let mut s = session(root.path());
    run(&mut s, "create --name kept busybox");
    let dir = container_dir(root.path(), &mut s, "kept");
    drop(s);
    std::fs::write(dir.join("config.v2.json"), br#"{"Id": "older"}"#).expect("written");
    std::fs::write(dir.join("hostconfig.json"), br#"{"Memory": 0}"#).expect("written");
    let runtime = crate::cli::start::make_runtime(BackendKind::Sim).expect("sim");
    let err = match crate::engine::Engine::open(root.path(), runtime, true) {
        Ok(_) => panic!("an unreadable kept record refuses the root"),
        Err(e) => e.to_string(),
    };
    assert!(err.contains("config.v2.json"), "{err}");
    assert!(dir.join("config.v2.json").exists(), "nothing was deleted");
}

/// A container's record changes on disk only when the command ends, in one durable write:
/// until then the file holds the state before the command, which a crash in the middle
/// leaves in place.
#[test]
fn a_record_changed_during_a_command_is_written_when_it_ends() {
    let root = tempfile::tempdir().expect("tmp");
    let mut s = session(root.path());
    run(&mut s, "run -d --name up busybox sleep 1000");
    let record = container_dir(root.path(), &mut s, "up").join("config.v2.json");
    let before = std::fs::read(&record).expect("record");
    let engine = &mut s.engine;
    engine.begin().expect("begin");
    let id = engine
        .containers
        .keys()
        .next()
        .cloned()
        .expect("a container");
    let mut c = engine.containers[&id].clone();
    c.name = "/renamed".to_string();
    engine.save_container(c).expect("saved");
    assert_eq!(
        std::fs::read(&record).expect("record"),
        before,
        "written before the end"
    );
    assert_eq!(
        engine.containers[&id].name, "/renamed",
        "not seen in memory"
    );
    engine.end().expect("end");
    let after = std::fs::read_to_string(&record).expect("record");
    assert!(after.contains("/renamed"), "{after}");
}
