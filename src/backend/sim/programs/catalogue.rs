//! The simulator's package catalogue: a few real packages with their real versions (Ubuntu
//! 24.04 "noble", Alpine 3.20), dependencies and the files they install. Binaries are filler
//! files of roughly the real size, so `du` and layer sizes look plausible.

/// One package, as both distributions know it.
pub struct Package {
    pub name: &'static str,
    /// Debian version (`apt`), `None` when Ubuntu has no such package.
    pub deb_version: Option<&'static str>,
    /// Alpine version (`apk`), `None` when Alpine has no such package.
    pub apk_version: Option<&'static str>,
    pub section: &'static str,
    /// Download size, kB.
    pub download_kb: u64,
    /// Installed size, kB.
    pub installed_kb: u64,
    pub deb_depends: &'static [&'static str],
    pub apk_depends: &'static [&'static str],
    /// Installed executables (absolute paths) with their size in bytes.
    pub binaries: &'static [(&'static str, usize)],
    /// Config/data files with their content.
    pub files: &'static [(&'static str, &'static str)],
    pub description: &'static str,
    /// What `PROG --version` prints (first line).
    pub version_line: &'static str,
}

const fn pkg(name: &'static str, deb: &'static str, apk: &'static str) -> Package {
    Package {
        name,
        deb_version: if deb.is_empty() { None } else { Some(deb) },
        apk_version: if apk.is_empty() { None } else { Some(apk) },
        section: "utils",
        download_kb: 100,
        installed_kb: 300,
        deb_depends: &[],
        apk_depends: &[],
        binaries: &[],
        files: &[],
        description: "",
        version_line: "",
    }
}

