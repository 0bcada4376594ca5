//! The process's file-creation mask, for creating files and dirs with their final modes
//! in one call when the mask leaves those modes alone.
use std::sync::OnceLock;

/// The process's umask, read from /proc/self/status (Linux ≥ 4.7). Reading it with umask(2)
/// would mean setting it, which races with other threads creating files; 022 if unknown.
pub fn current_umask() -> u32 {
    static UMASK: OnceLock<u32> = OnceLock::new();
    *UMASK.get_or_init(|| {
        std::fs::read_to_string("/proc/self/status")
            .ok()
            .and_then(|status| {
                status
                    .lines()
                    .find_map(|l| l.strip_prefix("Umask:"))
                    .and_then(|v| u32::from_str_radix(v.trim(), 8).ok())
            })
            .unwrap_or(0o022)
    })
}
