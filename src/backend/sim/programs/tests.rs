use std::collections::BTreeMap;
use std::path::Path;

use super::files::{glob_match, parse_mode};
use super::*;
use crate::backend::sim::sys::Sys;
use crate::backend::sim::system::SimSystem;
use crate::image::changes::changes;

const BINARIES: &[&str] = &[
    "ls", "cat", "echo", "rm", "mkdir", "tr", "wc", "head", "tail", "grep", "seq", "sort", "uniq",
    "cut", "ps", "id", "free", "basename", "dirname", "chmod", "stat", "find", "du", "touch", "cp",
    "mv", "rmdir", "ln", "which", "uname", "hostname", "env", "true", "false",
];

/// An image layer of the given flavor, plus an empty upper dir.
fn image(flavor: Flavor) -> (tempfile::TempDir, UnionFs) {
    let tmp = tempfile::tempdir().unwrap();
    let base = tmp.path().join("base");
    let upper = tmp.path().join("upper");
    std::fs::create_dir_all(&upper).unwrap();
    for d in ["etc", "home", "root", "tmp", "var", "usr/bin"] {
        std::fs::create_dir_all(base.join(d)).unwrap();
    }
    let bin = match flavor {
        Flavor::Ubuntu => {
            std::os::unix::fs::symlink("usr/bin", base.join("bin")).unwrap();
            base.join("usr/bin")
        }
        _ => {
            std::fs::create_dir_all(base.join("bin")).unwrap();
            base.join("bin")
        }
    };
    for b in BINARIES {
        std::fs::write(bin.join(b), "").unwrap();
    }
    std::fs::write(base.join("etc/motd"), "hello from the image\n").unwrap();
    match flavor {
        Flavor::Ubuntu => {
            std::fs::create_dir_all(base.join("var/lib/dpkg")).unwrap();
            std::fs::write(
                base.join("var/lib/dpkg/status"),
                "Package: bash\nStatus: install ok installed\nVersion: 5.2.21-2ubuntu4\n\n",
            )
            .unwrap();
            std::fs::write(base.join("etc/lsb-release"), "DISTRIB_ID=Ubuntu\n").unwrap();
            std::fs::write(base.join("usr/bin/apt-get"), "").unwrap();
        }
        Flavor::Alpine => {
            std::fs::write(base.join("etc/alpine-release"), "3.20.3\n").unwrap();
            std::fs::create_dir_all(base.join("lib/apk/db")).unwrap();
            std::fs::create_dir_all(base.join("sbin")).unwrap();
            std::fs::write(base.join("sbin/apk"), "").unwrap();
            let db: String = (0..14).map(|i| format!("P:base{i}\nV:1\n\n")).collect();
            std::fs::write(base.join("lib/apk/db/installed"), db).unwrap();
        }
        Flavor::Busybox => {}
    }
    (tmp, UnionFs::new(vec![base], upper))
}

/// Run a command line (split on spaces) the way the shell would: PATH lookup, then run.
fn sh(fs: &mut UnionFs, line: &str, stdin: &str) -> ProgramResult {
    let mut sys = SimSystem::new(
        fs,
        "f75c19081b1e".to_string(),
        crate::util::clock::deterministic_epoch(),
    );
    sys.procs = vec![ProcInfo {
        pid: 1,
        user: "root".into(),
        command: "sleep 100000".into(),
        tty: None,
    }];
    sys.memory = MemInfo {
        total: 2 << 30,
        used: 100 << 20,
        shared: 0,
        buff_cache: 50 << 20,
    };
    let words: Vec<String> = line.split(' ').map(str::to_string).collect();
    let env = BTreeMap::from([("PATH".to_string(), DEFAULT_PATH.to_string())]);
    match sys.find_program(&words[0], DEFAULT_PATH, "/") {
        Some(path) => sys.run_program(&path, &words[1..], &env, "/", stdin),
        None => ProgramResult {
            stderr: format!("sh: {}: not found\n", words[0]),
            code: 127,
            ..Default::default()
        },
    }
}

fn show(r: &ProgramResult) -> String {
    format!(
        "{}{}[exit {}]",
        r.stdout,
        r.stderr
            .lines()
            .map(|l| format!("[stderr] {l}\n"))
            .collect::<String>(),
        r.code
    )
}

