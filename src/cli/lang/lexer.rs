//! Shell-like word splitting: quotes, escapes, `;`/newline separators and `#` comments.
//!
//! nom parses each piece of a word; the loop around it tracks byte offsets so every word keeps
//! its span in the source (error carets point at it).

use nom::branch::alt;
use nom::bytes::complete::{is_not, tag, take_till};
use nom::character::complete::{anychar, char};
use nom::combinator::{map, opt, value};
use nom::multi::many0;
use nom::sequence::{delimited, preceded};
use nom::{IResult, Parser};

/// Byte range `start..end` in the source text.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Span {
    pub start: usize,
    pub end: usize,
}

/// One shell word after quote removal, and where it was typed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Word {
    pub text: String,
    pub span: Span,
}

/// One command: the words between separators, and its source text.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommandLine {
    pub words: Vec<Word>,
    /// The source from the first word's start to the last word's end.
    pub text: String,
    pub span: Span,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LexError {
    #[error("unterminated single quote")]
    UnterminatedSingleQuote { at: usize },
    #[error("unterminated double quote")]
    UnterminatedDoubleQuote { at: usize },
}

impl LexError {
    /// Byte offset of the opening quote.
    pub fn position(&self) -> usize {
        match self {
            LexError::UnterminatedSingleQuote { at } | LexError::UnterminatedDoubleQuote { at } => {
                *at
            }
        }
    }

    /// Shells exit 2 on a syntax error; so do we.
    pub fn exit_code(&self) -> i32 {
        2
    }

    /// `Error: unterminated double quote`, the offending line, a caret under the quote.
    pub fn render(&self, source: &str) -> String {
        let at = self.position().min(source.len());
        let span = Span {
            start: at,
            end: at + 1,
        };
        super::error::render_with_caret(&format!("Error: {self}"), source, Some(span), None)
    }
}

fn is_separator(c: char) -> bool {
    c == ';' || c == '\n'
}

fn is_blank(c: char) -> bool {
    c == ' ' || c == '\t' || c == '\r'
}

fn ends_bare(c: char) -> bool {
    is_blank(c) || is_separator(c) || c == '\'' || c == '"' || c == '\\'
}

/// `'...'`: everything literal up to the next single quote.
fn single_quoted(i: &str) -> IResult<&str, String> {
    map(
        delimited(char('\''), take_till(|c| c == '\''), char('\'')),
        String::from,
    )
    .parse(i)
}

/// Inside double quotes a backslash escapes only `"`, `\`, `$`, `` ` `` and newline (which
/// vanishes: a line continuation); before anything else it stays literal, as in POSIX sh.
fn double_quoted_piece(i: &str) -> IResult<&str, String> {
    alt((
        map(is_not("\"\\"), String::from),
        value(String::new(), tag("\\\n")),
        map(
            preceded(
                char('\\'),
                alt((char('"'), char('\\'), char('$'), char('`'))),
            ),
            String::from,
        ),
        value("\\".to_string(), char('\\')),
    ))
    .parse(i)
}

fn double_quoted(i: &str) -> IResult<&str, String> {
    map(
        delimited(char('"'), many0(double_quoted_piece), char('"')),
        |pieces| pieces.concat(),
    )
    .parse(i)
}

/// Outside quotes a backslash makes the next character literal; backslash-newline vanishes and
/// a trailing lone backslash stays itself.
fn escaped(i: &str) -> IResult<&str, String> {
    preceded(
        char('\\'),
        map(opt(anychar), |c| match c {
            Some('\n') => String::new(),
            Some(c) => c.to_string(),
            None => "\\".to_string(),
        }),
    )
    .parse(i)
}

fn bare(i: &str) -> IResult<&str, String> {
    map(take_till(ends_bare), String::from)
        .parse(i)
        .and_then(|(rest, s)| {
            if s.is_empty() {
                Err(nom::Err::Error(nom::error::Error::new(
                    i,
                    nom::error::ErrorKind::TakeTill1,
                )))
            } else {
                Ok((rest, s))
            }
        })
}

fn piece(i: &str) -> IResult<&str, String> {
    alt((single_quoted, double_quoted, escaped, bare)).parse(i)
}

/// Splits `src` into commands. Empty commands (`;;`, blank lines, comment lines) are skipped.
pub fn split_commands(src: &str) -> Result<Vec<CommandLine>, LexError> {
    let mut commands = Vec::new();
    let mut words: Vec<Word> = Vec::new();
    let mut rest = src;
    let offset = |rest: &str| src.len() - rest.len();

    loop {
        rest = rest.trim_start_matches(is_blank);
        if let Some(after) = rest.strip_prefix("\\\n") {
            // A line continuation between words is just space.
            rest = after;
            continue;
        }
        let Some(c) = rest.chars().next() else { break };
        if is_separator(c) {
            flush(src, &mut words, &mut commands);
            rest = &rest[c.len_utf8()..];
            continue;
        }
        if c == '#' {
            // A comment runs to the end of the line; the newline still separates commands.
            rest = rest.find('\n').map_or("", |n| &rest[n..]);
            continue;
        }
        let start = offset(rest);
        let mut text = String::new();
        while let Some(c) = rest.chars().next() {
            if is_blank(c) || is_separator(c) {
                break;
            }
            match piece(rest) {
                Ok((next, s)) => {
                    text.push_str(&s);
                    rest = next;
                }
                Err(_) => {
                    let at = offset(rest);
                    return Err(if c == '\'' {
                        LexError::UnterminatedSingleQuote { at }
                    } else {
                        LexError::UnterminatedDoubleQuote { at }
                    });
                }
            }
        }
        words.push(Word {
            text,
            span: Span {
                start,
                end: offset(rest),
            },
        });
    }
    flush(src, &mut words, &mut commands);
    Ok(commands)
}

