//! `lesson --export-progress FILE`: the student's lesson progress for a teacher — CSV, or
//! JUnit XML when FILE ends in `.xml` (for a classroom that collects results through CI).
//!
//! JUnit: one testsuite, one testcase per *lesson*, not per step. A lesson is what a teacher
//! assigns and what a dashboard should list; per-step cases would flood it with lines whose
//! names repeat across lessons, and a step the student skipped would have to pass or fail on
//! its own. A completed lesson passes; one in progress is a failure whose message says how far
//! the student got; one not started is skipped, with a message the dashboard shows.
use std::path::Path;

use quick_xml::Writer;
use quick_xml::events::{BytesDecl, BytesEnd, BytesStart, Event};

use super::error::LessonError;
use super::progress::{LessonProgress, Progress};

/// One lesson as the export lists it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LessonRow {
    pub name: String,
    pub title: String,
    pub steps_done: usize,
    pub steps_total: usize,
    pub status: Status,
    /// RFC 3339, empty when never saved.
    pub updated: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    Completed,
    InProgress,
    NotStarted,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Completed => "completed",
            Status::InProgress => "in progress",
            Status::NotStarted => "not started",
        }
    }
}

/// The rows for `lessons` (name, title, step count) in that order, from `progress`.
pub fn rows(lessons: &[(String, String, usize)], progress: &Progress) -> Vec<LessonRow> {
    lessons
        .iter()
        .map(|(name, title, total)| {
            let p = progress.lessons.get(name).cloned().unwrap_or_default();
            LessonRow {
                name: name.clone(),
                title: title.clone(),
                steps_done: steps_done(&p, *total),
                steps_total: *total,
                status: status(&p),
                updated: p.updated.clone().unwrap_or_default(),
            }
        })
        .collect()
}

fn steps_done(p: &LessonProgress, total: usize) -> usize {
    if p.completed && p.step == 0 {
        // Completed once, now being played again from the top: it was all done.
        total
    } else {
        p.step.min(total)
    }
}

fn status(p: &LessonProgress) -> Status {
    if p.completed {
        Status::Completed
    } else if p.step > 0 || p.hints_used > 0 || !p.skipped.is_empty() || p.updated.is_some() {
        Status::InProgress
    } else {
        Status::NotStarted
    }
}

pub fn to_csv(rows: &[LessonRow]) -> Result<Vec<u8>, csv::Error> {
    let mut w = csv::Writer::from_writer(Vec::new());
    w.write_record([
        "lesson",
        "title",
        "steps_done",
        "steps_total",
        "status",
        "last_updated",
    ])?;
    for r in rows {
        w.write_record([
            r.name.as_str(),
            r.title.as_str(),
            &r.steps_done.to_string(),
            &r.steps_total.to_string(),
            r.status.as_str(),
            r.updated.as_str(),
        ])?;
    }
    w.into_inner().map_err(|e| e.into_error().into())
}

pub fn to_junit(rows: &[LessonRow]) -> std::io::Result<Vec<u8>> {
    let count = |s: Status| rows.iter().filter(|r| r.status == s).count().to_string();
    let mut w = Writer::new_with_indent(Vec::new(), b' ', 2);
    w.write_event(Event::Decl(BytesDecl::new("1.0", Some("UTF-8"), None)))?;
    let total = rows.len().to_string();
    let failures = count(Status::InProgress);
    let skipped = count(Status::NotStarted);
    let suite = BytesStart::new("testsuite").with_attributes([
        ("name", "dockerlings lessons"),
        ("tests", total.as_str()),
        ("failures", failures.as_str()),
        ("errors", "0"),
        ("skipped", skipped.as_str()),
    ]);
    w.write_event(Event::Start(suite))?;
    for r in rows {
        let name = format!("{}: {}", r.name, r.title);
        let case = BytesStart::new("testcase")
            .with_attributes([("classname", "lessons"), ("name", name.as_str())]);
        let message = format!(
            "{} of {} steps done{}",
            r.steps_done,
            r.steps_total,
            if r.updated.is_empty() {
                String::new()
            } else {
                format!(", last updated {}", r.updated)
            }
        );
        let outcome = match r.status {
            Status::Completed => None,
            Status::InProgress => Some(("failure", format!("not finished: {message}"))),
            Status::NotStarted => Some(("skipped", "not started".to_string())),
        };
        match outcome {
            None => w.write_event(Event::Empty(case))?,
            Some((tag, msg)) => {
                w.write_event(Event::Start(case))?;
                w.write_event(Event::Empty(
                    BytesStart::new(tag).with_attributes([("message", msg.as_str())]),
                ))?;
                w.write_event(Event::End(BytesEnd::new("testcase")))?;
            }
        }
    }
    w.write_event(Event::End(BytesEnd::new("testsuite")))?;
    let mut bytes = w.into_inner();
    bytes.push(b'\n');
    Ok(bytes)
}

