//! Recursive-descent parser over the lexer's items, following Go's parse.go closely enough
//! that the same mistakes give the same messages.

use super::ast::{Arg, ArgKind, Cmd, Node, Pipe};
use super::funcs::is_defined;
use super::lex::{Item, Tok, describe, lex, parse_int};

/// Nesting limit for parentheses and control structures, so no template can exhaust the
/// stack (Go has the same guard for parentheses).
const MAX_DEPTH: usize = 100;

/// (position, message); the caller turns the position into a line number.
pub type ParseFailure = (usize, String);

pub fn parse_nodes(src: &str) -> Result<Vec<Node>, ParseFailure> {
    let mut p = Parser {
        items: lex(src),
        at: 0,
        vars: vec!["$".into()],
        depth: 0,
        range_depth: 0,
    };
    let (nodes, stop) = p.list()?;
    match stop {
        Stop::Eof => Ok(nodes),
        Stop::End(pos) => Err((pos, "unexpected {{end}}".into())),
        Stop::Else(pos, _) => Err((pos, "unexpected {{else}}".into())),
    }
}

enum Stop {
    Eof,
    End(usize),
    /// `{{else}}`, or `{{else if ...` when the flag is set (the `if` not yet consumed)
    Else(usize, bool),
}

struct Parser {
    items: Vec<Item>,
    at: usize,
    vars: Vec<String>,
    depth: usize,
    range_depth: usize,
}

impl Parser {
    fn next(&mut self) -> Item {
        let item = self.items.get(self.at).cloned().unwrap_or(Item {
            tok: Tok::Eof,
            pos: 0,
            text: String::new(),
        });
        if self.at < self.items.len() {
            self.at += 1;
        }
        item
    }

    fn backup(&mut self) {
        self.at = self.at.saturating_sub(1);
    }

    fn next_non_space(&mut self) -> Item {
        loop {
            let item = self.next();
            if item.tok != Tok::Space {
                return item;
            }
        }
    }

    fn peek_non_space(&mut self) -> Item {
        let item = self.next_non_space();
        self.backup();
        item
    }

    fn fail<T>(&self, item: &Item, msg: String) -> Result<T, ParseFailure> {
        Err((item.pos, msg))
    }

    fn unexpected<T>(&self, item: &Item, context: &str) -> Result<T, ParseFailure> {
        match &item.tok {
            Tok::Error(m) => self.fail(item, m.clone()),
            _ => self.fail(item, format!("unexpected {} in {context}", describe(item))),
        }
    }