#[test]
fn flavor_is_detected_from_the_filesystem() {
    for flavor in [Flavor::Busybox, Flavor::Alpine, Flavor::Ubuntu] {
        let (_t, fs) = image(flavor);
        assert_eq!(crate::backend::sim::system::detect_flavor(&fs), flavor);
    }
}

#[test]
fn error_wording_follows_busybox_or_gnu() {
    let (_t, mut bb) = image(Flavor::Busybox);
    let (_u, mut gnu) = image(Flavor::Ubuntu);
    insta::assert_snapshot!(show(&sh(&mut bb, "ls /home /nope", "")), @r"
    /home:
    [stderr] ls: /nope: No such file or directory
    [exit 1]
    ");
    insta::assert_snapshot!(show(&sh(&mut gnu, "ls /nope", "")), @r"
    [stderr] ls: cannot access '/nope': No such file or directory
    [exit 2]
    ");
    insta::assert_snapshot!(show(&sh(&mut bb, "cat /x", "")), @r"
    [stderr] cat: can't open '/x': No such file or directory
    [exit 1]
    ");
    insta::assert_snapshot!(show(&sh(&mut gnu, "cat /x", "")), @r"
    [stderr] cat: /x: No such file or directory
    [exit 1]
    ");
    insta::assert_snapshot!(show(&sh(&mut bb, "rm /etc", "")), @r"
    [stderr] rm: '/etc' is a directory
    [exit 1]
    ");
    insta::assert_snapshot!(show(&sh(&mut gnu, "mkdir /etc", "")), @r"
    [stderr] mkdir: cannot create directory '/etc': File exists
    [exit 1]
    ");
}

#[test]
fn removing_a_binary_makes_the_program_not_found() {
    let (_t, mut fs) = image(Flavor::Busybox);
    assert_eq!(sh(&mut fs, "rm /bin/ls", "").code, 0);
    insta::assert_snapshot!(show(&sh(&mut fs, "ls /", "")), @r"
    [stderr] sh: ls: not found
    [exit 127]
    ");
    let (_u, mut fs) = image(Flavor::Busybox);
    insta::assert_snapshot!(show(&sh(&mut fs, "apt-get update", "")), @r"
    [stderr] sh: apt-get: not found
    [exit 127]
    ");
}

#[test]
fn ls_long_uses_busybox_columns() {
    let (_t, mut fs) = image(Flavor::Busybox);
    let r = sh(&mut fs, "ls -la /etc", "");
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines[0], "total 12");
    assert!(
        lines[1].starts_with("drwxr-xr-x    2 root     root          4096 "),
        "{}",
        lines[1]
    );
    assert!(
        lines[3].starts_with("-rw-r--r--    1 root     root            21 "),
        "{}",
        lines[3]
    );
    assert!(lines[3].ends_with(" motd"));
}

#[test]
fn text_programs() {
    let (_t, mut fs) = image(Flavor::Busybox);
    let text = "b 2\na 1\nb 2\nC 3\n";
    insta::assert_snapshot!(sh(&mut fs, "sort", text).stdout, @r"
    C 3
    a 1
    b 2
    b 2
    ");
    assert_eq!(
        sh(&mut fs, "uniq -c", "x\nx\ny\n").stdout,
        "      2 x\n      1 y\n"
    );
    assert_eq!(sh(&mut fs, "tr a-z A-Z", "hello\n").stdout, "HELLO\n");
    assert_eq!(sh(&mut fs, "tr -d l", "hello\n").stdout, "heo\n");
    assert_eq!(sh(&mut fs, "wc -l", text).stdout, "4\n");
    assert_eq!(sh(&mut fs, "wc", text).stdout, "      4       8      16\n");
    assert_eq!(sh(&mut fs, "head -n 1", text).stdout, "b 2\n");
    assert_eq!(sh(&mut fs, "tail -n1", text).stdout, "C 3\n");
    assert_eq!(sh(&mut fs, "grep -c b", text).stdout, "2\n");
    assert_eq!(sh(&mut fs, "grep -vi b", text).stdout, "a 1\nC 3\n");
    assert_eq!(sh(&mut fs, "grep zzz", text).code, 1);
    assert_eq!(sh(&mut fs, "cut -d : -f 1,3", "a:b:c\n").stdout, "a:c\n");
    assert_eq!(sh(&mut fs, "seq 3", "").stdout, "1\n2\n3\n");
    assert_eq!(sh(&mut fs, "basename /usr/bin/ls", "").stdout, "ls\n");
    assert_eq!(sh(&mut fs, "dirname /usr/bin/ls", "").stdout, "/usr/bin\n");
    assert_eq!(sh(&mut fs, "echo -n hi", "").stdout, "hi");
}

#[test]
fn process_and_identity_programs() {
    let (_t, mut bb) = image(Flavor::Busybox);
    let (_u, mut gnu) = image(Flavor::Ubuntu);
    insta::assert_snapshot!(sh(&mut bb, "ps", "").stdout, @r"
    PID   USER     TIME  COMMAND
        1 root      0:00 sleep 100000
        2 root      0:00 ps
    ");
    insta::assert_snapshot!(sh(&mut gnu, "ps", "").stdout, @r"
        PID TTY          TIME CMD
          1 ?        00:00:00 sleep
          2 ?        00:00:00 ps
    ");
    assert_eq!(
        sh(&mut gnu, "id", "").stdout,
        "uid=0(root) gid=0(root) groups=0(root)\n"
    );
    insta::assert_snapshot!(sh(&mut bb, "free -m", "").stdout, @r"
                total        used        free      shared  buff/cache   available
    Mem:         2048         100        1898           0          50        1948
    Swap:           0           0           0
    ");
    assert_eq!(sh(&mut bb, "which ls", "").stdout, "/bin/ls\n");
    assert_eq!(sh(&mut bb, "hostname", "").stdout, "f75c19081b1e\n");
}

#[test]
fn file_programs_change_the_upper_dir() {
    let (_t, mut fs) = image(Flavor::Busybox);
    assert_eq!(sh(&mut fs, "mkdir -p /data/a/b", "").code, 0);
    assert_eq!(sh(&mut fs, "cp /etc/motd /data", "").code, 0);
    assert_eq!(sh(&mut fs, "mv /data/motd /data/a", "").code, 0);
    assert_eq!(sh(&mut fs, "chmod 600 /data/a/motd", "").code, 0);
    assert_eq!(sh(&mut fs, "touch /tmp/t", "").code, 0);
    assert_eq!(sh(&mut fs, "rm -r /tmp", "").code, 0);
    insta::assert_snapshot!(sh(&mut fs, "find /data", "").stdout, @r"
    /data
    /data/a
    /data/a/b
    /data/a/motd
    ");
    assert!(
        sh(&mut fs, "stat /data/a/motd", "")
            .stdout
            .contains("Access: (0600/-rw-------)")
    );
    assert_eq!(
        sh(&mut fs, "cat /data/a/motd", "").stdout,
        "hello from the image\n"
    );
}

#[test]
fn symbolic_modes_and_globs() {
    assert_eq!(parse_mode("755", 0), Some(0o755));
    assert_eq!(parse_mode("u+x", 0o644), Some(0o744));
    assert_eq!(parse_mode("a-w", 0o644), Some(0o444));
    assert_eq!(parse_mode("go=r", 0o700), Some(0o744));
    assert_eq!(parse_mode("+x", 0o644), Some(0o755));
    assert_eq!(parse_mode("z+x", 0o644), None);
    assert!(glob_match("*.txt", "a.txt"));
    assert!(!glob_match("*.txt", "a.txt.bak"));
    assert!(glob_match("?ot*", "motd"));
}

fn diff_lines(fs: &UnionFs) -> String {
    let got = changes(fs.upper(), fs.lowers()).unwrap();
    got.iter().map(|c| format!("{c}\n")).collect()
}

#[test]
fn apt_get_needs_update_then_installs_into_the_upper_dir() {
    let (_t, mut fs) = image(Flavor::Ubuntu);
    insta::assert_snapshot!(show(&sh(&mut fs, "apt-get install -y curl", "")), @r"
    Reading package lists... Done
    Building dependency tree... Done
    Reading state information... Done
    [stderr] E: Unable to locate package curl
    [exit 100]
    ");
    assert_eq!(sh(&mut fs, "apt-get update", "").code, 0);
    insta::assert_snapshot!(show(&sh(&mut fs, "apt-get install -y curl", "")), @r"
    Reading package lists... Done
    Building dependency tree... Done
    Reading state information... Done
    The following additional packages will be installed:
      ca-certificates libcurl4t64
    The following NEW packages will be installed:
      ca-certificates curl libcurl4t64
    0 upgraded, 3 newly installed, 0 to remove and 0 not upgraded.
    Need to get 727 kB of archives.
    After this operation, 1,807 kB of additional disk space will be used.
    Get:1 http://archive.ubuntu.com/ubuntu noble/main amd64 libcurl4t64 amd64 8.5.0-2ubuntu10 [341 kB]
    Get:2 http://archive.ubuntu.com/ubuntu noble/main amd64 ca-certificates amd64 20240203 [159 kB]
    Get:3 http://archive.ubuntu.com/ubuntu noble/main amd64 curl amd64 8.5.0-2ubuntu10 [227 kB]
    Fetched 727 kB in 1s (727 kB/s)
    debconf: delaying package configuration, since apt-utils is not installed
    Selecting previously unselected package libcurl4t64.
    (Reading database ... 4382 files and directories currently installed.)
    Preparing to unpack .../libcurl4t64_8.5.0-2ubuntu10_amd64.deb ...
    Unpacking libcurl4t64 (8.5.0-2ubuntu10) ...
    Selecting previously unselected package ca-certificates.
    Preparing to unpack .../ca-certificates_20240203_amd64.deb ...
    Unpacking ca-certificates (20240203) ...
    Selecting previously unselected package curl.
    Preparing to unpack .../curl_8.5.0-2ubuntu10_amd64.deb ...
    Unpacking curl (8.5.0-2ubuntu10) ...
    Setting up libcurl4t64 (8.5.0-2ubuntu10) ...
    Setting up ca-certificates (20240203) ...
    Setting up curl (8.5.0-2ubuntu10) ...
    Processing triggers for libc-bin (2.39-0ubuntu8) ...
    [exit 0]
    ");
    let diff = diff_lines(&fs);
    assert!(diff.contains("C /var/lib/dpkg/status\n"), "{diff}");
    assert!(diff.contains("A /usr/bin/curl\n"), "{diff}");
    assert!(diff.contains("A /var/lib/apt/lists\n"), "{diff}");
    assert_eq!(sh(&mut fs, "curl --version", "").code, 0);
    let again = sh(&mut fs, "apt-get install curl", "");
    assert!(
        again
            .stdout
            .contains("curl is already the newest version (8.5.0-2ubuntu10).")
    );
    let removed = sh(&mut fs, "apt-get remove -y curl", "");
    assert!(
        removed
            .stdout
            .contains("Removing curl (8.5.0-2ubuntu10) ..."),
        "{}",
        show(&removed)
    );
    assert!(!diff_lines(&fs).contains("A /usr/bin/curl\n"));
    let status = fs.read_file("/", "/var/lib/dpkg/status").unwrap();
    assert!(
        !String::from_utf8(status)
            .unwrap()
            .contains("Package: curl\n")
    );
}

#[test]
fn apk_add_installs_with_dependencies() {
    let (_t, mut fs) = image(Flavor::Alpine);
    insta::assert_snapshot!(show(&sh(&mut fs, "apk add curl", "")), @r"
    fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz
    fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/APKINDEX.tar.gz
    (1/3) Installing ca-certificates (20240705-r0)
    (2/3) Installing libcurl (8.9.0-r0)
    (3/3) Installing curl (8.9.0-r0)
    Executing busybox-1.36.1-r29.trigger
    OK: 7 MiB in 17 packages
    [exit 0]
    ");
    insta::assert_snapshot!(show(&sh(&mut fs, "apk add nosuch", "")), @r"
    fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/main/x86_64/APKINDEX.tar.gz
    fetch https://dl-cdn.alpinelinux.org/alpine/v3.20/community/x86_64/APKINDEX.tar.gz
    [stderr] ERROR: unable to select packages:
    [stderr]   nosuch (no such package):
    [stderr]     required by: world[nosuch]
    [exit 1]
    ");
    let diff = diff_lines(&fs);
    assert!(diff.contains("C /lib/apk/db/installed\n"), "{diff}");
    assert!(diff.contains("A /usr/bin/curl\n"), "{diff}");
    let _ = Path::new("/");
}
