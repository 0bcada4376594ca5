//! The shape of the command table: what a command, a flag and a positional argument are.
//! The data itself lives in `table.rs` (Docker commands) and `teaching.rs` (ours).

/// The canonical command, management forms already resolved (`container ls` is `Ps`).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Verb {
    Attach,
    Build,
    Commit,
    ContainerPrune,
    Create,
    Diff,
    Exec,
    Export,
    History,
    ImagePrune,
    Images,
    Import,
    Info,
    Inspect,
    Kill,
    Load,
    Login,
    Logout,
    Logs,
    Pause,
    Ps,
    Pull,
    Push,
    Rename,
    Restart,
    Rm,
    Rmi,
    Run,
    Save,
    Start,
    Stats,
    Stop,
    Tag,
    Top,
    Unpause,
    Version,
    Wait,
    // Teaching commands (not Docker).
    ShowLifecycle,
    ShowLayers,
    ShowCow,
    ShowMemory,
    ShowArch,
    ShowDisk,
    ShowNs,
    Explain,
    Help,
    Lesson,
    Quiz,
    Record,
    Reset,
    Diagrams,
    Exit,
}

/// What kind of value a flag takes; the name is pflag's type word shown in help.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ValueKind {
    Bool,
    String,
    Int,
    /// A size such as `100m`, read like Docker's RAMInBytes.
    Bytes,
    /// Repeatable; every occurrence is kept in order.
    List,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FlagSpec {
    pub short: Option<char>,
    pub long: &'static str,
    pub kind: ValueKind,
    /// pflag's type word in help (`string`, `list`, `filter`, `network`...); empty for bools.
    pub type_name: &'static str,
    /// Default as Docker's help prints it (`10`, `"KILL"`, `true`); empty for none.
    pub default: &'static str,
    pub about: &'static str,
}

impl FlagSpec {
    const fn new(
        short: Option<char>,
        long: &'static str,
        kind: ValueKind,
        about: &'static str,
    ) -> Self {
        let type_name = match kind {
            ValueKind::Bool => "",
            ValueKind::String => "string",
            ValueKind::Int => "int",
            ValueKind::Bytes => "bytes",
            ValueKind::List => "list",
        };
        FlagSpec {
            short,
            long,
            kind,
            type_name,
            default: "",
            about,
        }
    }
    pub const fn with_default(mut self, default: &'static str) -> Self {
        self.default = default;
        self
    }
    pub const fn with_type(mut self, type_name: &'static str) -> Self {
        self.type_name = type_name;
        self
    }
    /// pflag's name for the flag in messages: `-t, --time` or `--name`.
    pub fn display(&self) -> String {
        match self.short {
            Some(s) => format!("-{s}, --{}", self.long),
            None => format!("--{}", self.long),
        }
    }
    /// The default without help's quotes, as the value the flag has when not given.
    pub fn default_value(&self) -> Option<&'static str> {
        match self.default {
            "" => None,
            d => Some(d.trim_matches('"')),
        }
    }
}

pub const fn boolean(short: Option<char>, long: &'static str, about: &'static str) -> FlagSpec {
    FlagSpec::new(short, long, ValueKind::Bool, about)
}
pub const fn string(short: Option<char>, long: &'static str, about: &'static str) -> FlagSpec {
    FlagSpec::new(short, long, ValueKind::String, about)
}
pub const fn int(short: Option<char>, long: &'static str, about: &'static str) -> FlagSpec {
    FlagSpec::new(short, long, ValueKind::Int, about)
}
pub const fn bytes(short: Option<char>, long: &'static str, about: &'static str) -> FlagSpec {
    FlagSpec::new(short, long, ValueKind::Bytes, about)
}
pub const fn list(short: Option<char>, long: &'static str, about: &'static str) -> FlagSpec {
    FlagSpec::new(short, long, ValueKind::List, about)
}

/// What a positional argument names, for completion.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ArgKind {
    Container,
    Image,
    /// `inspect`, `show layers`: either.
    ContainerOrImage,
    /// A command name (for `help`, `explain`).
    Command,
    /// Anything: a path, a command to run, a new name.
    Other,
}

/// Where a command is listed in the overview.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Section {
    Docker,
    /// Reached only through a management group (`container prune`).
    ManagementOnly,
    Teaching,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CommandSpec {
    pub verb: Verb,
    /// The words that name it: `["run"]`, `["show", "layers"]`, `["container", "prune"]`.
    pub path: &'static [&'static str],
    /// Usage after the command path: `[OPTIONS] IMAGE [COMMAND] [ARG...]`.
    pub usage: &'static str,
    pub about: &'static str,
    pub flags: &'static [FlagSpec],
    pub min_args: usize,
    pub max_args: Option<usize>,
    /// Kinds of positionals in order; the last repeats for the rest.
    pub args: &'static [ArgKind],
    /// Flags end at the first positional (run's IMAGE, exec's CONTAINER, top).
    pub flags_stop_at_first_arg: bool,
    /// No flag parsing at all: every word is an argument (build, pull, explain...).
    pub free_form: bool,
    pub section: Section,
}

