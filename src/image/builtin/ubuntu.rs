//! ubuntu:24.04 (also ubuntu:latest): one usr-merged layer (~4.5 MB) with dpkg's status database.
use super::layer::LayerBuilder;

pub struct DebPackage {
    pub name: &'static str,
    pub version: &'static str,
    pub section: &'static str,
    pub priority: &'static str,
    pub installed_kb: u32,
    pub essential: bool,
    pub description: &'static str,
}

const fn pkg(
    name: &'static str,
    version: &'static str,
    section: &'static str,
    installed_kb: u32,
    essential: bool,
    description: &'static str,
) -> DebPackage {
    DebPackage {
        name,
        version,
        section,
        priority: if essential { "required" } else { "important" },
        installed_kb,
        essential,
        description,
    }
}

pub const UBUNTU_PACKAGES: &[DebPackage] = &[
    pkg(
        "apt",
        "2.7.14build2",
        "admin",
        4156,
        false,
        "commandline package manager",
    ),
    pkg(
        "base-files",
        "13ubuntu10.1",
        "admin",
        394,
        true,
        "Debian base system miscellaneous files",
    ),
    pkg(
        "base-passwd",
        "3.6.3build1",
        "admin",
        243,
        true,
        "Debian base system master password and group files",
    ),
    pkg(
        "bash",
        "5.2.21-2ubuntu4",
        "shells",
        1664,
        true,
        "GNU Bourne Again SHell",
    ),
    pkg(
        "bsdutils",
        "1:2.39.3-9ubuntu6.1",
        "utils",
        348,
        true,
        "basic utilities from 4.4BSD-Lite",
    ),
    pkg(
        "coreutils",
        "9.4-3ubuntu6",
        "utils",
        7224,
        true,
        "GNU core utilities",
    ),
    pkg(
        "dash",
        "0.5.12-6ubuntu5",
        "shells",
        190,
        true,
        "POSIX-compliant shell",
    ),
    pkg(
        "debconf",
        "1.5.86ubuntu1",
        "admin",
        512,
        false,
        "Debian configuration management system",
    ),
    pkg(
        "debianutils",
        "5.17build1",
        "utils",
        236,
        true,
        "Miscellaneous utilities specific to Debian",
    ),
    pkg(
        "diffutils",
        "1:3.10-1build1",
        "utils",
        1516,
        true,
        "File comparison utilities",
    ),
    pkg(
        "dpkg",
        "1.22.6ubuntu6.1",
        "admin",
        6432,
        true,
        "Debian package management system",
    ),
    pkg(
        "findutils",
        "4.9.0-5build1",
        "utils",
        1836,
        true,
        "utilities for finding files--find, xargs",
    ),
    pkg(
        "grep",
        "3.11-4build1",
        "utils",
        1092,
        true,
        "GNU grep, egrep and fgrep",
    ),
    pkg(
        "gzip",
        "1.12-1ubuntu3",
        "utils",
        252,
        true,
        "GNU compression utilities",
    ),
    pkg(
        "hostname",
        "3.23+nmu2ubuntu2",
        "admin",
        46,
        true,
        "utility to set/show the host name or domain name",
    ),
    pkg(
        "libc-bin",
        "2.39-0ubuntu8.3",
        "libs",
        2888,
        true,
        "GNU C Library: Binaries",
    ),
    pkg(
        "libc6",
        "2.39-0ubuntu8.3",
        "libs",
        13120,
        false,
        "GNU C Library: Shared libraries",
    ),
    pkg(
        "login",
        "1:4.13+dfsg1-4ubuntu3",
        "admin",
        1156,
        true,
        "system login tools",
    ),
    pkg(
        "mawk",
        "1.3.4.20240123-1build1",
        "interpreters",
        244,
        false,
        "Pattern scanning and text processing language",
    ),
    pkg(
        "ncurses-bin",
        "6.4+20240113-1ubuntu2",
        "utils",
        640,
        true,
        "terminal-related programs and man pages",
    ),
    pkg(
        "perl-base",
        "5.38.2-3.2build2",
        "perl",
        7836,
        true,
        "minimal Perl system",
    ),
    pkg(
        "procps",
        "2:4.0.4-4ubuntu3",
        "admin",
        1480,
        false,
        "/proc file system utilities",
    ),
    pkg(
        "sed",
        "4.9-2build1",
        "utils",
        860,
        true,
        "GNU stream editor for filtering/transforming text",
    ),
    pkg(
        "tar",
        "1.35+dfsg-3build1",
        "utils",
        2952,
        true,
        "GNU version of the tar archiving utility",
    ),
    pkg(
        "util-linux",
        "2.39.3-9ubuntu6.1",
        "utils",
        3388,
        true,
        "miscellaneous system utilities",
    ),
];