    fn enter(&mut self, item: &Item) -> Result<(), ParseFailure> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return self.fail(item, "max expression depth exceeded".into());
        }
        Ok(())
    }

    /// Text and actions until EOF, `{{end}}` or `{{else}}`.
    fn list(&mut self) -> Result<(Vec<Node>, Stop), ParseFailure> {
        let mut nodes = Vec::new();
        loop {
            let item = self.next();
            match item.tok {
                Tok::Eof => return Ok((nodes, Stop::Eof)),
                Tok::Error(ref m) => return self.fail(&item, m.clone()),
                Tok::Text(t) => nodes.push(Node::Text(t)),
                Tok::LeftDelim => match self.action()? {
                    Ok(node) => nodes.push(node),
                    Err(stop) => return Ok((nodes, stop)),
                },
                _ => return self.unexpected(&item, "input"),
            }
        }
    }

    fn action(&mut self) -> Result<Result<Node, Stop>, ParseFailure> {
        let item = self.next_non_space();
        match item.tok {
            Tok::Keyword("if") => Ok(Ok(self.control("if", &item)?)),
            Tok::Keyword("range") => Ok(Ok(self.control("range", &item)?)),
            Tok::Keyword("with") => Ok(Ok(self.control("with", &item)?)),
            Tok::Keyword("end") => {
                self.expect_right_delim("end")?;
                Ok(Err(Stop::End(item.pos)))
            }
            Tok::Keyword("else") => {
                let next = self.peek_non_space();
                if next.tok == Tok::Keyword("if") {
                    return Ok(Err(Stop::Else(item.pos, true)));
                }
                self.expect_right_delim("else")?;
                Ok(Err(Stop::Else(item.pos, false)))
            }
            Tok::Keyword(k @ ("break" | "continue")) => {
                if self.range_depth == 0 {
                    return self.fail(&item, format!("{{{{{k}}}}} outside {{{{range}}}}"));
                }
                self.expect_right_delim(k)?;
                Ok(Ok(if k == "break" {
                    Node::Break
                } else {
                    Node::Continue
                }))
            }
            Tok::Keyword(k) => self.fail(&item, format!("{{{{{k}}}}} is not supported here")),
            _ => {
                self.backup();
                Ok(Ok(Node::Action(self.pipeline("command", true)?)))
            }
        }
    }

    fn expect_right_delim(&mut self, context: &str) -> Result<(), ParseFailure> {
        let item = self.next_non_space();
        if item.tok != Tok::RightDelim {
            return self.unexpected(&item, context);
        }
        Ok(())
    }

    fn control(&mut self, kind: &'static str, start: &Item) -> Result<Node, ParseFailure> {
        self.enter(start)?;
        let saved_vars = self.vars.len();
        let pipe = self.pipeline(kind, true)?;
        if kind == "range" {
            self.range_depth += 1;
        }
        let (body, stop) = self.list()?;
        if kind == "range" {
            self.range_depth -= 1;
        }
        let otherwise = match stop {
            Stop::Eof => return self.fail(start, "unexpected EOF".into()),
            Stop::End(_) => Vec::new(),
            Stop::Else(_, true) => {
                // `{{else if x}}`: a nested if whose {{end}} also closes this one.
                let if_item = self.next_non_space();
                vec![self.control("if", &if_item)?]
            }
            Stop::Else(pos, false) => {
                let (otherwise, stop) = self.list()?;
                match stop {
                    Stop::End(_) => otherwise,
                    Stop::Eof => return self.fail(start, "unexpected EOF".into()),
                    Stop::Else(..) => return Err((pos, "expected end; found {{else}}".into())),
                }
            }
        };
        self.vars.truncate(saved_vars);
        self.depth -= 1;
        Ok(match kind {
            "if" => Node::If {
                pipe,
                then: body,
                otherwise,
            },
            "range" => Node::Range {
                pipe,
                body,
                otherwise,
            },
            _ => Node::With {
                pipe,
                body,
                otherwise,
            },
        })
    }

    /// Optional declarations, then commands separated by `|`, up to `}}` (or `)`).
    fn pipeline(&mut self, context: &str, to_delim: bool) -> Result<Pipe, ParseFailure> {
        let first = self.peek_non_space();
        let mut pipe = Pipe {
            pos: first.pos,
            decl: Vec::new(),
            is_assign: false,
            cmds: Vec::new(),
        };
        self.declarations(&mut pipe, context)?;
        loop {
            let item = self.next_non_space();
            let at_end = if to_delim {
                item.tok == Tok::RightDelim
            } else {
                item.tok == Tok::RightParen
            };
            if at_end {
                if pipe.cmds.is_empty() {
                    return self.fail(&item, format!("missing value for {context}"));
                }
                for (i, cmd) in pipe.cmds.iter().enumerate().skip(1) {
                    let first = &cmd.args[0].kind;
                    if !matches!(
                        first,
                        ArgKind::Func(_)
                            | ArgKind::Field(_)
                            | ArgKind::Variable(..)
                            | ArgKind::Sub(..)
                    ) || matches!(first, ArgKind::Field(c) if c.is_empty())
                    {
                        return self.fail(
                            &item,
                            format!("non executable command in pipeline stage {}", i + 1),
                        );
                    }
                }
                return Ok(pipe);
            }
            match item.tok {
                Tok::Bool(_)
                | Tok::Dot
                | Tok::Field(_)
                | Tok::Identifier(_)
                | Tok::Number(_)
                | Tok::Nil
                | Tok::Str(_)
                | Tok::Variable(_)
                | Tok::LeftParen => {
                    self.backup();
                    let cmd = self.command()?;
                    pipe.cmds.push(cmd);
                }
                _ => return self.unexpected(&item, context),
            }
        }
    }

    fn declarations(&mut self, pipe: &mut Pipe, context: &str) -> Result<(), ParseFailure> {
        let start = self.at;
        let v = self.next_non_space();
        let Tok::Variable(name) = v.tok.clone() else {
            self.at = start;
            return Ok(());
        };
        let op = self.next_non_space();
        match op.tok {
            Tok::Declare | Tok::Assign => {
                pipe.is_assign = op.tok == Tok::Assign;
                if pipe.is_assign && !self.vars.contains(&name) {
                    return self.fail(&v, format!("undefined variable {name:?}"));
                }
                self.vars.push(name.clone());
                pipe.decl.push(name);
            }
            Tok::Comma if context == "range" => {
                let v2 = self.next_non_space();
                let op2 = self.next_non_space();
                match (v2.tok, op2.tok) {
                    (Tok::Variable(second), Tok::Declare | Tok::Assign) => {
                        self.vars.push(name.clone());
                        self.vars.push(second.clone());
                        pipe.decl = vec![name, second];
                    }
                    _ => return self.fail(&v, "range can only initialize variables".into()),
                }
            }
            _ => self.at = start,
        }
        Ok(())
    }

    fn command(&mut self) -> Result<Cmd, ParseFailure> {
        let first = self.peek_non_space();
        let mut cmd = Cmd {
            pos: first.pos,
            args: Vec::new(),
        };
        loop {
            self.peek_non_space();
            if let Some(arg) = self.operand()? {
                cmd.args.push(arg);
            }
            let item = self.next();
            match item.tok {
                Tok::Space => continue,
                Tok::RightDelim | Tok::RightParen => self.backup(),
                Tok::Pipe => {}
                _ => return self.unexpected(&item, "operand"),
            }
            break;
        }
        if cmd.args.is_empty() {
            return self.fail(&first, "empty command".into());
        }
        Ok(cmd)
    }

    fn operand(&mut self) -> Result<Option<Arg>, ParseFailure> {
        let Some(mut arg) = self.term()? else {
            return Ok(None);
        };
        let mut chain = Vec::new();
        let mut end_text = String::new();
        loop {
            let item = self.next();
            if let Tok::Field(name) = item.tok {
                end_text.push_str(&item.text);
                chain.push(name);
            } else {
                self.backup();
                break;
            }
        }
        if chain.is_empty() {
            return Ok(Some(arg));
        }
        arg.text.push_str(&end_text);
        arg.kind = match arg.kind {
            ArgKind::Field(mut c) => {
                c.extend(chain);
                ArgKind::Field(c)
            }
            ArgKind::Variable(n, mut c) => {
                c.extend(chain);
                ArgKind::Variable(n, c)
            }
            ArgKind::Sub(p, mut c) => {
                c.extend(chain);
                ArgKind::Sub(p, c)
            }
            _ => return Err((arg.pos, format!("unexpected . after term {:?}", arg.text))),
        };
        Ok(Some(arg))
    }

    fn term(&mut self) -> Result<Option<Arg>, ParseFailure> {
        let item = self.next_non_space();
        let kind = match &item.tok {
            Tok::Identifier(name) => {
                if !is_defined(name) {
                    return self.fail(&item, format!("function {name:?} not defined"));
                }
                ArgKind::Func(name.clone())
            }
            Tok::Dot => ArgKind::Field(Vec::new()),
            Tok::Nil => ArgKind::Nil,
            Tok::Variable(name) => {
                if !self.vars.contains(name) {
                    return self.fail(&item, format!("undefined variable {name:?}"));
                }
                ArgKind::Variable(name.clone(), Vec::new())
            }
            Tok::Field(name) => ArgKind::Field(vec![name.clone()]),
            Tok::Bool(b) => ArgKind::Bool(*b),
            Tok::Number(text) => match parse_int(text) {
                Some(i) => ArgKind::Int(i),
                None => match text.replace('_', "").parse::<f64>() {
                    Ok(f) => ArgKind::Float(f),
                    Err(_) => return self.fail(&item, format!("illegal number syntax: {text:?}")),
                },
            },
            Tok::Str(s) => ArgKind::Str(s.clone()),
            Tok::LeftParen => {
                self.enter(&item)?;
                let pipe = self.pipeline("parenthesized pipeline", false)?;
                self.depth -= 1;
                let end = self
                    .items
                    .get(self.at.saturating_sub(1))
                    .map_or(item.pos + 1, |i| i.pos + 1);
                let text = self.source_between(item.pos, end);
                return Ok(Some(Arg {
                    pos: item.pos,
                    text,
                    kind: ArgKind::Sub(Box::new(pipe), Vec::new()),
                }));
            }
            _ => {
                self.backup();
                return Ok(None);
            }
        };
        Ok(Some(Arg {
            pos: item.pos,
            text: item.text.clone(),
            kind,
        }))
    }

    /// Reassembles the source text of items in [start, end) for error contexts.
    fn source_between(&self, start: usize, end: usize) -> String {
        self.items
            .iter()
            .filter(|i| i.pos >= start && i.pos < end)
            .map(|i| i.text.as_str())
            .collect()
    }
}