fn flush(src: &str, words: &mut Vec<Word>, commands: &mut Vec<CommandLine>) {
    if words.is_empty() {
        return;
    }
    let words = std::mem::take(words);
    let span = Span {
        start: words.first().map_or(0, |w| w.span.start),
        end: words.last().map_or(0, |w| w.span.end),
    };
    commands.push(CommandLine {
        text: src
            .get(span.start..span.end)
            .unwrap_or_default()
            .to_string(),
        words,
        span,
    });
}

#[cfg(test)]
mod tests {
    use super::*;

    fn texts(src: &str) -> Vec<Vec<String>> {
        split_commands(src)
            .unwrap()
            .into_iter()
            .map(|c| c.words.into_iter().map(|w| w.text).collect())
            .collect()
    }

    #[test]
    fn plain_words_and_spans() {
        let cmds = split_commands("  run -d  busybox").unwrap();
        assert_eq!(cmds.len(), 1);
        let spans: Vec<_> = cmds[0]
            .words
            .iter()
            .map(|w| (w.span.start, w.span.end))
            .collect();
        assert_eq!(spans, vec![(2, 5), (6, 8), (10, 17)]);
        assert_eq!(cmds[0].text, "run -d  busybox");
    }

    #[test]
    fn quotes_join_into_one_word() {
        assert_eq!(texts(r#"a'b'"c" x"#), vec![vec!["abc", "x"]]);
        assert_eq!(
            texts(r#"sh -c 'echo $HOME; ls'"#),
            vec![vec!["sh", "-c", "echo $HOME; ls"]]
        );
        assert_eq!(texts(r#""a \" \\ \$ \n""#), vec![vec![r#"a " \ $ \n"#]]);
        assert_eq!(texts(r"a\ b \'x"), vec![vec!["a b", "'x"]]);
        assert_eq!(texts("''"), vec![vec![""]]);
    }

    #[test]
    fn separators_comments_and_empty_commands() {
        assert_eq!(
            texts("ps; ; rm x\n# a comment; not a command\nimages # trailing\necho a#b"),
            vec![
                vec!["ps"],
                vec!["rm", "x"],
                vec!["images"],
                vec!["echo", "a#b"]
            ]
        );
        assert_eq!(texts("echo '#' \"#\""), vec![vec!["echo", "#", "#"]]);
        assert!(texts(" \n;\t# only\n").is_empty());
    }

    #[test]
    fn backslash_newline_continues_the_line() {
        assert_eq!(texts("run \\\n busybox"), vec![vec!["run", "busybox"]]);
    }

    #[test]
    fn unterminated_quotes_report_position() {
        assert_eq!(
            split_commands("run 'abc"),
            Err(LexError::UnterminatedSingleQuote { at: 4 })
        );
        assert_eq!(
            split_commands("x \"a\\\""),
            Err(LexError::UnterminatedDoubleQuote { at: 2 })
        );
        let err = split_commands("echo \"hi").unwrap_err();
        insta::assert_snapshot!(err.render("echo \"hi"), @r#"
        Error: unterminated double quote
          echo "hi
               ^
        "#);
    }

    #[test]
    fn never_panics_on_odd_input() {
        // A small xorshift generator: deterministic, no extra dependency.
        let mut state: u64 = 0x9E37_79B9_7F4A_7C15;
        let alphabet = [
            'a', ' ', '\'', '"', '\\', ';', '\n', '#', '-', 'é', '\t', '\r', '€',
        ];
        for len in 0..400 {
            let s: String = (0..len)
                .map(|_| {
                    state ^= state << 13;
                    state ^= state >> 7;
                    state ^= state << 17;
                    alphabet[(state % alphabet.len() as u64) as usize]
                })
                .collect();
            if let Ok(cmds) = split_commands(&s) {
                for w in cmds.iter().flat_map(|c| &c.words) {
                    assert!(s.get(w.span.start..w.span.end).is_some());
                }
            }
        }
        let huge = "run -e A=1 'quoted word' \"x\\\"y\" ; ".repeat(20_000);
        assert_eq!(split_commands(&huge).unwrap().len(), 20_000);
        let bytes: Vec<u8> = (0..=255u8).cycle().take(100_000).collect();
        let _ = split_commands(&String::from_utf8_lossy(&bytes));
        let _ = split_commands(&"\\".repeat(100_001));
        let _ = split_commands(&"'".repeat(100_001));
    }
}
