use std::fs;
use std::io::Read;

use super::*;
use crate::backend::BackendKind;

fn installed() -> (tempfile::TempDir, Store) {
    let dir = tempfile::tempdir().unwrap();
    let store = Store::open(dir.path(), BackendKind::Sim).unwrap();
    install_builtin_images(&store).unwrap();
    (dir, store)
}

#[test]
fn ids_are_pinned_and_deterministic() {
    let (_dir, store) = installed();
    let mut lines = Vec::new();
    for (reference, id) in store.tags().unwrap() {
        lines.push(format!("{} {}", reference.familiar(), &id[7..19]));
    }
    insta::assert_snapshot!(lines.join("\n"), @r#"
alpine:3.20 3346f809b8b8
alpine:latest 3346f809b8b8
busybox:latest 2e4eea24457d
nginx:latest beaa74a6afed
python:3.12 a855c6e01b50
python:latest a855c6e01b50
ubuntu:24.04 697400a25397
ubuntu:latest 697400a25397
"#);
    let (_dir2, store2) = installed();
    assert_eq!(store.tags().unwrap(), store2.tags().unwrap());
}

#[test]
fn nginx_and_python_share_the_ubuntu_layer() {
    let (_dir, store) = installed();
    let layers_of = |name: &str| {
        let id = store.resolve_image(name).unwrap();
        store
            .image_layers(&store.image_config(&id).unwrap())
            .unwrap()
    };
    let ubuntu = layers_of("ubuntu");
    let nginx = layers_of("nginx");
    let python = layers_of("python:3.12");
    assert_eq!(ubuntu.len(), 1);
    assert_eq!(layers_of("busybox").len(), 1);
    assert_eq!(layers_of("alpine").len(), 1);
    assert_eq!(nginx.len(), 3);
    assert_eq!(python.len(), 3);
    assert_eq!(nginx[0], ubuntu[0]);
    assert_eq!(python[0], ubuntu[0]);
    // busybox 1 + alpine 1 + ubuntu 1 + nginx 2 + python 2
    assert_eq!(store.list_layers().unwrap().len(), 7);
    let distinct: std::collections::BTreeMap<&String, usize> = builtin_images()
        .iter()
        .flat_map(|i| i.diff_ids.iter().zip(i.layers.iter().map(|l| l.len())))
        .collect();
    let total: usize = distinct.values().sum();
    assert!(total <= 12_000_000, "{total}");
}

#[test]
fn layers_reproduce_their_diff_ids() {
    let (_dir, store) = installed();
    for chain in store.list_layers().unwrap() {
        let layer = store.layer(&chain).unwrap();
        let mut bytes = Vec::new();
        store
            .layer_tar(&chain)
            .unwrap()
            .read_to_end(&mut bytes)
            .unwrap();
        assert_eq!(diff_id(&bytes), layer.diff_id);
    }
}

#[test]
fn files_are_where_the_real_images_have_them() {
    let (_dir, store) = installed();
    let diff = |name: &str| {
        let id = store.resolve_image(name).unwrap();
        let layers = store
            .image_layers(&store.image_config(&id).unwrap())
            .unwrap();
        store.layer_diff_dir(layers.last().unwrap())
    };
    let bb = diff("busybox");
    use std::os::unix::fs::MetadataExt;
    let ino = |p: &str| fs::metadata(bb.join(p)).unwrap().ino();
    assert_eq!(ino("bin/ls"), ino("bin/busybox"));
    assert!(
        fs::read_to_string(bb.join("etc/passwd"))
            .unwrap()
            .contains("www-data:x:33:33")
    );
    let ub = {
        let id = store.resolve_image("ubuntu:24.04").unwrap();
        let layers = store
            .image_layers(&store.image_config(&id).unwrap())
            .unwrap();
        store.layer_diff_dir(&layers[0])
    };
    assert_eq!(
        fs::read_link(ub.join("bin")).unwrap().to_str(),
        Some("usr/bin")
    );
    assert!(ub.join("usr/bin/ls").is_file() && ub.join("usr/bin/apt-get").is_file());
    let status = fs::read_to_string(ub.join("var/lib/dpkg/status")).unwrap();
    assert!(status.starts_with("Package: apt\nStatus: install ok installed\n"));
    assert!(fs::read_to_string(diff("nginx").join("etc/nginx/sites-available/default")).is_ok());
    let apk = fs::read_to_string(diff("alpine").join("lib/apk/db/installed")).unwrap();
    assert!(apk.contains("P:musl\nV:1.2.5-r0\n"));
    let config = store
        .image_config(&store.resolve_image("busybox").unwrap())
        .unwrap();
    insta::assert_snapshot!(String::from_utf8(store.image_config_bytes(&store.resolve_image("busybox").unwrap()).unwrap()).unwrap().replace(&config.rootfs.diff_ids[0][7..], "<diffid>"), @r#"{"architecture":"amd64","config":{"Env":["PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"],"Cmd":["sh"]},"created":"2024-09-26T21:31:42Z","docker_version":"20.10.23","history":[{"created":"2024-09-26T21:31:42Z","created_by":"/bin/sh -c #(nop) ADD file:<diffid> in / "},{"created":"2024-09-26T21:31:42Z","created_by":"/bin/sh -c #(nop)  CMD [\"sh\"]","empty_layer":true}],"os":"linux","rootfs":{"type":"layers","diff_ids":["sha256:<diffid>"]}}"#);
}

#[test]
#[ignore = "timing probe, run by hand"]
fn probe_install_time() {
    let t = std::time::Instant::now();
    let images = builtin_images();
    eprintln!("generate {:?}", t.elapsed());
    let l = layers();
    for (n, b) in [
        ("busybox", &l.busybox),
        ("alpine", &l.alpine),
        ("ubuntu", &l.ubuntu),
        ("nginx_install", &l.nginx_install),
        ("nginx_site", &l.nginx_site),
        ("python", &l.python),
        ("pip", &l.pip),
    ] {
        eprintln!("{n} {}", b.len());
    }
    let _ = images;
    let dir = tempfile::tempdir_in("/dev/shm").unwrap();
    let store = Store::open(dir.path(), BackendKind::Sim).unwrap();
    let t = std::time::Instant::now();
    install_builtin_images(&store).unwrap();
    eprintln!("install {:?}", t.elapsed());
    let t = std::time::Instant::now();
    let h = diff_id(&l.ubuntu);
    eprintln!("hash ubuntu {:?} {h}", t.elapsed());
    let dir = tempfile::tempdir_in("/dev/shm").unwrap();
    let store = Store::open(dir.path(), BackendKind::Sim).unwrap();
    let t = std::time::Instant::now();
    store.import_layer(None, l.ubuntu.as_slice()).unwrap();
    eprintln!("import ubuntu {:?}", t.elapsed());
}
