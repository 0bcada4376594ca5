//! Words → `Invocation`: resolve the command, read its flags the way pflag does (combined
//! shorthands, attached values, `--`), check the number of arguments.

use super::error::{ParseError, ParseErrorKind};
use super::flags::Flags;
use super::lexer::{CommandLine, LexError, Span, Word, split_commands};
use super::resolve::{Resolved, resolve};
use super::spec::{CommandSpec, FlagSpec, ValueKind, Verb};
use super::suggest::did_you_mean;

/// A validated command, ready for the dispatcher.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invocation {
    pub verb: Verb,
    pub flags: Flags,
    /// Positional arguments after flags were taken out.
    pub args: Vec<String>,
    /// Where each of `args` was typed (parallel to `args`).
    pub arg_spans: Vec<Span>,
    /// `--help`/`-h` was given: print `help::help_for_invocation` instead of running.
    pub help: bool,
    /// As Docker names it in messages: `docker run`, `docker container ls`, `show layers`.
    pub command_path: String,
    pub words: Vec<Word>,
    pub text: String,
    pub span: Span,
}

impl Invocation {
    pub fn spec(&self) -> &'static CommandSpec {
        super::spec::spec_of(self.verb)
    }
}

/// Lexes and parses a whole script. A lexing error fails the whole input (nothing is run, as a
/// shell would); each command then parses on its own, so one bad command does not stop the rest.
pub fn parse_script(src: &str) -> Result<Vec<Result<Invocation, ParseError>>, LexError> {
    Ok(split_commands(src)?.iter().map(parse_command).collect())
}

pub fn parse_command(cmd: &CommandLine) -> Result<Invocation, ParseError> {
    let mut inv = Invocation {
        verb: Verb::Help,
        flags: Flags::new(&[]),
        args: Vec::new(),
        arg_spans: Vec::new(),
        help: false,
        command_path: "docker".into(),
        words: cmd.words.clone(),
        text: cmd.text.clone(),
        span: cmd.span,
    };
    let (spec, consumed) = match resolve(&cmd.words, cmd.span)? {
        Resolved::Group { name, consumed } => {
            // `docker`, `container`, `show` alone (or with --help) mean "help for the group".
            if let Some(name) = name {
                inv.args.push(name.to_string());
                inv.arg_spans.push(cmd.words[consumed - 1].span);
            }
            return Ok(inv);
        }
        Resolved::Command {
            spec,
            path,
            form,
            consumed,
        } => {
            inv.verb = spec.verb;
            inv.command_path = path;
            inv.flags = Flags::new(spec.flags);
            for (long, value) in form.map_or(&[][..], |f| f.preset) {
                if let Some(flag) = spec.flag_by_long(long) {
                    // Presets come from our own table and are valid values.
                    let _ = inv.flags.set(flag, Some(value));
                }
            }
            (spec, consumed)
        }
    };
    let rest = cmd.words.get(consumed..).unwrap_or_default();
    let path = inv.command_path.clone();
    let err = |kind, span: Option<Span>, suggestion: Option<String>| ParseError {
        kind: Box::new(kind),
        span,
        command_span: cmd.span,
        suggestion,
        command_path: Some(path.clone()),
    };

    if spec.free_form {
        if rest.first().is_some_and(|w| w.text == "--help") {
            inv.help = true;
        } else {
            push_args(&mut inv, rest);
        }
    } else {
        read_flags(spec, rest, &mut inv).map_err(|(kind, span, hint)| err(kind, span, hint))?;
    }
    if spec.verb == Verb::Help && !inv.args.is_empty() {
        // Check the topic now, so `help rn` gets a caret and a suggestion.
        let topic: Vec<Word> = cmd.words[consumed..].to_vec();
        resolve(&topic, cmd.span)?;
    }
    if !inv.help {
        check_arg_count(spec, &inv).map_err(|(kind, span)| err(kind, span, None))?;
    }
    Ok(inv)
}

fn push_args(inv: &mut Invocation, words: &[Word]) {
    for w in words {
        inv.args.push(w.text.clone());
        inv.arg_spans.push(w.span);
    }
}

type FlagError = (ParseErrorKind, Option<Span>, Option<String>);

