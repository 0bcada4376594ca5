//! The book cannot drift from the program: every `{{#include …}}` in book/src points at a file
//! (and anchor, or line range) that exists, every chapter in SUMMARY.md exists and includes at
//! least one transcript from transcripts/ (which tests/transcripts.rs replays), and the
//! diagrams in the book come from `show …` commands in those transcripts. Runs without mdbook
//! (mdbook itself reports a missing file only as a log line and a missing anchor not at all).
use std::path::{Component, Path, PathBuf};

fn book_src() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("book/src")
}

fn transcripts_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("transcripts")
}

/// What part of the file an include takes (mdBook's forms).
#[derive(Debug, PartialEq)]
enum Part {
    Whole,
    Anchor(String),
    /// 1-based, inclusive; `None` = open end
    Lines(Option<usize>, Option<usize>),
}

#[derive(Debug)]
struct Include {
    target: PathBuf,
    part: Part,
    text: String,
}

/// Every `{{#include PATH[:…]}}` in a chapter (mdBook's `{{#include}}`; `\{{#include` is an
/// escaped one and not read).
fn includes(chapter: &str, dir: &Path) -> Vec<Include> {
    let mut out = Vec::new();
    let mut rest = chapter;
    while let Some(at) = rest.find("{{#include") {
        let escaped = rest[..at].ends_with('\\');
        let after = &rest[at + "{{#include".len()..];
        let Some(end) = after.find("}}") else { break };
        let spec = after[..end].trim();
        rest = &after[end + 2..];
        if escaped {
            continue;
        }
        let (path, part) = match spec.split_once(':') {
            None => (spec, Part::Whole),
            Some((p, sel)) => {
                let part = match sel.split_once(':') {
                    Some((a, b)) => Part::Lines(a.parse().ok(), b.parse().ok()),
                    None => match sel.parse::<usize>() {
                        Ok(n) => Part::Lines(Some(n), Some(n)),
                        Err(_) => Part::Anchor(sel.to_string()),
                    },
                };
                (p, part)
            }
        };
        out.push(Include {
            target: dir.join(path),
            part,
            text: format!("{{{{#include {spec}}}}}"),
        });
    }
    out
}

/// The lines an include takes from `text`, or why it cannot.
fn included_lines(text: &str, part: &Part) -> Result<Vec<String>, String> {
    let lines: Vec<&str> = text.lines().collect();
    match part {
        Part::Whole => {
            if lines.iter().any(|l| l.contains("ANCHOR:")) {
                return Err("includes a whole file that has ANCHOR lines: mdBook would print them; include an anchor".into());
            }
            Ok(lines.iter().map(|l| l.to_string()).collect())
        }
        Part::Lines(a, b) => {
            let start = a.unwrap_or(1);
            let end = b.unwrap_or(lines.len());
            if start == 0 || start > end || end > lines.len() {
                return Err(format!(
                    "line range {start}..{end} is outside the file's {} lines",
                    lines.len()
                ));
            }
            Ok(lines[start - 1..end]
                .iter()
                .map(|l| l.to_string())
                .collect())
        }
        Part::Anchor(name) => {
            let is = |l: &str, kind: &str| {
                l.split_once(kind)
                    .is_some_and(|(_, n)| n.trim() == name.as_str())
            };
            let start = lines
                .iter()
                .position(|l| is(l, "ANCHOR:"))
                .ok_or_else(|| format!("no `ANCHOR: {name}` line"))?;
            let len = lines[start + 1..]
                .iter()
                .position(|l| is(l, "ANCHOR_END:"))
                .ok_or_else(|| format!("no `ANCHOR_END: {name}` after `ANCHOR: {name}`"))?;
            let body: Vec<String> = lines[start + 1..start + 1 + len]
                .iter()
                .filter(|l| !l.contains("ANCHOR:") && !l.contains("ANCHOR_END:"))
                .map(|l| l.to_string())
                .collect();
            if body.iter().all(|l| l.trim().is_empty()) {
                return Err(format!("anchor {name} is empty"));
            }
            Ok(body)
        }
    }
}

/// Chapters named in SUMMARY.md, in order.
fn summary_chapters() -> Vec<String> {
    let summary = std::fs::read_to_string(book_src().join("SUMMARY.md")).unwrap();
    summary
        .split("](")
        .skip(1)
        .filter_map(|s| s.split_once(')').map(|(p, _)| p.to_string()))
        .filter(|p| !p.is_empty())
        .collect()
}

/// `a/../b` → `b`, without touching the filesystem (the target may not exist).
fn normalize(p: &Path) -> PathBuf {
    let mut out = PathBuf::new();
    for c in p.components() {
        match c {
            Component::ParentDir => {
                out.pop();
            }
            Component::CurDir => {}
            other => out.push(other),
        }
    }
    out
}