impl CommandSpec {
    pub fn flag_by_long(&self, long: &str) -> Option<&'static FlagSpec> {
        self.flags.iter().find(|f| f.long == long)
    }
    pub fn flag_by_short(&self, short: char) -> Option<&'static FlagSpec> {
        self.flags.iter().find(|f| f.short == Some(short))
    }
    /// `docker run`, `docker container prune`, or `show layers` for teaching commands.
    pub fn command_path(&self) -> String {
        let words = self.path.join(" ");
        match self.section {
            Section::Teaching => words,
            _ => format!("docker {words}"),
        }
    }
    pub fn arg_kind(&self, index: usize) -> ArgKind {
        self.args
            .get(index)
            .or(self.args.last())
            .copied()
            .unwrap_or(ArgKind::Other)
    }
}

/// A management-group alias: `container ls` means `ps`; `image inspect` means `inspect --type
/// image`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ManagedForm {
    pub group: &'static str,
    pub names: &'static [&'static str],
    pub verb: Verb,
    /// Flags set as if typed, by long name.
    pub preset: &'static [(&'static str, &'static str)],
}

/// A group word (`container`, `image`, `show`) and its one-line description.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Group {
    pub name: &'static str,
    pub about: &'static str,
}

pub const GROUPS: &[Group] = &[
    Group {
        name: "container",
        about: "Manage containers",
    },
    Group {
        name: "image",
        about: "Manage images",
    },
    Group {
        name: "show",
        about: "Draw what Docker does underneath (teaching)",
    },
];

/// Every command in the table, Docker's first then the teaching ones.
pub fn all_commands() -> impl Iterator<Item = &'static CommandSpec> {
    super::table::CONTAINER_COMMANDS
        .iter()
        .chain(super::table_image::IMAGE_COMMANDS.iter())
        .chain(super::teaching::TEACHING_COMMANDS.iter())
}

/// The spec of a verb. Every verb has exactly one (checked by a test).
pub fn spec_of(verb: Verb) -> &'static CommandSpec {
    all_commands()
        .find(|c| c.verb == verb)
        .unwrap_or(&super::teaching::HELP_SPEC)
}

/// The command named by `words[0..n]`, top-level or teaching (not management forms).
pub fn lookup_path(words: &[&str]) -> Option<&'static CommandSpec> {
    all_commands().find(|c| c.path.len() <= words.len() && c.path == &words[..c.path.len()])
}

/// The management form `group name`, if any.
pub fn lookup_managed(group: &str, name: &str) -> Option<&'static ManagedForm> {
    super::managed::MANAGED_FORMS
        .iter()
        .find(|m| m.group == group && m.names.contains(&name))
}

/// Subcommand names under a group word, first name of each form, in table order.
pub fn group_members(group: &str) -> Vec<&'static str> {
    if group == "show" {
        return all_commands()
            .filter(|c| c.path.len() == 2 && c.path[0] == "show")
            .map(|c| c.path[1])
            .collect();
    }
    super::managed::MANAGED_FORMS
        .iter()
        .filter(|m| m.group == group)
        .flat_map(|m| m.names.iter().copied())
        .collect()
}

/// Builders so the tables read as data.
impl CommandSpec {
    pub const fn new(
        verb: Verb,
        path: &'static [&'static str],
        usage: &'static str,
        about: &'static str,
    ) -> Self {
        CommandSpec {
            verb,
            path,
            usage,
            about,
            flags: &[],
            min_args: 0,
            max_args: Some(0),
            args: &[],
            flags_stop_at_first_arg: false,
            free_form: false,
            section: Section::Docker,
        }
    }
    pub const fn flags(mut self, flags: &'static [FlagSpec]) -> Self {
        self.flags = flags;
        self
    }
    pub const fn args(mut self, min: usize, max: Option<usize>, kinds: &'static [ArgKind]) -> Self {
        self.min_args = min;
        self.max_args = max;
        self.args = kinds;
        self
    }
    pub const fn stop_at_first_arg(mut self) -> Self {
        self.flags_stop_at_first_arg = true;
        self
    }
    pub const fn free_form(mut self, kinds: &'static [ArgKind]) -> Self {
        self.free_form = true;
        self.max_args = None;
        self.args = kinds;
        self
    }
    pub const fn section(mut self, section: Section) -> Self {
        self.section = section;
        self
    }
}