pub const CATALOGUE: &[Package] = &[
    Package {
        section: "web",
        download_kb: 227,
        installed_kb: 534,
        deb_depends: &["libcurl4t64", "ca-certificates"],
        apk_depends: &["ca-certificates", "libcurl"],
        binaries: &[("/usr/bin/curl", 268_048)],
        description: "command line tool for transferring data with URL syntax",
        version_line: "curl 8.5.0 (x86_64-pc-linux-gnu) libcurl/8.5.0",
        ..pkg("curl", "8.5.0-2ubuntu10", "8.9.0-r0")
    },
    Package {
        section: "libs",
        download_kb: 341,
        installed_kb: 872,
        binaries: &[("/usr/lib/x86_64-linux-gnu/libcurl.so.4.8.0", 710_400)],
        description: "easy-to-use client-side URL transfer library (OpenSSL flavour)",
        ..pkg("libcurl4t64", "8.5.0-2ubuntu10", "")
    },
    Package {
        section: "libs",
        download_kb: 317,
        installed_kb: 684,
        binaries: &[("/usr/lib/libcurl.so.4.8.0", 650_000)],
        description: "The multiprotocol file transfer library",
        ..pkg("libcurl", "", "8.9.0-r0")
    },
    Package {
        section: "misc",
        download_kb: 159,
        installed_kb: 401,
        files: &[
            ("/etc/ca-certificates.conf", "mozilla/ISRG_Root_X1.crt\n"),
            (
                "/etc/ssl/certs/ca-certificates.crt",
                "-----BEGIN CERTIFICATE-----\n",
            ),
        ],
        description: "Common CA certificates",
        ..pkg("ca-certificates", "20240203", "20240705-r0")
    },
    Package {
        section: "web",
        download_kb: 334,
        installed_kb: 980,
        binaries: &[("/usr/bin/wget", 540_000)],
        files: &[("/etc/wgetrc", "# wgetrc\n")],
        description: "retrieves files from the web",
        version_line: "GNU Wget 1.21.4 built on linux-gnu.",
        ..pkg("wget", "1.21.4-1ubuntu4", "1.24.5-r0")
    },
    Package {
        section: "editors",
        download_kb: 1_774,
        installed_kb: 4_060,
        deb_depends: &["vim-runtime"],
        binaries: &[("/usr/bin/vim", 3_900_000)],
        description: "Vi IMproved - enhanced vi editor",
        version_line: "VIM - Vi IMproved 9.1",
        ..pkg("vim", "2:9.1.0016-1ubuntu7", "9.1.0414-r0")
    },
    Package {
        section: "editors",
        download_kb: 7_000,
        installed_kb: 36_000,
        files: &[("/usr/share/vim/vim91/defaults.vim", "\" defaults.vim\n")],
        description: "Vi IMproved - Runtime files",
        ..pkg("vim-runtime", "2:9.1.0016-1ubuntu7", "")
    },
    Package {
        section: "editors",
        download_kb: 281,
        installed_kb: 881,
        binaries: &[("/usr/bin/nano", 283_000)],
        files: &[("/etc/nanorc", "# nanorc\n")],
        description: "small, friendly text editor inspired by Pico",
        version_line: " GNU nano, version 7.2",
        ..pkg("nano", "7.2-2build1", "8.0-r0")
    },
    Package {
        section: "vcs",
        download_kb: 3_680,
        installed_kb: 21_000,
        deb_depends: &["git-man", "ca-certificates"],
        apk_depends: &["ca-certificates"],
        binaries: &[("/usr/bin/git", 3_800_000)],
        description: "fast, scalable, distributed revision control system",
        version_line: "git version 2.43.0",
        ..pkg("git", "1:2.43.0-1ubuntu7", "2.45.2-r0")
    },
    Package {
        section: "doc",
        download_kb: 1_100,
        installed_kb: 2_000,
        files: &[("/usr/share/man/man1/git.1.gz", "git(1)\n")],
        description: "fast, scalable, distributed revision control system (manual pages)",
        ..pkg("git-man", "1:2.43.0-1ubuntu7", "")
    },
    Package {
        section: "python",
        download_kb: 5_400,
        installed_kb: 24_000,
        binaries: &[("/usr/bin/python3", 8_000_000)],
        files: &[("/usr/lib/python3.12/os.py", "# os.py\n")],
        description: "interactive high-level object-oriented language (default python3 version)",
        version_line: "Python 3.12.3",
        ..pkg("python3", "3.12.3-0ubuntu1", "3.12.3-r1")
    },
    Package {
        section: "httpd",
        download_kb: 552,
        installed_kb: 1_380,
        deb_depends: &["nginx-common"],
        binaries: &[("/usr/sbin/nginx", 1_300_000)],
        files: &[(
            "/etc/nginx/nginx.conf",
            "user www-data;\nworker_processes auto;\n",
        )],
        description: "small, powerful, scalable web/proxy server",
        version_line: "nginx version: nginx/1.24.0 (Ubuntu)",
        ..pkg("nginx", "1.24.0-2ubuntu7", "1.26.2-r0")
    },
    Package {
        section: "httpd",
        download_kb: 31,
        installed_kb: 165,
        files: &[(
            "/var/www/html/index.nginx-debian.html",
            "<h1>Welcome to nginx!</h1>\n",
        )],
        description: "small, powerful, scalable web/proxy server - common files",
        ..pkg("nginx-common", "1.24.0-2ubuntu7", "")
    },
    Package {
        section: "utils",
        download_kb: 171,
        installed_kb: 434,
        binaries: &[("/usr/bin/htop", 330_000)],
        description: "interactive processes viewer",
        version_line: "htop 3.3.0",
        ..pkg("htop", "3.3.0-4build1", "3.3.0-r0")
    },
    Package {
        section: "utils",
        download_kb: 47,
        installed_kb: 118,
        binaries: &[("/usr/bin/tree", 90_000)],
        description: "displays an indented directory tree, in color",
        version_line: "tree v2.1.1 (c) 1996 - 2023 by Steve Baker, Thomas Moore, Francesc Rocher, Florian Sesser, Kyosuke Tokoro",
        ..pkg("tree", "2.1.1-2ubuntu3", "2.1.1-r0")
    },
    Package {
        section: "net",
        download_kb: 44,
        installed_kb: 115,
        binaries: &[("/usr/bin/ping", 90_000)],
        description: "Tools to test the reachability of network hosts",
        version_line: "ping from iputils 20240117",
        ..pkg("iputils-ping", "3:20240117-1build1", "20240117-r0")
    },
    Package {
        section: "utils",
        download_kb: 65,
        installed_kb: 102,
        deb_depends: &["libjq1"],
        binaries: &[("/usr/bin/jq", 31_000)],
        description: "lightweight and flexible command-line JSON processor",
        version_line: "jq-1.7.1",
        ..pkg("jq", "1.7.1-3build1", "1.7.1-r0")
    },
    Package {
        section: "libs",
        download_kb: 141,
        installed_kb: 378,
        binaries: &[("/usr/lib/x86_64-linux-gnu/libjq.so.1.0.4", 350_000)],
        description: "lightweight and flexible command-line JSON processor - shared library",
        ..pkg("libjq1", "1.7.1-3build1", "")
    },
];

pub fn find(name: &str) -> Option<&'static Package> {
    CATALOGUE.iter().find(|p| p.name == name)
}

/// What an installed catalogue program does when run: `--version` works, anything else
/// explains that the simulator has no network or full implementation. (code, stdout, stderr)
pub fn program_reply(name: &str, args: &[String]) -> Option<(i32, String, String)> {
    let pkg = CATALOGUE.iter().find(|p| {
        p.binaries
            .iter()
            .any(|(path, _)| path.rsplit('/').next() == Some(name))
    })?;
    if args
        .iter()
        .any(|a| a == "--version" || a == "-V" || a == "-v")
    {
        return Some((0, format!("{}\n", pkg.version_line), String::new()));
    }
    let host = args
        .iter()
        .rfind(|a| !a.starts_with('-'))
        .map(|a| {
            let rest = a.split("://").last().unwrap_or(a);
            rest.split('/').next().unwrap_or(rest).to_string()
        })
        .unwrap_or_default();
    let (code, msg) = match name {
        "curl" => (6, format!("curl: (6) Could not resolve host: {host}")),
        "wget" => (4, format!("wget: unable to resolve host address '{host}'")),
        "ping" => (
            2,
            format!("ping: {host}: Temporary failure in name resolution"),
        ),
        _ => (
            1,
            format!("{name}: installed, but the simulator does not run it (try --version)"),
        ),
    };
    Some((code, String::new(), format!("{msg}\n")))
}