/// One stanza of /var/lib/dpkg/status.
pub fn dpkg_stanza(p: &DebPackage) -> String {
    let essential = if p.essential { "Essential: yes\n" } else { "" };
    format!(
        "Package: {}\n{essential}Status: install ok installed\nPriority: {}\nSection: {}\nInstalled-Size: {}\nMaintainer: Ubuntu Developers <ubuntu-devel-discuss@lists.ubuntu.com>\nArchitecture: amd64\nVersion: {}\nDescription: {}\n",
        p.name, p.priority, p.section, p.installed_kb, p.version, p.description
    )
}

/// /var/lib/dpkg/status: stanzas separated by blank lines.
pub fn dpkg_status(packages: &[&DebPackage]) -> String {
    packages
        .iter()
        .map(|p| dpkg_stanza(p))
        .collect::<Vec<_>>()
        .join("\n")
}

/// Programs in /usr/bin with their (filler) sizes.
const USR_BIN: &[(&str, usize)] = &[
    ("bash", 1_000_000),
    ("cat", 35_000),
    ("chmod", 55_000),
    ("chown", 59_000),
    ("cp", 100_000),
    ("date", 100_000),
    ("dd", 68_000),
    ("df", 84_000),
    ("du", 92_000),
    ("echo", 35_000),
    ("env", 44_000),
    ("false", 27_000),
    ("head", 43_000),
    ("id", 39_000),
    ("ln", 55_000),
    ("ls", 100_000),
    ("mkdir", 72_000),
    ("mv", 100_000),
    ("pwd", 35_000),
    ("rm", 59_000),
    ("rmdir", 47_000),
    ("sleep", 35_000),
    ("sort", 105_000),
    ("tail", 64_000),
    ("touch", 96_000),
    ("tr", 47_000),
    ("true", 27_000),
    ("uname", 35_000),
    ("wc", 47_000),
    ("whoami", 35_000),
    ("dash", 125_000),
    ("grep", 120_000),
    ("sed", 105_000),
    ("find", 120_000),
    ("xargs", 60_000),
    ("tar", 200_000),
    ("gzip", 80_000),
    ("hostname", 22_000),
    ("ps", 80_000),
    ("free", 27_000),
    ("top", 80_000),
    ("mawk", 90_000),
    ("dpkg", 150_000),
    ("dpkg-query", 80_000),
    ("apt", 19_000),
    ("apt-get", 27_000),
    ("apt-cache", 35_000),
    ("perl", 150_000),
    ("which", 1_000),
];

