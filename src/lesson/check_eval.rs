//! Evaluating checks against a `StateProbe`, with an explanation either way.
use super::check::{Check, PathChange};
use super::probe::StateProbe;
use crate::engine::state::ContainerStatus;

/// "container web is paused" / "container web does not exist"
fn describe(name: &str, st: Option<ContainerStatus>) -> String {
    match st {
        Some(s) => format!("container {name} is {}", s.as_str()),
        None => format!("container {name} does not exist"),
    }
}

fn change_name(c: char) -> &'static str {
    match c {
        'A' => "added (A)",
        'C' => "changed (C)",
        'D' => "deleted (D, a whiteout)",
        _ => "recorded",
    }
}

pub(super) fn evaluate(check: &Check, p: &dyn StateProbe) -> (bool, String) {
    match check {
        Check::ContainerStatus { name, status } => {
            let now = p.container_status(name);
            let now = if now.is_none() && *status == ContainerStatus::Removed {
                Some(ContainerStatus::Removed)
            } else {
                now
            };
            let pass = now == Some(*status);
            (
                pass,
                format!("{} (wanted {})", describe(name, now), status.as_str()),
            )
        }
        Check::ContainerExists { name, exists } => {
            let now = p
                .container_status(name)
                .filter(|s| *s != ContainerStatus::Removed);
            let text = if now.is_some() {
                "exists"
            } else {
                "does not exist"
            };
            (now.is_some() == *exists, format!("container {name} {text}"))
        }
        Check::ExitCode { name, code } => match p.container_exit_code(name) {
            Some(c) => (
                c == *code,
                format!("container {name} exited with code {c} (wanted {code})"),
            ),
            None => (
                false,
                format!(
                    "container {name} has no exit code yet ({})",
                    describe(name, p.container_status(name))
                ),
            ),
        },
        Check::ImageExists { reference, exists } => {
            let now = p.image_exists(reference);
            let text = if now {
                "is in the local store"
            } else {
                "is not in the local store"
            };
            (now == *exists, format!("image {reference} {text}"))
        }
        Check::ImageLayers { reference, layers } => match p.image_layers(reference) {
            Some(n) => (
                n == *layers,
                format!("image {reference} has {n} layers (wanted {layers})"),
            ),
            None => (
                false,
                format!("image {reference} is not in the local store"),
            ),
        },
        Check::ImageShared { reference, images } => match p.images_sharing_layers(reference) {
            Some(n) => (
                n == *images,
                format!("{n} other images are built on {reference}'s layers (wanted {images})"),
            ),
            None => (
                false,
                format!("image {reference} is not in the local store"),
            ),
        },
        Check::ImageSame { a, b } => match (p.image_id(a), p.image_id(b)) {
            (Some(x), Some(y)) => (
                x == y,
                if x == y {
                    format!("{a} and {b} are one image ({x})")
                } else {
                    format!("{a} is {x} but {b} is {y}")
                },
            ),
            _ => (false, format!("{a} or {b} is not in the local store")),
        },
        Check::Path {
            path,
            change,
            container,
        } => {
            let now = p.writable_layer_change(container, path);
            let pass = match change {
                PathChange::Any => now.is_some(),
                PathChange::None => now.is_none(),
                PathChange::Added => now == Some('A'),
                PathChange::Changed => now == Some('C'),
                PathChange::Deleted => now == Some('D'),
            };
            let text = match now {
                Some(c) => format!(
                    "{path} is {} in the writable layer of {container}",
                    change_name(c)
                ),
                None => format!("{path} is not in the writable layer of {container}"),
            };
            (pass, text)
        }
        Check::MemoryKept { name } => {
            let st = p.container_status(name);
            let mem = p.memory_bytes(name).unwrap_or(0);
            let pass = st == Some(ContainerStatus::Paused) && mem > 0;
            (
                pass,
                format!(
                    "{} and holds {} bytes of memory (wanted: paused, memory kept)",
                    describe(name, st),
                    mem
                ),
            )
        }
        Check::MemoryFreed { name } => {
            let st = p.container_status(name);
            let mem = p.memory_bytes(name).unwrap_or(0);
            let pass = st.is_some_and(|s| !s.has_process()) && mem == 0;
            (
                pass,
                format!(
                    "{} and holds {} bytes of memory (wanted: no process, memory freed)",
                    describe(name, st),
                    mem
                ),
            )
        }
        Check::RunningCount(n) => {
            let now = p.running_count();
            (
                now == *n,
                format!("{now} containers are running (wanted {n})"),
            )
        }
        Check::ContainerCount(n) => {
            let now = p.container_count();
            (now == *n, format!("{now} containers exist (wanted {n})"))
        }
        Check::ContainersFrom { reference, count } => {
            let now = p.containers_from_image(reference);
            (
                now == *count,
                format!("{now} containers were made from {reference} (wanted {count})"),
            )
        }
        Check::HostFile { path, exists } => {
            let now = p.host_file_exists(path);
            let text = if now { "exists" } else { "does not exist" };
            (now == *exists, format!("file {path} {text}"))
        }
        Check::ImageInArchive { reference, path } => {
            let id = p.image_id(reference);
            let saved = p.archive_image_ids(path);
            let short = |id: &str| {
                id.trim_start_matches("sha256:")
                    .chars()
                    .take(12)
                    .collect::<String>()
            };
            let mine = id.as_deref().map_or_else(
                || format!("image {reference} does not exist"),
                |i| format!("image {reference} is {}", short(i)),
            );
            let theirs = match &saved {
                None => format!("{path} is not an image archive"),
                Some(ids) => format!(
                    "{path} holds {}",
                    ids.iter().map(|i| short(i)).collect::<Vec<_>>().join(", ")
                ),
            };
            let pass = matches!((&id, &saved), (Some(i), Some(ids)) if ids.contains(i));
            (pass, format!("{mine}; {theirs}"))
        }
    }
}
