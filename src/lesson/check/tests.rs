use super::*;
use crate::lesson::fake::FakeProbe;

#[test]
fn reads_every_form() {
    let lines = [
        "container web is paused",
        "container web exists",
        "container web does not exist",
        "container web exit code is 137",
        "image app:v1 has 3 layers",
        "image app:v1 exists",
        "image busybox is shared by 2 images",
        "image a:1 is the same as busybox",
        "path /etc/motd is in the writable layer of web",
        "path /etc/motd is not in the writable layer of web",
        "path /etc/group is deleted in web",
        "memory of web is kept",
        "memory of web is freed",
        "containers running = 2",
        "containers = 0",
        "containers from busybox = 3",
        "file app.tar exists",
        "file app.tar does not exist",
        "image app:v1 is the image in app.tar",
    ];
    for line in lines {
        assert!(Check::parse(line).is_ok(), "{line}");
    }
    assert_eq!(
        Check::parse("  container   web  is running ").unwrap(),
        Check::ContainerStatus {
            name: "web".into(),
            status: ContainerStatus::Running
        }
    );
}

#[test]
fn points_at_the_word_that_does_not_fit() {
    let e = Check::parse("container web is stoped").unwrap_err();
    assert_eq!(e.offset, 17);
    insta::assert_snapshot!(e.message, @"cannot read this check here; the closest form is `container NAME is created|running|paused|exited|removed`");
    assert_eq!(
        Check::parse("containr web is paused").unwrap_err().offset,
        0
    );
    assert_eq!(
        Check::parse("container web is paused now")
            .unwrap_err()
            .offset,
        24
    );
}

#[test]
fn evaluates_against_state() {
    let mut p = FakeProbe::default();
    p.set_status("web", ContainerStatus::Paused);
    p.memory.insert("web".into(), 100 << 20);
    assert!(
        Check::parse("container web is paused")
            .unwrap()
            .evaluate(&p)
            .pass
    );
    assert!(
        Check::parse("memory of web is kept")
            .unwrap()
            .evaluate(&p)
            .pass
    );
    let freed = Check::parse("memory of web is freed").unwrap().evaluate(&p);
    assert!(!freed.pass);
    insta::assert_snapshot!(freed.explanation, @"container web is paused and holds 104857600 bytes of memory (wanted: no process, memory freed)");
    assert!(
        Check::parse("container db is removed")
            .unwrap()
            .evaluate(&p)
            .pass
    );
    assert!(
        !Check::parse("container db exists")
            .unwrap()
            .evaluate(&p)
            .pass
    );
    assert!(
        Check::parse("containers running = 0")
            .unwrap()
            .evaluate(&p)
            .pass
    );
    assert!(Check::parse("containers = 1").unwrap().evaluate(&p).pass);

    p.changes.insert(("web".into(), "/etc/group".into()), 'D');
    assert!(
        Check::parse("path /etc/group is deleted in web")
            .unwrap()
            .evaluate(&p)
            .pass
    );
    assert!(
        Check::parse("path /etc/group is in the writable layer of web")
            .unwrap()
            .evaluate(&p)
            .pass
    );
    assert!(
        !Check::parse("path /etc/group is changed in web")
            .unwrap()
            .evaluate(&p)
            .pass
    );
    assert!(
        Check::parse("path /etc/motd is not in the writable layer of web")
            .unwrap()
            .evaluate(&p)
            .pass
    );

    p.images.insert("busybox".into(), ("sha256:aa".into(), 1));
    p.images.insert("mine:v1".into(), ("sha256:aa".into(), 1));
    assert!(
        Check::parse("image mine:v1 is the same as busybox")
            .unwrap()
            .evaluate(&p)
            .pass
    );
    assert!(
        Check::parse("image busybox has 1 layer")
            .unwrap()
            .evaluate(&p)
            .pass
    );
    let r = Check::parse("image app:v1 has 3 layers")
        .unwrap()
        .evaluate(&p);
    assert!(!r.pass);
    insta::assert_snapshot!(r.explanation, @"image app:v1 is not in the local store");
}

#[test]
fn exit_code_needs_an_exit() {
    let mut p = FakeProbe::default();
    p.set_status("web", ContainerStatus::Running);
    let r = Check::parse("container web exit code is 137")
        .unwrap()
        .evaluate(&p);
    assert!(!r.pass);
    insta::assert_snapshot!(r.explanation, @"container web has no exit code yet (container web is running)");
    p.exit_codes.insert("web".into(), 137);
    assert!(
        Check::parse("container web exit code is 137")
            .unwrap()
            .evaluate(&p)
            .pass
    );
}

#[test]
fn image_in_archive_compares_ids() {
    let mut p = FakeProbe::default();
    let check = Check::parse("image app:v1 is the image in app.tar").unwrap();
    let r = check.evaluate(&p);
    assert!(!r.pass);
    insta::assert_snapshot!(r.explanation, @"image app:v1 does not exist; app.tar is not an image archive");
    p.images
        .insert("app:v1".into(), ("sha256:aaaaaaaaaaaa1111".into(), 2));
    p.archives
        .insert("app.tar".into(), vec!["sha256:bbbbbbbbbbbb2222".into()]);
    let r = check.evaluate(&p);
    assert!(!r.pass);
    insta::assert_snapshot!(r.explanation, @"image app:v1 is aaaaaaaaaaaa; app.tar holds bbbbbbbbbbbb");
    p.archives.insert(
        "app.tar".into(),
        vec![
            "sha256:bbbbbbbbbbbb2222".into(),
            "sha256:aaaaaaaaaaaa1111".into(),
        ],
    );
    assert!(check.evaluate(&p).pass);
}
