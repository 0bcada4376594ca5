//! The topics dockerlings teaches: one lesson, one book chapter and a set of quiz items each.

/// (id, title) in teaching order.
pub const TOPICS: &[(&str, &str)] = &[
    ("what-is-docker", "What Docker is and why"),
    ("containers-vs-vms", "Containers vs virtual machines"),
    ("architecture", "Client, daemon, registry"),
    ("image-vs-container", "Image vs container"),
    ("lifecycle", "The container lifecycle"),
    ("pause-vs-stop", "Pause vs stop"),
    (
        "installing-software",
        "Installing software inside a container",
    ),
    ("copy-on-write", "Copy-on-write and the writable layer"),
    ("layers", "Image layers"),
    ("overlay2", "overlay2 and /var/lib/docker"),
    ("commit", "docker commit"),
    ("save-load-export-import", "save/load vs export/import"),
    ("tags-registries", "Tags and registries"),
    ("dockerfile", "Dockerfile, CMD and ENTRYPOINT"),
    ("namespaces-cgroups", "Namespaces and cgroups"),
    ("inspecting", "Inspecting Docker objects"),
];

pub fn is_topic(id: &str) -> bool {
    TOPICS.iter().any(|(t, _)| *t == id)
}

pub fn topic_title(id: &str) -> Option<&'static str> {
    TOPICS
        .iter()
        .find(|(t, _)| *t == id)
        .map(|(_, title)| *title)
}

/// The diagrams `show:` lines may ask for (the REPL's `show` command).
pub const DIAGRAMS: &[&str] = &["lifecycle", "layers", "cow", "memory", "arch", "disk", "ns"];
