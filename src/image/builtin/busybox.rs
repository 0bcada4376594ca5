//! busybox:latest and alpine:latest: one layer each, /bin full of busybox applets.
use super::layer::LayerBuilder;

/// Applets installed as hard links to the one busybox binary.
pub const APPLETS: &[&str] = &[
    "[",
    "[[",
    "ash",
    "awk",
    "base64",
    "basename",
    "cat",
    "chgrp",
    "chmod",
    "chown",
    "clear",
    "cp",
    "cut",
    "date",
    "dd",
    "df",
    "diff",
    "dirname",
    "dmesg",
    "du",
    "echo",
    "egrep",
    "env",
    "expr",
    "false",
    "fgrep",
    "find",
    "free",
    "grep",
    "gunzip",
    "gzip",
    "head",
    "hostname",
    "id",
    "ip",
    "kill",
    "killall",
    "less",
    "ln",
    "ls",
    "md5sum",
    "mkdir",
    "more",
    "mount",
    "mv",
    "netstat",
    "nslookup",
    "ping",
    "printf",
    "ps",
    "pwd",
    "readlink",
    "realpath",
    "rm",
    "rmdir",
    "sed",
    "seq",
    "sh",
    "sha256sum",
    "sleep",
    "sort",
    "stat",
    "tail",
    "tar",
    "tee",
    "test",
    "top",
    "touch",
    "tr",
    "true",
    "umount",
    "uname",
    "uniq",
    "uptime",
    "vi",
    "wc",
    "wget",
    "which",
    "whoami",
    "xargs",
    "yes",
];

/// busybox's own /etc/passwd and /etc/group.
const BUSYBOX_PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\ndaemon:x:1:1:daemon:/usr/sbin:/bin/false\nbin:x:2:2:bin:/bin:/bin/false\nsys:x:3:3:sys:/dev:/bin/false\nsync:x:4:100:sync:/bin:/bin/sync\nmail:x:8:8:mail:/var/spool/mail:/bin/false\nwww-data:x:33:33:www-data:/var/www:/bin/false\noperator:x:37:37:Operator:/var:/bin/false\nnobody:x:65534:65534:nobody:/home:/bin/false\n";
const BUSYBOX_GROUP: &str = "root:x:0:\ndaemon:x:1:\nbin:x:2:\nsys:x:3:\nadm:x:4:\ntty:x:5:\ndisk:x:6:\nwheel:x:10:root\nmail:x:8:\nkmem:x:9:\nshadow:x:42:\nusers:x:100:\nwww-data:x:33:\noperator:x:37:\nnogroup:x:65534:\n";
const BUSYBOX_SHADOW: &str = "root:*:10933:0:99999:7:::\ndaemon:*:10933:0:99999:7:::\nbin:*:10933:0:99999:7:::\nsys:*:10933:0:99999:7:::\nsync:*:10933:0:99999:7:::\nmail:*:10933:0:99999:7:::\nwww-data:*:10933:0:99999:7:::\noperator:*:10933:0:99999:7:::\nnobody:*:10933:0:99999:7:::\n";

/// The busybox image's single layer (~1 MB).
pub fn busybox_layer() -> Vec<u8> {
    let mut l = LayerBuilder::new();
    // As in the real image, `[` is the binary and every applet (busybox too) links to it:
    // it sorts first, so the links follow their target in the tar.
    l.binary("bin/[", 1_050_000);
    for applet in APPLETS.iter().skip(1).chain(["busybox"].iter()) {
        l.hardlink(&format!("bin/{applet}"), "bin/[");
    }
    l.dir("dev", 0o755)
        .file("etc/group", 0o644, BUSYBOX_GROUP)
        .file("etc/passwd", 0o644, BUSYBOX_PASSWD)
        .file("etc/shadow", 0o600, BUSYBOX_SHADOW)
        .file("etc/localtime", 0o644, "TZif2\0")
        .dir("home", 0o755)
        .dir("lib", 0o755)
        .symlink("lib64", "lib")
        .dir("proc", 0o755)
        .dir("root", 0o700)
        .dir("sys", 0o755)
        .dir("tmp", 0o1777)
        .dir("usr/sbin", 0o755)
        .dir("var/spool/mail", 0o755)
        .dir("var/www", 0o755);
    l.build()
}

