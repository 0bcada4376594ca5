//! The parsed template. Every node keeps its byte position (for `:line:col` in errors) and
//! its source text (for the `at <...>` context of execution errors).

#[derive(Debug, Clone, PartialEq)]
pub enum Node {
    Text(String),
    Action(Pipe),
    If {
        pipe: Pipe,
        then: Vec<Node>,
        otherwise: Vec<Node>,
    },
    Range {
        pipe: Pipe,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    With {
        pipe: Pipe,
        body: Vec<Node>,
        otherwise: Vec<Node>,
    },
    Break,
    Continue,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Pipe {
    pub pos: usize,
    /// declared or assigned variables (`$x := ...`, `$i, $e := range ...`)
    pub decl: Vec<String>,
    /// `=` rather than `:=`
    pub is_assign: bool,
    pub cmds: Vec<Cmd>,
}

#[derive(Debug, Clone, PartialEq)]
pub struct Cmd {
    pub pos: usize,
    pub args: Vec<Arg>,
}

impl Cmd {
    /// Go's CommandNode.String(): the arguments joined by one space.
    pub fn text(&self) -> String {
        self.args
            .iter()
            .map(|a| a.text.as_str())
            .collect::<Vec<_>>()
            .join(" ")
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Arg {
    pub pos: usize,
    pub text: String,
    pub kind: ArgKind,
}

#[derive(Debug, Clone, PartialEq)]
pub enum ArgKind {
    /// `.A.B`; an empty chain is `.`
    Field(Vec<String>),
    /// `$x.A.B`
    Variable(String, Vec<String>),
    /// `(pipeline).A.B`
    Sub(Box<Pipe>, Vec<String>),
    Func(String),
    Str(String),
    Int(i64),
    Float(f64),
    Bool(bool),
    Nil,
}
