//! Test doubles: a probe with settable state and a host that plays a tiny lifecycle.
use std::collections::BTreeMap;

use super::probe::StateProbe;
use super::runner::LessonHost;
use crate::engine::state::ContainerStatus;

#[derive(Debug, Default, Clone)]
pub struct FakeProbe {
    pub status: BTreeMap<String, ContainerStatus>,
    pub exit_codes: BTreeMap<String, i32>,
    pub memory: BTreeMap<String, u64>,
    /// reference → (id, layers)
    pub images: BTreeMap<String, (String, usize)>,
    pub changes: BTreeMap<(String, String), char>,
    pub image_of: BTreeMap<String, String>,
    /// host file → the image IDs it holds as an archive
    pub archives: BTreeMap<String, Vec<String>>,
}

impl FakeProbe {
    pub fn set_status(&mut self, name: &str, s: ContainerStatus) {
        self.status.insert(name.to_string(), s);
    }
}

impl StateProbe for FakeProbe {
    fn container_status(&self, name: &str) -> Option<ContainerStatus> {
        self.status.get(name).copied()
    }
    fn container_exit_code(&self, name: &str) -> Option<i32> {
        self.exit_codes.get(name).copied()
    }
    fn image_layers(&self, reference: &str) -> Option<usize> {
        self.images.get(reference).map(|(_, n)| *n)
    }
    fn image_id(&self, reference: &str) -> Option<String> {
        self.images.get(reference).map(|(id, _)| id.clone())
    }
    fn images_sharing_layers(&self, _reference: &str) -> Option<usize> {
        None
    }
    fn writable_layer_change(&self, container: &str, path: &str) -> Option<char> {
        self.changes
            .get(&(container.to_string(), path.to_string()))
            .copied()
    }
    fn memory_bytes(&self, container: &str) -> Option<u64> {
        self.memory.get(container).copied()
    }
    fn running_count(&self) -> usize {
        self.status
            .values()
            .filter(|s| **s == ContainerStatus::Running)
            .count()
    }
    fn container_count(&self) -> usize {
        self.status
            .values()
            .filter(|s| **s != ContainerStatus::Removed)
            .count()
    }
    fn containers_from_image(&self, reference: &str) -> usize {
        self.image_of.values().filter(|i| *i == reference).count()
    }
    fn host_file_exists(&self, path: &str) -> bool {
        self.archives.contains_key(path)
    }
    fn archive_image_ids(&self, path: &str) -> Option<Vec<String>> {
        self.archives.get(path).cloned()
    }
}

/// Understands `run -d --name N IMG…`, `create --name N IMG…`, start, pause, unpause, stop,
/// kill, restart, rm [-f]; anything else prints nothing and succeeds. Records every line it ran.
#[derive(Debug, Default)]
pub struct FakeHost {
    pub probe: FakeProbe,
    pub ran: Vec<String>,
    pub resets: usize,
}

impl FakeHost {
    fn name_after(words: &[&str]) -> Option<String> {
        words
            .iter()
            .position(|w| *w == "--name")
            .and_then(|i| words.get(i + 1))
            .map(|s| s.to_string())
    }
}

impl LessonHost for FakeHost {
    fn run(&mut self, line: &str) -> (String, String, i32) {
        self.ran.push(line.to_string());
        let words: Vec<&str> = line.split_whitespace().collect();
        let target = words.last().map(|s| s.to_string()).unwrap_or_default();
        let p = &mut self.probe;
        use ContainerStatus as S;
        match words.first().copied() {
            Some("run") | Some("create") => {
                let Some(name) = Self::name_after(&words) else {
                    return (String::new(), "name required".into(), 125);
                };
                let st = if words[0] == "run" {
                    S::Running
                } else {
                    S::Created
                };
                p.set_status(&name, st);
                p.memory
                    .insert(name.clone(), if st == S::Running { 1 << 20 } else { 0 });
                return (format!("{name}-id\n"), String::new(), 0);
            }
            Some(verb @ ("start" | "restart" | "pause" | "unpause" | "stop" | "kill" | "rm")) => {
                let Some(now) = p.container_status(&target) else {
                    return (
                        String::new(),
                        format!("Error: No such container: {target}\n"),
                        1,
                    );
                };
                let next = match (verb, now) {
                    ("start", S::Created | S::Exited) => S::Running,
                    ("restart", S::Running | S::Exited) => S::Running,
                    ("pause", S::Running) => S::Paused,
                    ("unpause", S::Paused) => S::Running,
                    ("stop" | "kill", S::Running | S::Paused) => S::Exited,
                    ("rm", S::Created | S::Exited) => S::Removed,
                    ("rm", _) if words.contains(&"-f") => S::Removed,
                    _ => return (String::new(), format!("Error: cannot {verb} {target}\n"), 1),
                };
                p.set_status(&target, next);
                if !next.has_process() {
                    p.memory.insert(target.clone(), 0);
                }
                if next == S::Exited {
                    p.exit_codes.insert(target.clone(), 137);
                }
                if next == S::Removed {
                    p.status.remove(&target);
                }
            }
            _ => {}
        }
        (format!("{target}\n"), String::new(), 0)
    }

    fn probe(&self) -> &dyn StateProbe {
        &self.probe
    }

    fn diagram(&mut self, spec: &str) -> Option<String> {
        Some(format!("[diagram {spec}]\n"))
    }

    fn reset(&mut self) {
        self.probe = FakeProbe::default();
        self.resets += 1;
    }
}
