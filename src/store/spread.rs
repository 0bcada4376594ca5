//! Where ext4 puts a root's new files. ext4 allocates a file's inode in its directory's
//! block group, and a subdirectory's near its parent's. Without a journal (this project's
//! CI machine), ext4 will not reuse an inode freed in the last 5 s, or 305 s while its
//! inode-table block is dirty, and walks past each such inode on every allocation. A root
//! under /tmp shares its group with every test suite's churn: creating an empty file there
//! measured 0.37–0.47 ms, against 0.014 ms in a subdirectory spread to another group.
//! Containers, layers and temporary files churn, so their parent directories get ext4's
//! "top of a hierarchy" flag (`chattr +T`): the Orlov allocator then spreads each new
//! subdirectory over the groups instead of packing it beside its parent. Best effort: a
//! filesystem without the flag (tmpfs, xfs) refuses the ioctl and nothing changes.
use std::os::fd::AsRawFd;
use std::path::Path;

/// FS_TOPDIR_FL from linux/fs.h.
const FS_TOPDIR_FL: libc::c_long = 0x0002_0000;

/// Sets the flag on `dir` if it is not set; any failure leaves the directory as it was.
/// Whether `dir` has the flag now (false on a filesystem without it, such as tmpfs, which
/// reads inode flags but refuses this one).
pub fn spread_subdirs(dir: &Path) -> bool {
    let Ok(handle) = std::fs::File::open(dir) else {
        return false;
    };
    let fd = handle.as_raw_fd();
    let mut flags: libc::c_long = 0;
    // SAFETY: FS_IOC_GETFLAGS / SETFLAGS read or write one long through the pointer, on a
    // directory fd we hold open.
    unsafe {
        if libc::ioctl(fd, libc::FS_IOC_GETFLAGS, &mut flags) != 0 {
            return false;
        }
        if flags & FS_TOPDIR_FL != 0 {
            return true;
        }
        flags |= FS_TOPDIR_FL;
        libc::ioctl(fd, libc::FS_IOC_SETFLAGS, &flags) == 0
    }
}

/// Whether `dir` has the flag.
pub fn spreads_subdirs(dir: &Path) -> bool {
    topdir_flag(dir) == Some(true)
}

/// Whether `dir` has the flag; None when it cannot be told (no such dir, or a
/// filesystem without inode flags: then there is nothing to set either).
pub fn topdir_flag(dir: &Path) -> Option<bool> {
    let handle = std::fs::File::open(dir).ok()?;
    let mut flags: libc::c_long = 0;
    // SAFETY: as above, read-only.
    let read = unsafe { libc::ioctl(handle.as_raw_fd(), libc::FS_IOC_GETFLAGS, &mut flags) };
    (read == 0).then_some(flags & FS_TOPDIR_FL != 0)
}
