//! The lessons and the quiz bank shipped inside the binary (lessons/*.md), in teaching order.
use super::error::LessonError;
use super::model::Lesson;
use super::parse::parse_lesson;
use super::quiz::{Question, parse_quiz};

/// (name, source) of every built-in lesson, in the order of `topics::TOPICS`.
pub const LESSONS: &[(&str, &str)] = &[
    (
        "what-is-docker",
        include_str!("../../lessons/what-is-docker.md"),
    ),
    (
        "containers-vs-vms",
        include_str!("../../lessons/containers-vs-vms.md"),
    ),
    (
        "architecture",
        include_str!("../../lessons/architecture.md"),
    ),
    (
        "image-vs-container",
        include_str!("../../lessons/image-vs-container.md"),
    ),
    ("lifecycle", include_str!("../../lessons/lifecycle.md")),
    (
        "pause-vs-stop",
        include_str!("../../lessons/pause-vs-stop.md"),
    ),
    (
        "installing-software",
        include_str!("../../lessons/installing-software.md"),
    ),
    (
        "copy-on-write",
        include_str!("../../lessons/copy-on-write.md"),
    ),
    ("layers", include_str!("../../lessons/layers.md")),
    ("overlay2", include_str!("../../lessons/overlay2.md")),
    ("commit", include_str!("../../lessons/commit.md")),
    (
        "save-load-export-import",
        include_str!("../../lessons/save-load-export-import.md"),
    ),
    (
        "tags-registries",
        include_str!("../../lessons/tags-registries.md"),
    ),
    ("dockerfile", include_str!("../../lessons/dockerfile.md")),
    (
        "namespaces-cgroups",
        include_str!("../../lessons/namespaces-cgroups.md"),
    ),
    ("inspecting", include_str!("../../lessons/inspecting.md")),
];

pub const QUIZ: &str = include_str!("../../lessons/quiz.md");

/// A built-in lesson by name.
pub fn builtin_lesson(name: &str) -> Option<Result<Lesson, LessonError>> {
    LESSONS
        .iter()
        .find(|(n, _)| *n == name)
        .map(|(n, src)| parse_lesson(n, src))
}

pub fn builtin_quiz() -> Result<Vec<Question>, LessonError> {
    parse_quiz("quiz.md", QUIZ)
}

/// A lesson from a file a course author edits; the file stem is its name.
pub fn lesson_from_file(path: &std::path::Path) -> Result<Lesson, LessonError> {
    let src = std::fs::read_to_string(path).map_err(|source| LessonError::Io {
        path: path.to_path_buf(),
        source,
    })?;
    let name = path
        .file_stem()
        .and_then(|s| s.to_str())
        .unwrap_or("lesson");
    parse_lesson(name, &src)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lesson::model::Backend;
    use crate::lesson::topics::TOPICS;

    #[test]
    fn every_lesson_file_is_in_the_catalog() {
        let dir = concat!(env!("CARGO_MANIFEST_DIR"), "/lessons");
        for entry in std::fs::read_dir(dir).unwrap() {
            let name = entry.unwrap().file_name().into_string().unwrap();
            let Some(stem) = name.strip_suffix(".md") else {
                continue;
            };
            assert!(
                stem == "quiz" || LESSONS.iter().any(|(n, _)| *n == stem),
                "{name} is not in LESSONS"
            );
        }
    }

    #[test]
    fn every_lesson_parses_and_fits_the_course() {
        assert_eq!(LESSONS.len(), TOPICS.len());
        for ((name, _), (topic, _)) in LESSONS.iter().zip(TOPICS) {
            let lesson = builtin_lesson(name)
                .unwrap()
                .map_err(|e| e.render())
                .unwrap();
            assert_eq!(lesson.topic, *topic, "{name}");
            assert!(
                (3..=8).contains(&lesson.steps.len()),
                "{name}: {} steps",
                lesson.steps.len()
            );
            assert!(
                lesson.steps.iter().any(|s| !s.checks.is_empty()),
                "{name} checks nothing"
            );
            // explain and show run nothing, so naming ubuntu there needs no simulator
            let cmds: Vec<&String> = lesson
                .steps
                .iter()
                .flat_map(|s| &s.commands)
                .filter(|c| !c.starts_with("explain") && !c.starts_with("show"))
                .collect();
            let sim_only = cmds.iter().any(|c| {
                [
                    "ubuntu", "alpine", "nginx", "python:", "apt-get", "apk ", "alloc ",
                ]
                .iter()
                .any(|w| c.contains(w))
            });
            if sim_only {
                assert_eq!(
                    lesson.backends,
                    vec![Backend::Sim],
                    "{name} uses sim-only images or builtins"
                );
            }
            for step in &lesson.steps {
                assert!(!step.hint_ladder().is_empty());
            }
        }
    }

    #[test]
    fn lesson_from_file_names_the_file() {
        let e = lesson_from_file(std::path::Path::new("/nonexistent/x.md")).unwrap_err();
        assert!(e.to_string().starts_with("/nonexistent/x.md: "));
    }

    /// The lessons that only use the lifecycle verbs the fake host knows play to the end,
    /// and every one of their checks fails when its step's commands are left out.
    #[test]
    fn lifecycle_lessons_pass_and_their_checks_can_fail() {
        use crate::lesson::fake::FakeHost;
        use crate::lesson::runner::{prove_checks_can_fail, run_demo};
        for name in ["lifecycle", "pause-vs-stop"] {
            let lesson = builtin_lesson(name).unwrap().unwrap();
            let mut host = FakeHost::default();
            run_demo(&lesson, &mut host, &mut |_| {}).unwrap_or_else(|f| panic!("{name}: {f}"));
            let proof = prove_checks_can_fail(&lesson, &mut host);
            assert!(proof.is_sound(), "{name}: {:?}", proof.vacuous);
            assert!(proof.unchecked.is_empty(), "{name}");
        }
    }
}
