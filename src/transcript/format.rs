//! The transcript file format: reference/*.txt's format, with two differences — the first
//! line names the backends (`# backends: sim, linux`) and `[exit N]` is written only when
//! N != 0.
//!
//! ```text
//! # backends: sim, linux          first line
//! # header comment lines          (then one blank line)
//!
//! # preamble: comments and blank lines before a command
//! $ docker ps -a --format '{{.Names}}'
//! stdout lines, verbatim
//! [stderr] stderr lines
//! [exit 1]
//!                                 exactly one blank line after each block
//! ```
//!
//! Where a block's output ends: it runs to the next `$ ` line, except that a trailing group
//! of comment lines that starts after a blank line (with the blank lines just before it) is
//! the next block's preamble, and the single blank separator line is dropped.
//!
//! Ambiguities, resolved one way and documented here:
//! - output that itself ends with a blank line followed by `#` lines is read as the next
//!   block's preamble (its blank lines as the preamble's leading blank lines);
//! - an output line starting with `$ ` is read as a command;
//! - output not ending in a newline is written with one (stdout/stderr always end in "\n").
//!
//! Also accepted, for reading reference/ files: an explicit `[exit 0]`, a bare `[stderr]`.

use std::path::{Path, PathBuf};

#[derive(Debug, thiserror::Error)]
pub enum TranscriptError {
    #[error("{path}: {source}")]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("line {line}: the first line must be `# backends: sim, linux` (or `# backends: sim`)")]
    MissingBackends { line: usize },
    #[error("line {line}: unknown backend {name:?} (expected sim or linux)")]
    UnknownBackend { line: usize, name: String },
    #[error("line {line}: expected a `$ command` line, found {text:?}")]
    ExpectedCommand { line: usize, text: String },
    #[error("line {line}: stdout line after [stderr] lines (stdout comes first)")]
    StdoutAfterStderr { line: usize },
    #[error("line {line}: output after [exit N]")]
    OutputAfterExit { line: usize },
    #[error("line {line}: bad exit status {text:?}")]
    BadExit { line: usize, text: String },
    #[error("line {line}: comment lines after the last block belong to no command")]
    TrailingComments { line: usize },
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Transcript {
    pub backends: Vec<String>,
    /// comment lines after the backends line, verbatim (`# ...`)
    pub header: Vec<String>,
    pub blocks: Vec<Block>,
}

#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Block {
    /// comment and blank lines before the command, verbatim
    pub preamble: Vec<String>,
    /// the command without its `$ `
    pub command: String,
    pub stdout: String,
    pub stderr: String,
    pub exit: i32,
}

const BACKENDS_PREFIX: &str = "# backends:";
const KNOWN_BACKENDS: [&str; 2] = ["sim", "linux"];

fn is_comment(line: &str) -> bool {
    line.starts_with('#')
}

fn is_blank(line: &str) -> bool {
    line.trim().is_empty()
}

fn command_of(line: &str) -> Option<&str> {
    line.strip_prefix("$ ").or((line == "$").then_some(""))
}

impl Transcript {
    /// Whether its `# backends:` line names `kind`.
    pub fn runs_on(&self, kind: crate::backend::BackendKind) -> bool {
        self.backends.iter().any(|b| b == kind.as_str())
    }

    pub fn load(path: &Path) -> Result<Transcript, TranscriptError> {
        let text = std::fs::read_to_string(path).map_err(|source| TranscriptError::Io {
            path: path.to_path_buf(),
            source,
        })?;
        Transcript::parse(&text)
    }