const ALPINE_PASSWD: &str = "root:x:0:0:root:/root:/bin/sh\nbin:x:1:1:bin:/bin:/sbin/nologin\ndaemon:x:2:2:daemon:/sbin:/sbin/nologin\nlp:x:4:7:lp:/var/spool/lpd:/sbin/nologin\nsync:x:5:0:sync:/sbin:/bin/sync\nshutdown:x:6:0:shutdown:/sbin:/sbin/shutdown\nhalt:x:7:0:halt:/sbin:/sbin/halt\nmail:x:8:12:mail:/var/mail:/sbin/nologin\nnews:x:9:13:news:/usr/lib/news:/sbin/nologin\noperator:x:11:0:operator:/root:/sbin/nologin\nftp:x:21:21::/var/lib/ftp:/sbin/nologin\nsshd:x:22:22:sshd:/dev/null:/sbin/nologin\nguest:x:405:100:guest:/dev/null:/sbin/nologin\nnobody:x:65534:65534:nobody:/:/sbin/nologin\n";
const ALPINE_GROUP: &str = "root:x:0:root\nbin:x:1:root,bin,daemon\ndaemon:x:2:root,bin,daemon\nsys:x:3:root,bin\nadm:x:4:root,daemon\ntty:x:5:\ndisk:x:6:root\nwheel:x:10:root\nmail:x:12:mail\nshadow:x:42:\nusers:x:100:games\nnogroup:x:65533:\nnobody:x:65534:\n";
const ALPINE_OS_RELEASE: &str = "NAME=\"Alpine Linux\"\nID=alpine\nVERSION_ID=3.20.3\nPRETTY_NAME=\"Alpine Linux v3.20\"\nHOME_URL=\"https://alpinelinux.org/\"\nBUG_REPORT_URL=\"https://gitlab.alpinelinux.org/alpine/aports/-/issues\"\n";

/// (name, version, installed size, description, files as "dir/file")
const ALPINE_PACKAGES: &[(&str, &str, u32, &str, &[&str])] = &[
    (
        "musl",
        "1.2.5-r0",
        667648,
        "the musl c library (libc) implementation",
        &["lib/ld-musl-x86_64.so.1"],
    ),
    (
        "busybox",
        "1.36.1-r29",
        946176,
        "Size optimized toolbox of many common UNIX utilities",
        &["bin/busybox"],
    ),
    (
        "busybox-binsh",
        "1.36.1-r29",
        1,
        "busybox ash /bin/sh",
        &["bin/sh"],
    ),
    (
        "alpine-baselayout",
        "3.6.5-r0",
        8192,
        "Alpine base dir structure and init scripts",
        &["etc/passwd", "etc/group"],
    ),
    (
        "alpine-baselayout-data",
        "3.6.5-r0",
        77824,
        "Alpine base dir structure and init scripts",
        &["etc/os-release"],
    ),
    (
        "alpine-keys",
        "2.4-r1",
        159744,
        "Public keys for Alpine Linux packages",
        &[],
    ),
    (
        "ca-certificates-bundle",
        "20240705-r0",
        233472,
        "Pre generated bundle of Mozilla certificates",
        &[],
    ),
    (
        "libcrypto3",
        "3.3.2-r0",
        4747264,
        "Crypto library from openssl",
        &[],
    ),
    ("libssl3", "3.3.2-r0", 970752, "SSL shared libraries", &[]),
    (
        "zlib",
        "1.3.1-r1",
        102400,
        "A compression/decompression Library",
        &[],
    ),
    (
        "apk-tools",
        "2.14.4-r1",
        253952,
        "Alpine Package Keeper - package manager for alpine",
        &["sbin/apk"],
    ),
    (
        "musl-utils",
        "1.2.5-r0",
        135168,
        "the musl c library (libc) implementation",
        &["usr/bin/ldd"],
    ),
    (
        "scanelf",
        "1.3.7-r2",
        81920,
        "Scan ELF binaries for stuff",
        &["usr/bin/scanelf"],
    ),
    (
        "ssl_client",
        "1.36.1-r29",
        14336,
        "EXternal ssl_client for busybox wget",
        &["usr/bin/ssl_client"],
    ),
];

