//! Help text in Docker 20.10's layout (cobra's templates, pflag's option columns).

use super::lexer::Span;
use super::managed::MANAGED_FORMS;
use super::parse::Invocation;
use super::resolve::{Resolved, resolve};
use super::spec::{self, CommandSpec, FlagSpec, GROUPS, ManagedForm, Section, Verb};

/// Like `docker --help`, plus our teaching commands.
pub fn help_overview() -> String {
    let mut out =
        String::from("\nUsage:  [docker] COMMAND\n\nA self-sufficient runtime for containers\n");
    out.push_str("\nManagement Commands:\n");
    for g in GROUPS.iter().filter(|g| g.name != "show") {
        out.push_str(&format!("  {:<11} {}\n", g.name, g.about));
    }
    out.push_str("\nCommands:\n");
    let mut docker: Vec<&CommandSpec> = spec::all_commands()
        .filter(|c| c.section == Section::Docker)
        .collect();
    docker.sort_by_key(|c| c.path[0]);
    for c in docker {
        out.push_str(&format!("  {:<11} {}\n", c.path[0], c.about));
    }
    out.push_str("\nTeaching commands:\n");
    let teaching: Vec<(String, &str)> = spec::all_commands()
        .filter(|c| c.section == Section::Teaching)
        .map(|c| (c.path.join(" "), c.about))
        .collect();
    let width = teaching.iter().map(|(n, _)| n.len()).max().unwrap_or(0);
    for (name, about) in &teaching {
        out.push_str(&format!("  {name:<width$}  {about}\n"));
    }
    out.push_str("\nRun 'docker COMMAND --help' for more information on a command.\n");
    out
}

/// Like `docker run --help`.
pub fn help_for(verb: Verb) -> String {
    let spec = spec::spec_of(verb);
    command_help(spec, &spec.command_path(), None)
}

/// What to print for an invocation that asked for help: `run --help`, `container ls -h`,
/// `help`, `help container`, `help image rm`, `container` alone.
pub fn help_for_invocation(inv: &Invocation) -> String {
    let resolved = if inv.verb == Verb::Help && !inv.help {
        let topic: Vec<_> = inv
            .args
            .iter()
            .zip(&inv.arg_spans)
            .map(|(text, span)| super::lexer::Word {
                text: text.clone(),
                span: *span,
            })
            .collect();
        resolve(&topic, Span::default())
    } else {
        resolve(&inv.words, inv.span)
    };
    match resolved {
        Ok(Resolved::Command {
            spec, path, form, ..
        }) => command_help(spec, &path, form),
        Ok(Resolved::Group {
            name: Some(group), ..
        }) => group_help(group),
        Ok(Resolved::Group { name: None, .. }) | Err(_) => help_overview(),
    }
}

/// Like `docker container --help`.
fn group_help(group: &str) -> String {
    let about = GROUPS
        .iter()
        .find(|g| g.name == group)
        .map_or("", |g| g.about);
    let prefix = if group == "show" { "" } else { "docker " };
    let mut out = format!("\nUsage:  {prefix}{group} COMMAND\n\n{about}\n\nCommands:\n");
    let rows: Vec<(&str, &str)> = if group == "show" {
        spec::all_commands()
            .filter(|c| c.path.len() == 2 && c.path[0] == "show")
            .map(|c| (c.path[1], c.about))
            .collect()
    } else {
        MANAGED_FORMS
            .iter()
            .filter(|m| m.group == group)
            .map(|m| (m.names[0], spec::spec_of(m.verb).about))
            .collect()
    };
    for (name, about) in rows {
        out.push_str(&format!("  {name:<11} {about}\n"));
    }
    out.push_str(&format!(
        "\nRun '{prefix}{group} COMMAND --help' for more information on a command.\n"
    ));
    out
}

fn command_help(spec: &CommandSpec, path: &str, form: Option<&ManagedForm>) -> String {
    let usage = if spec.usage.is_empty() {
        path.to_string()
    } else {
        format!("{path} {}", spec.usage)
    };
    let mut out = format!("\nUsage:  {usage}\n\n{}\n", spec.about);
    if let Some(form) = form.filter(|f| f.names.len() > 1) {
        out.push_str(&format!("\nAliases:\n  {}\n", form.names.join(", ")));
    }
    if !spec.flags.is_empty() {
        out.push_str("\nOptions:\n");
        out.push_str(&option_lines(spec.flags));
    }
    out
}

/// pflag's layout: flags sorted by long name, descriptions aligned three spaces after the
/// longest `-x, --long type` column.
fn option_lines(flags: &[FlagSpec]) -> String {
    let mut flags: Vec<&FlagSpec> = flags.iter().collect();
    flags.sort_by_key(|f| f.long);
    let lefts: Vec<String> = flags
        .iter()
        .map(|f| {
            let names = match f.short {
                Some(s) => format!("  -{s}, --{}", f.long),
                None => format!("      --{}", f.long),
            };
            match f.type_name {
                "" => names,
                t => format!("{names} {t}"),
            }
        })
        .collect();
    let width = lefts.iter().map(String::len).max().unwrap_or(0);
    let mut out = String::new();
    for (f, left) in flags.iter().zip(&lefts) {
        out.push_str(&format!("{left:<width$}   {}", f.about));
        if !f.default.is_empty() {
            out.push_str(&format!(" (default {})", f.default));
        }
        out.push('\n');
    }
    out
}