fn is_transcript(p: &Path) -> bool {
    normalize(p).starts_with(normalize(&transcripts_dir()))
        && p.extension().is_some_and(|e| e == "txt")
}

/// Problems with one chapter's includes: missing files, anchors, ranges; no transcript.
fn chapter_problems(name: &str, text: &str, dir: &Path) -> Vec<String> {
    let mut problems = Vec::new();
    let incs = includes(text, dir);
    for inc in &incs {
        let body = match std::fs::read_to_string(&inc.target) {
            Ok(b) => b,
            Err(e) => {
                problems.push(format!(
                    "{name}: {}: {}: {e}",
                    inc.text,
                    inc.target.display()
                ));
                continue;
            }
        };
        if let Err(why) = included_lines(&body, &inc.part) {
            problems.push(format!("{name}: {}: {why}", inc.text));
        }
    }
    if !incs.iter().any(|i| is_transcript(&i.target)) {
        problems.push(format!(
            "{name}: includes no transcript from transcripts/ (the book's examples must be replayed by the tests)"
        ));
    }
    problems
}

#[test]
fn every_chapter_exists_and_its_includes_resolve() {
    let chapters = summary_chapters();
    assert!(chapters.len() >= 17, "{chapters:?}");
    let mut problems = Vec::new();
    for ch in &chapters {
        let path = book_src().join(ch);
        match std::fs::read_to_string(&path) {
            Ok(text) => problems.extend(chapter_problems(ch, &text, &book_src())),
            Err(e) => problems.push(format!("SUMMARY.md names {ch}: {e}")),
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

#[test]
fn every_chapter_file_is_in_the_summary() {
    let listed = summary_chapters();
    for entry in std::fs::read_dir(book_src()).unwrap() {
        let name = entry.unwrap().file_name().to_string_lossy().to_string();
        if name.ends_with(".md") && name != "SUMMARY.md" {
            assert!(listed.contains(&name), "{name} is not in SUMMARY.md");
        }
    }
}

/// The diagrams in the book are the REPL's own: included parts of transcripts that run
/// `show …` (lifecycle, layers, copy-on-write, architecture, the disk).
#[test]
fn diagrams_in_the_book_come_from_show_commands() {
    let mut with_diagrams = Vec::new();
    for ch in summary_chapters() {
        let text = std::fs::read_to_string(book_src().join(&ch)).unwrap();
        for inc in includes(&text, &book_src()) {
            let body = std::fs::read_to_string(&inc.target).unwrap();
            let lines = included_lines(&body, &inc.part).unwrap();
            if is_transcript(&inc.target) && lines.iter().any(|l| l.starts_with("$ show ")) {
                with_diagrams.push(ch.clone());
                break;
            }
        }
    }
    for ch in [
        "lifecycle.md",
        "layers.md",
        "copy-on-write.md",
        "architecture.md",
        "overlay2.md",
    ] {
        assert!(
            with_diagrams.iter().any(|c| c == ch),
            "{ch} shows no diagram drawn by a `show` command; chapters with one: {with_diagrams:?}"
        );
    }
}

/// The checker itself can fail: a missing file, a missing anchor, a range past the end, a
/// whole file with anchor lines, and a chapter with no transcript are all reported.
#[test]
fn the_checker_reports_broken_includes() {
    let dir = book_src();
    let t = |s: &str| chapter_problems("x.md", s, &dir);
    assert!(t("{{#include ../../transcripts/lifecycle.txt}}").is_empty());
    assert!(t("{{#include ../../transcripts/namespaces.txt:pid}}").is_empty());
    assert!(t("{{#include ../../transcripts/lifecycle.txt:1:3}}").is_empty());
    let one = |s: &str| {
        let p = t(s);
        assert_eq!(p.len(), 1, "{p:?}");
        p[0].clone()
    };
    assert!(one("{{#include ../../transcripts/nosuch.txt}}").contains("nosuch.txt"));
    assert!(
        one("{{#include ../../transcripts/namespaces.txt:nosuch}}").contains("no `ANCHOR: nosuch`")
    );
    assert!(one("{{#include ../../transcripts/lifecycle.txt:1:100000}}").contains("outside"));
    assert!(one("{{#include ../../transcripts/namespaces.txt}}").contains("ANCHOR lines"));
    assert!(one("{{#include ../book.toml}}").contains("no transcript"));
    assert!(one("no includes at all").contains("no transcript"));
    assert!(one("\\{{#include ../../transcripts/lifecycle.txt}}").contains("no transcript"));
}
