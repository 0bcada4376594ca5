//! Tab completion as a pure function; the REPL wires it into rustyline.

use super::lexer::{Span, Word, split_commands};
use super::resolve::{Resolved, resolve, top_level_names};
use super::spec::{self, ArgKind, CommandSpec, ValueKind};

/// Names completion can offer besides the commands themselves.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CompletionContext {
    pub containers: Vec<String>,
    pub images: Vec<String>,
}

/// Completes the word under the cursor. Returns the byte offset where the word starts (the
/// candidates replace `line[start..pos]`) and the candidates, sorted.
pub fn complete(line: &str, pos: usize, ctx: &CompletionContext) -> (usize, Vec<String>) {
    let mut pos = pos.min(line.len());
    while !line.is_char_boundary(pos) {
        pos -= 1;
    }
    let prefix = &line[..pos];
    // An unterminated quote: the word is still being typed and we cannot tell its bounds.
    let Ok(commands) = split_commands(prefix) else {
        return (pos, Vec::new());
    };
    let trimmed = prefix.trim_end_matches([' ', '\t']);
    let fresh_command = trimmed.is_empty() || trimmed.ends_with([';', '\n']);
    let mut words: Vec<Word> = if fresh_command {
        Vec::new()
    } else {
        commands.last().map(|c| c.words.clone()).unwrap_or_default()
    };
    let current = if prefix.ends_with([' ', '\t', ';', '\n']) || prefix.is_empty() {
        Word {
            text: String::new(),
            span: Span {
                start: pos,
                end: pos,
            },
        }
    } else {
        match words.pop() {
            Some(w) => w,
            None => return (pos, Vec::new()),
        }
    };
    let mut candidates = candidates_for(&words, &current.text, ctx);
    candidates.retain(|c| c.starts_with(&current.text));
    candidates.sort();
    candidates.dedup();
    (current.span.start, candidates)
}

fn candidates_for(before: &[Word], current: &str, ctx: &CompletionContext) -> Vec<String> {
    let owned = |names: Vec<&str>| names.into_iter().map(String::from).collect();
    let skip = usize::from(before.first().is_some_and(|w| w.text == "docker"));
    let context = &before[skip..];
    if context.is_empty() {
        let mut names: Vec<String> = owned(top_level_names());
        if skip == 0 {
            names.push("docker".into());
        }
        return names;
    }
    if let [group] = context
        && spec::GROUPS.iter().any(|g| g.name == group.text)
    {
        return owned(spec::group_members(&group.text));
    }
    match resolve(before, Span::default()) {
        Ok(Resolved::Command { spec, consumed, .. }) => {
            after_command(spec, &before[consumed.min(before.len())..], current, ctx)
        }
        _ => Vec::new(),
    }
}

fn after_command(
    spec: &CommandSpec,
    words: &[Word],
    current: &str,
    ctx: &CompletionContext,
) -> Vec<String> {
    let mut positionals = 0;
    let mut flags_done = spec.free_form;
    let mut i = 0;
    while i < words.len() {
        let text = words[i].text.as_str();
        i += 1;
        if flags_done || !text.starts_with('-') || text == "-" {
            positionals += 1;
            flags_done |= spec.flags_stop_at_first_arg;
            continue;
        }
        if text == "--" {
            flags_done = true;
            continue;
        }
        if takes_next_word(spec, text) {
            if i == words.len() {
                return Vec::new(); // the cursor is on this flag's value
            }
            i += 1;
        }
    }
    if !flags_done && current.starts_with('-') {
        let mut flags: Vec<String> = spec.flags.iter().map(|f| format!("--{}", f.long)).collect();
        flags.push("--help".into());
        return flags;
    }
    match spec.arg_kind(positionals) {
        _ if spec.max_args.is_some_and(|max| positionals >= max) => Vec::new(),
        _ if spec.flags_stop_at_first_arg && positionals > 0 => Vec::new(),
        ArgKind::Container => ctx.containers.clone(),
        ArgKind::Image => ctx.images.clone(),
        ArgKind::ContainerOrImage => [ctx.containers.clone(), ctx.images.clone()].concat(),
        ArgKind::Command => top_level_names().into_iter().map(String::from).collect(),
        ArgKind::Other => Vec::new(),
    }
}

/// Whether `word` is a flag whose value is the next word (`--name`, `-e`, `-it`'s last letter
/// no: only when the last shorthand letter takes a value and nothing is attached).
fn takes_next_word(spec: &CommandSpec, word: &str) -> bool {
    if let Some(long) = word.strip_prefix("--") {
        return !long.contains('=')
            && spec
                .flag_by_long(long)
                .is_some_and(|f| f.kind != ValueKind::Bool);
    }
    for (pos, c) in word[1..].char_indices() {
        match spec.flag_by_short(c) {
            Some(f) if f.kind != ValueKind::Bool => return pos + c.len_utf8() == word.len() - 1,
            Some(_) => continue,
            None => return false,
        }
    }
    false
}