const OS_RELEASE: &str = "PRETTY_NAME=\"Ubuntu 24.04.1 LTS\"\nNAME=\"Ubuntu\"\nVERSION_ID=\"24.04\"\nVERSION=\"24.04.1 LTS (Noble Numbat)\"\nVERSION_CODENAME=noble\nID=ubuntu\nID_LIKE=debian\nHOME_URL=\"https://www.ubuntu.com/\"\nSUPPORT_URL=\"https://help.ubuntu.com/\"\nBUG_REPORT_URL=\"https://bugs.launchpad.net/ubuntu/\"\nPRIVACY_POLICY_URL=\"https://www.ubuntu.com/legal/terms-and-policies/privacy-policy\"\nUBUNTU_CODENAME=noble\nLOGO=ubuntu-logo\n";
const LSB_RELEASE: &str = "DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE=24.04\nDISTRIB_CODENAME=noble\nDISTRIB_DESCRIPTION=\"Ubuntu 24.04.1 LTS\"\n";
const SOURCES: &str = "Types: deb\nURIs: http://archive.ubuntu.com/ubuntu/\nSuites: noble noble-updates noble-backports\nComponents: main universe restricted multiverse\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n\nTypes: deb\nURIs: http://security.ubuntu.com/ubuntu/\nSuites: noble-security\nComponents: main universe restricted multiverse\nSigned-By: /usr/share/keyrings/ubuntu-archive-keyring.gpg\n";
const PASSWD: &str = "root:x:0:0:root:/root:/bin/bash\ndaemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin\nbin:x:2:2:bin:/bin:/usr/sbin/nologin\nsys:x:3:3:sys:/dev:/usr/sbin/nologin\nsync:x:4:65534:sync:/bin:/bin/sync\nman:x:6:12:man:/var/cache/man:/usr/sbin/nologin\nmail:x:8:8:mail:/var/mail:/usr/sbin/nologin\nwww-data:x:33:33:www-data:/var/www:/usr/sbin/nologin\nnobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\nubuntu:x:1000:1000:Ubuntu:/home/ubuntu:/bin/bash\n";
const GROUP: &str = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:ubuntu\ntty:x:5:\ndisk:x:6:\nmail:x:8:\nman:x:12:\nwww-data:x:33:\nstaff:x:50:\nusers:x:100:ubuntu\nnogroup:x:65534:\nubuntu:x:1000:\n";

/// The ubuntu image's single layer.
pub fn ubuntu_layer() -> Vec<u8> {
    let mut l = LayerBuilder::new();
    l.symlink("bin", "usr/bin")
        .dir("boot", 0o755)
        .dir("dev", 0o755)
        .file("etc/apt/sources.list.d/ubuntu.sources", 0o644, SOURCES)
        .dir("etc/apt/apt.conf.d", 0o755)
        .file("etc/debian_version", 0o644, "trixie/sid\n")
        .file("etc/group", 0o644, GROUP)
        .file("etc/hostname", 0o644, "")
        .file("etc/lsb-release", 0o644, LSB_RELEASE)
        .symlink("etc/os-release", "../usr/lib/os-release")
        .file("etc/passwd", 0o644, PASSWD)
        .file("etc/shadow", 0o640, "root:*:19916:0:99999:7:::\n")
        .file("etc/shells", 0o644, "# /etc/shells: valid login shells\n/bin/sh\n/usr/bin/sh\n/bin/bash\n/usr/bin/bash\n/bin/dash\n/usr/bin/dash\n")
        .dir("home/ubuntu", 0o750)
        .symlink("lib", "usr/lib")
        .symlink("lib64", "usr/lib64")
        .dir("media", 0o755)
        .dir("mnt", 0o755)
        .dir("opt", 0o755)
        .dir("proc", 0o755)
        .file("root/.bashrc", 0o644, "# ~/.bashrc: executed by bash(1) for non-login shells.\n")
        .file("root/.profile", 0o644, "if [ \"$BASH\" ]; then\n  if [ -f ~/.bashrc ]; then\n    . ~/.bashrc\n  fi\nfi\n")
        .dir("run", 0o755)
        .symlink("sbin", "usr/sbin")
        .dir("srv", 0o755)
        .dir("sys", 0o755)
        .dir("tmp", 0o1777)
        .symlink("usr/bin/sh", "dash")
        .file("usr/lib/os-release", 0o644, OS_RELEASE)
        .binary("usr/lib/x86_64-linux-gnu/libc.so.6", 450_000)
        .binary("usr/lib64/ld-linux-x86-64.so.2", 200_000)
        .dir("usr/local/bin", 0o755)
        .binary("usr/sbin/useradd", 60_000)
        .binary("usr/sbin/groupadd", 70_000)
        .dir("var/cache/apt/archives/partial", 0o755)
        .dir("var/lib/apt/lists/partial", 0o755)
        .file(
            "var/lib/dpkg/status",
            0o644,
            dpkg_status(&UBUNTU_PACKAGES.iter().collect::<Vec<_>>()),
        )
        .dir("var/lib/dpkg/info", 0o755)
        .dir("var/log", 0o755)
        .dir("var/tmp", 0o1777);
    for (name, size) in USR_BIN {
        l.binary(&format!("usr/bin/{name}"), *size);
    }
    l.build()
}
