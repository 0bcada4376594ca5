//! Which command do the first words name? `docker` is optional; `container ls`, `image rm`
//! and `show layers` take two words.

use super::error::{ParseError, ParseErrorKind};
use super::lexer::{Span, Word};
use super::spec::{self, CommandSpec, GROUPS, ManagedForm, Section, lookup_managed, lookup_path};
use super::suggest::did_you_mean;
use super::teaching::ALIASES;

/// What the leading words named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Resolved {
    /// A command; `consumed` counts the words naming it (including `docker`).
    Command {
        spec: &'static CommandSpec,
        /// `docker container ls`, `docker run`, `show layers`.
        path: String,
        form: Option<&'static ManagedForm>,
        consumed: usize,
    },
    /// A group word alone (`container`, `image`, `show`, or just `docker`): its help.
    Group {
        name: Option<&'static str>,
        consumed: usize,
    },
}

fn unknown(typed: String, span: Span, command_span: Span, candidates: Vec<&str>) -> ParseError {
    let last = typed.rsplit(' ').next().unwrap_or_default().to_string();
    ParseError {
        suggestion: did_you_mean(&last, candidates).map(String::from),
        kind: Box::new(ParseErrorKind::UnknownCommand(typed)),
        span: Some(span),
        command_span,
        command_path: None,
    }
}

/// Top-level names a user can type first: commands, groups and aliases.
pub fn top_level_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = spec::all_commands()
        .filter(|c| c.section != Section::ManagementOnly)
        .map(|c| c.path[0])
        .chain(GROUPS.iter().map(|g| g.name))
        .chain(ALIASES.iter().map(|(a, _)| *a))
        .collect();
    names.sort_unstable();
    names.dedup();
    names
}

pub fn resolve(words: &[Word], command_span: Span) -> Result<Resolved, ParseError> {
    let skip = usize::from(words.first().is_some_and(|w| w.text == "docker"));
    let Some(first) = words.get(skip) else {
        return Ok(Resolved::Group {
            name: None,
            consumed: skip,
        });
    };
    if first.text == "--help" || first.text == "-h" {
        return Ok(Resolved::Group {
            name: None,
            consumed: skip + 1,
        });
    }
    if first.text.starts_with('-') {
        return Err(ParseError {
            kind: Box::new(ParseErrorKind::UnknownFlag(first.text.clone())),
            span: Some(first.span),
            command_span,
            suggestion: None,
            command_path: Some("docker".into()),
        });
    }
    let name = ALIASES
        .iter()
        .find(|(alias, _)| *alias == first.text)
        .map_or(first.text.as_str(), |(_, target)| target);

    if let Some(group) = GROUPS.iter().find(|g| g.name == name) {
        let second = words.get(skip + 1).filter(|w| !w.text.starts_with('-'));
        let Some(second) = second else {
            return Ok(Resolved::Group {
                name: Some(group.name),
                consumed: skip + 1,
            });
        };
        let members = spec::group_members(group.name);
        let typed = format!("{} {}", group.name, second.text);
        let found = if group.name == "show" {
            lookup_path(&["show", second.text.as_str()]).map(|s| (s, None))
        } else {
            lookup_managed(group.name, &second.text).map(|m| (spec::spec_of(m.verb), Some(m)))
        };
        let Some((spec, form)) = found else {
            return Err(unknown(typed, second.span, command_span, members));
        };
        let canonical = form.map_or(second.text.as_str(), |m| m.names[0]);
        let path = match spec.section {
            Section::Teaching => format!("{} {canonical}", group.name),
            _ => format!("docker {} {canonical}", group.name),
        };
        return Ok(Resolved::Command {
            spec,
            path,
            form,
            consumed: skip + 2,
        });
    }

    match spec::all_commands().find(|c| c.path.len() == 1 && c.path[0] == name) {
        Some(spec) => Ok(Resolved::Command {
            spec,
            path: spec.command_path(),
            form: None,
            consumed: skip + 1,
        }),
        None => Err(unknown(
            first.text.clone(),
            first.span,
            command_span,
            top_level_names(),
        )),
    }
}