    pub fn parse(text: &str) -> Result<Transcript, TranscriptError> {
        let lines: Vec<&str> = text.lines().collect();
        let first = lines.first().copied().unwrap_or("");
        let Some(names) = first.strip_prefix(BACKENDS_PREFIX) else {
            return Err(TranscriptError::MissingBackends { line: 1 });
        };
        let mut backends = Vec::new();
        for name in names.split(',').map(str::trim).filter(|n| !n.is_empty()) {
            if !KNOWN_BACKENDS.contains(&name) {
                return Err(TranscriptError::UnknownBackend {
                    line: 1,
                    name: name.into(),
                });
            }
            backends.push(name.to_string());
        }
        if backends.is_empty() {
            return Err(TranscriptError::MissingBackends { line: 1 });
        }

        // Header: the comment lines after the first line, up to a blank line (or EOF).
        let mut i = 1;
        let mut j = i;
        while j < lines.len() && is_comment(lines[j]) {
            j += 1;
        }
        let mut header = Vec::new();
        if j == lines.len() || is_blank(lines[j]) {
            header = lines[i..j].iter().map(|s| s.to_string()).collect();
            i = (j + 1).min(lines.len());
        }

        let mut preamble: Vec<String> = Vec::new();
        while i < lines.len() && command_of(lines[i]).is_none() {
            if !(is_comment(lines[i]) || is_blank(lines[i])) {
                return Err(TranscriptError::ExpectedCommand {
                    line: i + 1,
                    text: lines[i].into(),
                });
            }
            preamble.push(lines[i].to_string());
            i += 1;
        }
        if i == lines.len() && preamble.iter().any(|l| is_comment(l)) {
            return Err(TranscriptError::TrailingComments { line: i });
        }

        let mut blocks = Vec::new();
        while i < lines.len() {
            let command = command_of(lines[i]).unwrap_or("").to_string();
            let body_start = i + 1;
            let mut end = body_start;
            while end < lines.len() && command_of(lines[end]).is_none() {
                end += 1;
            }
            let body = &lines[body_start..end];
            let (output_len, next_preamble) = split_body(body);
            let mut block = Block {
                preamble: std::mem::take(&mut preamble),
                command,
                ..Block::default()
            };
            fill_output(&mut block, &body[..output_len], body_start + 1)?;
            blocks.push(block);
            if end == lines.len() && !next_preamble.is_empty() {
                return Err(TranscriptError::TrailingComments {
                    line: end - next_preamble.len() + 1,
                });
            }
            preamble = next_preamble.iter().map(|s| s.to_string()).collect();
            i = end;
        }
        Ok(Transcript {
            backends,
            header,
            blocks,
        })
    }

    pub fn render(&self) -> String {
        let mut out = format!("{BACKENDS_PREFIX} {}\n", self.backends.join(", "));
        for line in &self.header {
            out.push_str(line);
            out.push('\n');
        }
        out.push('\n');
        for block in &self.blocks {
            for line in &block.preamble {
                out.push_str(line);
                out.push('\n');
            }
            out.push_str("$ ");
            out.push_str(&block.command);
            out.push('\n');
            for line in block.stdout.lines() {
                out.push_str(line);
                out.push('\n');
            }
            for line in block.stderr.lines() {
                out.push_str("[stderr] ");
                out.push_str(line);
                out.push('\n');
            }
            if block.exit != 0 {
                out.push_str(&format!("[exit {}]\n", block.exit));
            }
            out.push('\n');
        }
        out
    }
}