/// apk's installed database (/lib/apk/db/installed), one block per package.
pub fn apk_installed_db() -> String {
    let mut out = String::new();
    for (name, version, size, description, files) in ALPINE_PACKAGES {
        out.push_str(&format!(
            "C:Q1{}=\nP:{name}\nV:{version}\nA:x86_64\nS:{}\nI:{size}\nT:{description}\nU:https://alpinelinux.org\nL:MIT\no:{name}\nm:Natanael Copa <ncopa@alpinelinux.org>\nt:1725000000\n",
            &hex_name(name),
            size / 2
        ));
        let mut last_dir = "";
        for file in *files {
            let (dir, base) = file.rsplit_once('/').unwrap_or(("", file));
            if dir != last_dir {
                out.push_str(&format!("F:{dir}\n"));
                last_dir = dir;
            }
            out.push_str(&format!("R:{base}\n"));
        }
        out.push('\n');
    }
    out
}

fn hex_name(name: &str) -> String {
    let digest = <sha2::Sha256 as sha2::Digest>::digest(name.as_bytes());
    hex::encode(&digest[..13])
}

/// The alpine image's single layer (~1.3 MB).
pub fn alpine_layer() -> Vec<u8> {
    let mut l = LayerBuilder::new();
    l.binary("bin/busybox", 700_000);
    for applet in APPLETS {
        l.symlink(&format!("bin/{applet}"), "/bin/busybox");
    }
    l.dir("dev", 0o755)
        .file("etc/alpine-release", 0o644, "3.20.3\n")
        .file("etc/apk/arch", 0o644, "x86_64\n")
        .file("etc/apk/repositories", 0o644, "https://dl-cdn.alpinelinux.org/alpine/v3.20/main\nhttps://dl-cdn.alpinelinux.org/alpine/v3.20/community\n")
        .file("etc/apk/world", 0o644, "alpine-baselayout\nalpine-keys\napk-tools\nbusybox\nca-certificates-bundle\nlibc-utils\nlibcrypto3\nlibssl3\nmusl\nmusl-utils\nscanelf\nssl_client\nzlib\n")
        .file("etc/group", 0o644, ALPINE_GROUP)
        .file("etc/hostname", 0o644, "localhost\n")
        .file("etc/os-release", 0o644, ALPINE_OS_RELEASE)
        .file("etc/passwd", 0o644, ALPINE_PASSWD)
        .file("etc/shadow", 0o640, "root:*::0:::::\n")
        .file("etc/shells", 0o644, "# valid login shells\n/bin/sh\n/bin/ash\n")
        .dir("home", 0o755)
        .binary("lib/ld-musl-x86_64.so.1", 450_000)
        .symlink("lib/libc.musl-x86_64.so.1", "ld-musl-x86_64.so.1")
        .file("lib/apk/db/installed", 0o644, apk_installed_db())
        .file("lib/apk/db/lock", 0o600, "")
        .file("lib/apk/db/triggers", 0o644, "")
        .dir("media", 0o755)
        .dir("mnt", 0o755)
        .dir("opt", 0o755)
        .dir("proc", 0o555)
        .dir("root", 0o700)
        .dir("run", 0o755)
        .binary("sbin/apk", 60_000)
        .dir("srv", 0o755)
        .dir("sys", 0o755)
        .dir("tmp", 0o1777)
        .dir("usr/local/bin", 0o755)
        .binary("usr/bin/ldd", 4_000)
        .binary("usr/bin/scanelf", 60_000)
        .binary("usr/bin/ssl_client", 14_000)
        .dir("usr/sbin", 0o755)
        .dir("var/cache/apk", 0o755)
        .dir("var/log", 0o755)
        .dir("var/tmp", 0o1777);
    l.build()
}