/// Writes the export to `path`: JUnit XML when it ends in `.xml`, CSV otherwise.
pub fn export(path: &Path, rows: &[LessonRow]) -> Result<(), LessonError> {
    let io = |source| LessonError::Io {
        path: path.to_path_buf(),
        source,
    };
    let is_xml = path
        .extension()
        .is_some_and(|e| e.eq_ignore_ascii_case("xml"));
    let bytes = if is_xml {
        to_junit(rows).map_err(io)?
    } else {
        to_csv(rows).map_err(|e| io(std::io::Error::other(e)))?
    };
    crate::store::write_file_atomic(path, &bytes).map_err(|e| io(std::io::Error::other(e)))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn sample() -> Vec<LessonRow> {
        let lessons = vec![
            (
                "lifecycle".to_string(),
                "The container lifecycle".to_string(),
                8,
            ),
            (
                "what-is-docker".to_string(),
                "What Docker is, and why people use it".to_string(),
                4,
            ),
            (
                "commit".to_string(),
                "docker \"commit\" <& co>".to_string(),
                5,
            ),
        ];
        let mut p = Progress::default();
        let l = p.lesson("lifecycle");
        l.step = 3;
        l.hints_used = 2;
        l.updated = Some("2025-01-01T00:00:07Z".into());
        let w = p.lesson("what-is-docker");
        w.step = 4;
        w.completed = true;
        w.updated = Some("2025-01-01T00:00:09Z".into());
        rows(&lessons, &p)
    }

    #[test]
    fn csv_has_a_header_and_one_quoted_row_per_lesson() {
        let csv = String::from_utf8(to_csv(&sample()).unwrap()).unwrap();
        insta::assert_snapshot!(csv, @r#"
        lesson,title,steps_done,steps_total,status,last_updated
        lifecycle,The container lifecycle,3,8,in progress,2025-01-01T00:00:07Z
        what-is-docker,"What Docker is, and why people use it",4,4,completed,2025-01-01T00:00:09Z
        commit,"docker ""commit"" <& co>",0,5,not started,
        "#);
    }

    #[test]
    fn junit_has_one_case_per_lesson_failing_or_skipping_the_unfinished() {
        let xml = String::from_utf8(to_junit(&sample()).unwrap()).unwrap();
        insta::assert_snapshot!(xml, @r#"
        <?xml version="1.0" encoding="UTF-8"?>
        <testsuite name="dockerlings lessons" tests="3" failures="1" errors="0" skipped="1">
          <testcase classname="lessons" name="lifecycle: The container lifecycle">
            <failure message="not finished: 3 of 8 steps done, last updated 2025-01-01T00:00:07Z"/>
          </testcase>
          <testcase classname="lessons" name="what-is-docker: What Docker is, and why people use it"/>
          <testcase classname="lessons" name="commit: docker &quot;commit&quot; &lt;&amp; co&gt;">
            <skipped message="not started"/>
          </testcase>
        </testsuite>
        "#);
    }

    #[test]
    fn a_lesson_completed_and_started_again_counts_as_done() {
        let mut p = Progress::default();
        p.lesson("x").completed = true;
        let r = rows(&[("x".into(), "X".into(), 3)], &p);
        assert_eq!((r[0].steps_done, r[0].status), (3, Status::Completed));
    }
}
