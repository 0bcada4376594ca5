//! Test-only crash points. In a debug build, with `DOCKERLINGS_TEST_PAUSE_AT=<verb>:<point>`
//! in the environment, the process announces "dockerlings-test: paused at <verb>:<point>"
//! on stderr when it reaches that point and waits there to be killed (tests/images/crash.rs
//! sends SIGKILL, then checks the next process finds a clean store). Release builds compile
//! the hook out: it can never pause a user's command.

/// The environment variable naming the point to pause at.
pub const PAUSE_AT: &str = "DOCKERLINGS_TEST_PAUSE_AT";

#[cfg(debug_assertions)]
pub fn pause_point(name: &str) {
    use std::io::Write;
    if std::env::var(PAUSE_AT).is_ok_and(|v| v == name) {
        let mut err = std::io::stderr().lock();
        let _ = writeln!(err, "dockerlings-test: paused at {name}");
        let _ = err.flush();
        drop(err);
        loop {
            std::thread::sleep(std::time::Duration::from_secs(3600));
        }
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn pause_point(_name: &str) {}

/// With `DOCKERLINGS_TEST_REPORT_SYNCS` set, a debug build says on stderr how many fsyncs
/// its main thread made ("dockerlings-test: fsyncs N by PID"; a container's monitor, the
/// same program, reports too): tests/linux_backend.rs checks the durability policy on the
/// kernel with it. Compiled out of release builds.
pub const REPORT_SYNCS: &str = "DOCKERLINGS_TEST_REPORT_SYNCS";

#[cfg(debug_assertions)]
pub fn report_syncs() {
    if std::env::var_os(REPORT_SYNCS).is_some() {
        let (n, pid) = (crate::store::syncs_so_far(), std::process::id());
        eprintln!("dockerlings-test: fsyncs {n} by {pid}");
    }
}

#[cfg(not(debug_assertions))]
#[inline(always)]
pub fn report_syncs() {}