/// Splits a block's lines after its command into (number of output lines, next preamble),
/// dropping the blank separator line between them.
fn split_body<'a>(body: &'a [&'a str]) -> (usize, &'a [&'a str]) {
    let mut t = body.len();
    while t > 0 && (is_comment(body[t - 1]) || is_blank(body[t - 1])) {
        t -= 1;
    }
    // The first comment of the trailing group that follows a blank line starts the preamble,
    // together with the blank lines before it but the first (the separator).
    let starts_preamble =
        (t + 1..body.len()).find(|&k| is_comment(body[k]) && is_blank(body[k - 1]));
    if let Some(k) = starts_preamble {
        let mut sep = k - 1;
        while sep > t && is_blank(body[sep - 1]) {
            sep -= 1;
        }
        return (sep, &body[sep + 1..]);
    }
    match body.last() {
        Some(last) if t < body.len() && is_blank(last) => (body.len() - 1, &[]),
        _ => (body.len(), &[]),
    }
}

fn fill_output(
    block: &mut Block,
    output: &[&str],
    first_line: usize,
) -> Result<(), TranscriptError> {
    let mut seen_exit = false;
    for (n, line) in output.iter().enumerate() {
        let line_no = first_line + n;
        if seen_exit {
            return Err(TranscriptError::OutputAfterExit { line: line_no });
        }
        if let Some(status) = line
            .strip_prefix("[exit ")
            .and_then(|s| s.strip_suffix(']'))
        {
            block.exit = status.parse().map_err(|_| TranscriptError::BadExit {
                line: line_no,
                text: line.to_string(),
            })?;
            seen_exit = true;
        } else if let Some(err) = line
            .strip_prefix("[stderr] ")
            .or((*line == "[stderr]").then_some(""))
        {
            block.stderr.push_str(err);
            block.stderr.push('\n');
        } else if !block.stderr.is_empty() {
            return Err(TranscriptError::StdoutAfterStderr { line: line_no });
        } else {
            block.stdout.push_str(line);
            block.stdout.push('\n');
        }
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    const SAMPLE: &str = "# backends: sim, linux
# scenario: a. lifecycle

# container runs 'sleep 100000'
$ docker create --name lc busybox sleep 100000
239fd57da34b

$ docker inspect --format '{{.State.Status}}' lc

[stderr] Error: No such object: lc
[exit 1]

# --- a shell script whose output has comments ---
$ cat script.sh
# not a preamble: no blank line before it
echo hi

$ echo


$ true

# two

# paragraphs
$ false
[exit 1]

";

    fn block(command: &str, stdout: &str, stderr: &str, exit: i32) -> Block {
        Block {
            preamble: vec![],
            command: command.into(),
            stdout: stdout.into(),
            stderr: stderr.into(),
            exit,
        }
    }

    #[test]
    fn parses_blocks_preambles_and_output() {
        let t = Transcript::parse(SAMPLE).unwrap();
        assert_eq!(t.backends, ["sim", "linux"]);
        assert_eq!(t.header, ["# scenario: a. lifecycle"]);
        let mut expected = vec![
            block(
                "docker create --name lc busybox sleep 100000",
                "239fd57da34b\n",
                "",
                0,
            ),
            block(
                "docker inspect --format '{{.State.Status}}' lc",
                "\n",
                "Error: No such object: lc\n",
                1,
            ),
            block(
                "cat script.sh",
                "# not a preamble: no blank line before it\necho hi\n",
                "",
                0,
            ),
            block("echo", "\n", "", 0),
            block("true", "", "", 0),
            block("false", "", "", 1),
        ];
        expected[0].preamble = vec!["# container runs 'sleep 100000'".into()];
        expected[2].preamble = vec!["# --- a shell script whose output has comments ---".into()];
        expected[5].preamble = vec!["# two".into(), "".into(), "# paragraphs".into()];
        assert_eq!(t.blocks, expected);
    }

    #[test]
    fn render_round_trips() {
        let t = Transcript::parse(SAMPLE).unwrap();
        assert_eq!(t.render(), SAMPLE);
        assert_eq!(Transcript::parse(&t.render()).unwrap(), t);
        let built = Transcript {
            backends: vec!["sim".into()],
            header: vec![],
            blocks: vec![
                Block {
                    preamble: vec!["".into(), "# p".into()],
                    ..block("ps", "a\tb\n", "", 0)
                },
                block("x", "", "e1\n\ne2\n", 125),
                block("y", "no newline", "", 0),
            ],
        };
        let again = Transcript::parse(&built.render()).unwrap();
        assert_eq!(again.blocks[..2], built.blocks[..2]);
        assert_eq!(again.blocks[2].stdout, "no newline\n");
        assert_eq!(
            Transcript::parse("# backends: sim\n").unwrap().blocks,
            vec![]
        );
    }

    #[test]
    fn errors_name_the_line() {
        let err = |s: &str| Transcript::parse(s).unwrap_err().to_string();
        assert_eq!(
            err("$ ls\n"),
            "line 1: the first line must be `# backends: sim, linux` (or `# backends: sim`)"
        );
        assert_eq!(
            err("# backends: sim, mac\n"),
            "line 1: unknown backend \"mac\" (expected sim or linux)"
        );
        assert_eq!(
            err("# backends: sim\n\nhello\n$ ls\n"),
            "line 3: expected a `$ command` line, found \"hello\""
        );
        assert_eq!(
            err("# backends: sim\n$ ls\n[stderr] e\nout\n"),
            "line 4: stdout line after [stderr] lines (stdout comes first)"
        );
        assert_eq!(
            err("# backends: sim\n$ ls\n[exit x]\n"),
            "line 3: bad exit status \"[exit x]\""
        );
        assert_eq!(
            err("# backends: sim\n$ ls\n[exit 1]\nmore\n"),
            "line 4: output after [exit N]"
        );
        assert_eq!(
            err("# backends: sim\n$ ls\n\n# dangling\n"),
            "line 4: comment lines after the last block belong to no command"
        );
    }

    #[test]
    fn reads_reference_files_with_a_backends_line() {
        let dir = Path::new("/work/shared/reference");
        let Ok(text) = std::fs::read_to_string(dir.join("b_illegal_transitions.txt")) else {
            return; // reference files are not part of the crate
        };
        let t = Transcript::parse(&format!("# backends: linux\n{text}")).unwrap();
        let rm = t
            .blocks
            .iter()
            .find(|b| b.command == "docker rm il_run")
            .unwrap();
        assert_eq!(rm.exit, 1);
        assert_eq!(rm.preamble, ["# 1. rm a running container (no -f)"]);
        assert!(
            rm.stderr
                .starts_with("Error response from daemon: You cannot remove a running container")
        );
    }
}
