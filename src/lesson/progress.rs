//! Lesson progress per user; the caller decides where the file lives (the user's data dir).
use std::collections::BTreeMap;
use std::path::Path;

use serde::{Deserialize, Serialize};

use super::error::LessonError;

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct LessonProgress {
    /// The step the student is on (0-based); equal to the step count when done.
    pub step: usize,
    pub completed: bool,
    /// Steps skipped, and steps where the solution was shown.
    pub skipped: Vec<usize>,
    pub solutions_shown: Vec<usize>,
    pub hints_used: usize,
    /// When this lesson's progress was last saved (RFC 3339, UTC); absent in older files.
    #[serde(default)]
    pub updated: Option<String>,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Progress {
    pub lessons: BTreeMap<String, LessonProgress>,
}

impl Progress {
    pub fn lesson(&mut self, name: &str) -> &mut LessonProgress {
        self.lessons.entry(name.to_string()).or_default()
    }

    /// A missing file is an empty progress; a corrupt one is an error naming the file.
    pub fn load(path: &Path) -> Result<Progress, LessonError> {
        match std::fs::read(path) {
            Ok(bytes) => serde_json::from_slice(&bytes).map_err(|source| LessonError::Json {
                path: path.to_path_buf(),
                source,
            }),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(Progress::default()),
            Err(source) => Err(LessonError::Io {
                path: path.to_path_buf(),
                source,
            }),
        }
    }

    /// Written to a temporary file and renamed, so a crash never leaves half a file.
    pub fn save(&self, path: &Path) -> Result<(), LessonError> {
        let io = |source| LessonError::Io {
            path: path.to_path_buf(),
            source,
        };
        if let Some(dir) = path.parent() {
            std::fs::create_dir_all(dir).map_err(io)?;
        }
        let json = serde_json::to_vec_pretty(self).map_err(|source| LessonError::Json {
            path: path.to_path_buf(),
            source,
        })?;
        let tmp = path.with_extension("json.tmp");
        std::fs::write(&tmp, json).map_err(|source| LessonError::Io {
            path: tmp.clone(),
            source,
        })?;
        std::fs::rename(&tmp, path).map_err(io)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_tolerates_a_missing_file() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("sub/progress.json");
        assert_eq!(Progress::load(&path).unwrap(), Progress::default());
        let mut p = Progress::default();
        p.lesson("lifecycle").step = 3;
        p.save(&path).unwrap();
        assert_eq!(Progress::load(&path).unwrap(), p);
        std::fs::write(&path, "{").unwrap();
        assert!(
            Progress::load(&path)
                .unwrap_err()
                .to_string()
                .contains("progress.json")
        );
    }
}
