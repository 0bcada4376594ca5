//! Application images on the ubuntu base: nginx and python, several layers each.
use super::layer::LayerBuilder;
use super::ubuntu::{DebPackage, UBUNTU_PACKAGES, dpkg_status};

const NGINX_PACKAGES: &[DebPackage] = &[
    DebPackage {
        name: "libpcre2-8-0",
        version: "10.42-4ubuntu2",
        section: "libs",
        priority: "optional",
        installed_kb: 677,
        essential: false,
        description: "New Perl Compatible Regular Expression Library- 8 bit runtime files",
    },
    DebPackage {
        name: "nginx",
        version: "1.24.0-2ubuntu7.1",
        section: "httpd",
        priority: "optional",
        installed_kb: 1379,
        essential: false,
        description: "small, powerful, scalable web/proxy server",
    },
    DebPackage {
        name: "nginx-common",
        version: "1.24.0-2ubuntu7.1",
        section: "httpd",
        priority: "optional",
        installed_kb: 405,
        essential: false,
        description: "small, powerful, scalable web/proxy server - common files",
    },
];

const NGINX_CONF: &str = "user www-data;\nworker_processes auto;\npid /run/nginx.pid;\nerror_log /var/log/nginx/error.log;\ninclude /etc/nginx/modules-enabled/*.conf;\n\nevents {\n\tworker_connections 768;\n}\n\nhttp {\n\tsendfile on;\n\ttcp_nopush on;\n\ttypes_hash_max_size 2048;\n\tinclude /etc/nginx/mime.types;\n\tdefault_type application/octet-stream;\n\taccess_log /var/log/nginx/access.log;\n\tgzip on;\n\tinclude /etc/nginx/conf.d/*.conf;\n\tinclude /etc/nginx/sites-enabled/*;\n}\n";
const INDEX_HTML: &str = "<!DOCTYPE html>\n<html>\n<head>\n<title>Welcome to nginx!</title>\n</head>\n<body>\n<h1>Welcome to nginx!</h1>\n<p>If you see this page, the nginx web server is successfully installed and\nworking. Further configuration is required.</p>\n</body>\n</html>\n";
pub const NGINX_SITE: &str = "server {\n\tlisten 80 default_server;\n\tlisten [::]:80 default_server;\n\troot /var/www/html;\n\tindex index.html index.htm index.nginx-debian.html;\n\tserver_name _;\n\tlocation / {\n\t\ttry_files $uri $uri/ =404;\n\t}\n}\n";

/// `RUN apt-get update && apt-get install -y nginx && rm -rf /var/lib/apt/lists/*`
pub fn nginx_install_layer() -> Vec<u8> {
    let mut packages: Vec<&DebPackage> = UBUNTU_PACKAGES.iter().chain(NGINX_PACKAGES).collect();
    packages.sort_by_key(|p| p.name);
    let mut l = LayerBuilder::new();
    l.dir("etc", 0o755)
        .file("etc/nginx/nginx.conf", 0o644, NGINX_CONF)
        .file("etc/nginx/mime.types", 0o644, "types {\n    text/html  html htm shtml;\n    text/css   css;\n    application/javascript js;\n}\n")
        .dir("etc/nginx/conf.d", 0o755)
        .dir("etc/nginx/modules-enabled", 0o755)
        .symlink("etc/nginx/sites-enabled/default", "/etc/nginx/sites-available/default")
        .dir("usr", 0o755)
        .binary("usr/lib/x86_64-linux-gnu/libpcre2-8.so.0.11.2", 400_000)
        .binary("usr/sbin/nginx", 1_000_000)
        .file("usr/share/nginx/html/index.html", 0o644, INDEX_HTML)
        .dir("var", 0o755)
        .dir("var/lib", 0o755)
        .file("var/lib/dpkg/status", 0o644, dpkg_status(&packages))
        .dir("var/log/nginx", 0o755)
        .file("var/www/html/index.nginx-debian.html", 0o644, INDEX_HTML);
    l.build()
}

/// `COPY default /etc/nginx/sites-available/default`
pub fn nginx_site_layer() -> Vec<u8> {
    let mut l = LayerBuilder::new();
    l.file("etc/nginx/sites-available/default", 0o644, NGINX_SITE);
    l.build()
}

/// The python 3.12 build in /usr/local (as the official image has it).
pub fn python_layer() -> Vec<u8> {
    let mut l = LayerBuilder::new();
    l.binary("usr/local/bin/python3.12", 1_300_000)
        .symlink("usr/local/bin/python3", "python3.12")
        .symlink("usr/local/bin/python", "python3")
        .binary("usr/local/lib/libpython3.12.so.1.0", 400_000)
        .file(
            "usr/local/lib/python3.12/os.py",
            0o644,
            "r\"\"\"OS routines for NT or Posix depending on what system we're on.\"\"\"\n",
        )
        .file(
            "usr/local/lib/python3.12/this.py",
            0o644,
            "s = \"\"\"Gur Mra bs Clguba, ol Gvz Crgref\"\"\"\n",
        )
        .file(
            "usr/local/lib/python3.12/json/__init__.py",
            0o644,
            "\"\"\"JSON (JavaScript Object Notation) encoder and decoder.\"\"\"\n",
        )
        .dir("usr/local/lib/python3.12/site-packages", 0o755);
    l.build()
}

/// `RUN python3 -m ensurepip && pip3 install --upgrade pip`
pub fn pip_layer() -> Vec<u8> {
    let mut l = LayerBuilder::new();
    l.file("usr/local/bin/pip", 0o755, "#!/usr/local/bin/python3.12\nimport sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n")
        .file("usr/local/bin/pip3", 0o755, "#!/usr/local/bin/python3.12\nimport sys\nfrom pip._internal.cli.main import main\nsys.exit(main())\n")
        .file("usr/local/lib/python3.12/site-packages/pip/__init__.py", 0o644, "__version__ = \"24.2\"\n")
        .binary("usr/local/lib/python3.12/site-packages/pip/_vendor.bin", 300_000);
    l.build()
}
