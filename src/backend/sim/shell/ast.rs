//! The shell's syntax tree. Serialisable because pipelines and compound commands with
//! redirections are kept as trees inside the compiled program and compiled when they run.
use serde::{Deserialize, Serialize};

/// One piece of a word, before expansion.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum WordPart {
    /// Unquoted literal text (subject to nothing: no globbing is modelled).
    Lit(String),
    /// Text from quotes or a backslash escape: never field-split.
    Quoted(String),
    /// `$name`, `${name}`, `$?`, `$$`, `$1`…; `quoted` when inside "…".
    Var { name: String, quoted: bool },
    /// `${#name}`.
    Len { name: String, quoted: bool },
    /// `$(…)` or `` `…` ``: the source text, parsed when it runs.
    Subst { script: String, quoted: bool },
    /// `$((…))`: the expression text.
    Arith { expr: String },
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Word(pub Vec<WordPart>);

impl Word {
    /// The word's text when it is a plain unquoted literal (for keywords and assignments).
    pub fn as_literal(&self) -> Option<&str> {
        match self.0.as_slice() {
            [WordPart::Lit(s)] => Some(s),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum RedirOp {
    /// `>`: truncate.
    Out,
    /// `>>`.
    Append,
    /// `<`.
    In,
    /// `N>&M`.
    Dup,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Redir {
    pub fd: u8,
    pub op: RedirOp,
    /// A file name, or for `Dup` the target fd as text.
    pub target: Word,
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SimpleCmd {
    pub assigns: Vec<(String, Word)>,
    pub words: Vec<Word>,
    pub redirs: Vec<Redir>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Command {
    Simple(SimpleCmd),
    If {
        branches: Vec<(List, List)>,
        otherwise: Option<List>,
        redirs: Vec<Redir>,
    },
    Loop {
        until: bool,
        cond: List,
        body: List,
        redirs: Vec<Redir>,
    },
    For {
        var: String,
        items: Option<Vec<Word>>,
        body: List,
        redirs: Vec<Redir>,
    },
    /// `{ …; }` or `( … )` (a subshell is not isolated here: a simplification).
    Group {
        body: List,
        redirs: Vec<Redir>,
    },
}

impl Command {
    pub fn compound_redirs(&self) -> &[Redir] {
        match self {
            Command::Simple(_) => &[],
            Command::If { redirs, .. }
            | Command::Loop { redirs, .. }
            | Command::For { redirs, .. }
            | Command::Group { redirs, .. } => redirs,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Pipeline {
    pub negate: bool,
    pub cmds: Vec<Command>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum AndOrOp {
    And,
    Or,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct AndOr {
    pub first: Pipeline,
    pub rest: Vec<(AndOrOp, Pipeline)>,
}

pub type List = Vec<AndOr>;
