//! Our own commands for learning: diagrams, lessons, help. Not in Docker.

use super::spec::ArgKind::{Command as V, Container as C, ContainerOrImage as CI, Other as O};
use super::spec::Verb::*;
use super::spec::{CommandSpec as Cmd, Section};

const T: Section = Section::Teaching;

pub const HELP_SPEC: Cmd = Cmd::new(
    Help,
    &["help"],
    "[COMMAND...]",
    "Show the commands, or how to use one",
)
.free_form(&[V])
.section(T);

pub const TEACHING_COMMANDS: &[Cmd] = &[
    Cmd::new(
        ShowLifecycle,
        &["show", "lifecycle"],
        "[CONTAINER]",
        "Draw the container state machine, with where a container is",
    )
    .args(0, Some(1), &[C])
    .section(T),
    Cmd::new(
        ShowLayers,
        &["show", "layers"],
        "IMAGE|CONTAINER",
        "Draw the layer stack of an image or a container",
    )
    .args(1, Some(1), &[CI])
    .section(T),
    Cmd::new(
        ShowCow,
        &["show", "cow"],
        "CONTAINER",
        "Show copy-on-write: what the container changed above its image",
    )
    .args(1, Some(1), &[C])
    .section(T),
    Cmd::new(
        ShowMemory,
        &["show", "memory"],
        "CONTAINER",
        "Show the memory a container holds (running, paused, stopped)",
    )
    .args(1, Some(1), &[C])
    .section(T),
    Cmd::new(
        ShowArch,
        &["show", "arch"],
        "[COMMAND...]",
        "Draw client, daemon, runtime and kernel, and what a command crosses",
    )
    .free_form(&[V])
    .section(T),
    Cmd::new(
        ShowDisk,
        &["show", "disk"],
        "[PATH]",
        "Show the on-disk layout of the store",
    )
    .args(0, Some(1), &[O])
    .section(T),
    Cmd::new(
        ShowNs,
        &["show", "ns"],
        "CONTAINER",
        "Show the namespaces of a container next to the host's",
    )
    .args(1, Some(1), &[C])
    .section(T),
    Cmd::new(
        Explain,
        &["explain"],
        "COMMAND...",
        "Explain what a command would do, without doing it",
    )
    .free_form(&[V])
    .args(1, None, &[V])
    .section(T),
    HELP_SPEC,
    Cmd::new(
        Lesson,
        &["lesson"],
        "[NAME]",
        "Start a guided lesson, or list them",
    )
    .args(0, Some(1), &[O])
    .section(T),
    Cmd::new(
        Quiz,
        &["quiz"],
        "",
        "Answer a few questions about what you have seen",
    )
    .section(T),
    Cmd::new(
        Record,
        &["record"],
        "FILE | stop",
        "Record this session to a transcript file, or stop recording",
    )
    .args(1, Some(1), &[O])
    .section(T),
    Cmd::new(
        Reset,
        &["reset"],
        "",
        "Remove every container and image, back to a fresh start",
    )
    .section(T),
    Cmd::new(
        Diagrams,
        &["diagrams"],
        "on|off",
        "Turn the diagrams after each command on or off",
    )
    .args(1, Some(1), &[O])
    .section(T),
    Cmd::new(Exit, &["exit"], "", "Leave dockerlings (also: quit)").section(T),
];

/// Words that mean another command (not shown in help).
pub const ALIASES: &[(&str, &str)] = &[("quit", "exit")];