fn read_flags(spec: &CommandSpec, words: &[Word], inv: &mut Invocation) -> Result<(), FlagError> {
    let mut i = 0;
    while i < words.len() {
        let word = &words[i];
        let text = word.text.as_str();
        i += 1;
        if text == "--" {
            push_args(inv, &words[i..]);
            return Ok(());
        }
        if !text.starts_with('-') || text == "-" {
            push_args(inv, std::slice::from_ref(word));
            if spec.flags_stop_at_first_arg {
                push_args(inv, &words[i..]);
                return Ok(());
            }
            continue;
        }
        if let Some(long) = text.strip_prefix("--") {
            let (name, attached) = match long.split_once('=') {
                Some((n, v)) => (n, Some(v)),
                None => (long, None),
            };
            if name == "help" {
                inv.help = true;
                continue;
            }
            let Some(flag) = spec.flag_by_long(name) else {
                let kind = if name.starts_with('-') || name.is_empty() {
                    ParseErrorKind::BadSyntax(text.to_string())
                } else {
                    ParseErrorKind::UnknownFlag(format!("--{name}"))
                };
                let longs = spec.flags.iter().map(|f| f.long);
                let hint = did_you_mean(name, longs).map(|l| format!("--{l}"));
                return Err((kind, Some(word.span), hint));
            };
            let value = match (flag.kind, attached) {
                (ValueKind::Bool, v) => v.map(String::from),
                (_, Some(v)) => Some(v.to_string()),
                (_, None) => match words.get(i) {
                    Some(next) => {
                        i += 1;
                        Some(next.text.clone())
                    }
                    None => {
                        let kind = ParseErrorKind::MissingValue(format!("--{name}"));
                        return Err((kind, Some(word.span), None));
                    }
                },
            };
            let value_span = if attached.is_some() {
                word.span
            } else {
                words[i - 1].span
            };
            store(inv, flag, value.as_deref(), value_span)?;
            continue;
        }
        i = read_shorthands(spec, words, i, inv)?;
    }
    Ok(())
}

/// `-dit`, `-m100m`, `-m=100m`, `-e A=1`: bools until a flag that takes a value, which gets
/// the rest of the word or else the next word. Returns the index of the next unread word.
fn read_shorthands(
    spec: &CommandSpec,
    words: &[Word],
    mut next: usize,
    inv: &mut Invocation,
) -> Result<usize, FlagError> {
    let word = &words[next - 1];
    let letters = &word.text[1..];
    for (pos, c) in letters.char_indices() {
        let Some(flag) = spec.flag_by_short(c) else {
            if c == 'h' {
                inv.help = true;
                continue;
            }
            let kind = ParseErrorKind::UnknownShorthand {
                letter: c,
                word: word.text.clone(),
            };
            // `-name` is usually `--name` with a dash missing.
            let longs = spec.flags.iter().map(|f| f.long);
            let hint = if spec.flag_by_long(letters).is_some() {
                Some(format!("--{letters}"))
            } else {
                did_you_mean(letters, longs).map(|l| format!("--{l}"))
            };
            return Err((kind, Some(word.span), hint));
        };
        let rest = &letters[pos + c.len_utf8()..];
        if flag.kind == ValueKind::Bool {
            if let Some(v) = rest.strip_prefix('=') {
                store(inv, flag, Some(v), word.span)?;
                return Ok(next);
            }
            store(inv, flag, None, word.span)?;
            continue;
        }
        if !rest.is_empty() {
            let value = rest.strip_prefix('=').unwrap_or(rest);
            store(inv, flag, Some(value), word.span)?;
            return Ok(next);
        }
        let Some(value_word) = words.get(next) else {
            let kind = ParseErrorKind::MissingValue(format!("'{c}' in -{c}"));
            return Err((kind, Some(word.span), None));
        };
        next += 1;
        store(inv, flag, Some(&value_word.text), value_word.span)?;
        return Ok(next);
    }
    Ok(next)
}

fn store(
    inv: &mut Invocation,
    flag: &'static FlagSpec,
    value: Option<&str>,
    span: Span,
) -> Result<(), FlagError> {
    inv.flags.set(flag, value).map_err(|reason| {
        let kind = ParseErrorKind::InvalidValue {
            value: value.unwrap_or_default().to_string(),
            flag: flag.display(),
            reason,
        };
        (kind, Some(span), None)
    })
}

fn plural(n: usize) -> &'static str {
    if n == 1 { "argument" } else { "arguments" }
}

/// Docker's cli/required.go wording for each arity.
fn check_arg_count(
    spec: &CommandSpec,
    inv: &Invocation,
) -> Result<(), (ParseErrorKind, Option<Span>)> {
    let n = inv.args.len();
    let path = &inv.command_path;
    let (min, max) = (spec.min_args, spec.max_args);
    let message = match max {
        Some(0) => format!("\"{path}\" accepts no arguments."),
        Some(max) if max == min => format!("\"{path}\" requires exactly {min} {}.", plural(min)),
        None => format!("\"{path}\" requires at least {min} {}.", plural(min)),
        Some(max) if min == 0 => format!("\"{path}\" accepts at most {max} {}.", plural(max)),
        Some(max) => format!(
            "\"{path}\" requires at least {min} and at most {max} {}.",
            plural(max)
        ),
    };
    if n < min {
        return Err((ParseErrorKind::WrongArgCount(message), None));
    }
    if let Some(max) = max.filter(|&max| n > max) {
        let span = Span {
            start: inv.arg_spans[max].start,
            end: inv.arg_spans[n - 1].end,
        };
        return Err((ParseErrorKind::WrongArgCount(message), Some(span)));
    }
    Ok(())
}
