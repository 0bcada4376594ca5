//! Walks the parsed template over a JSON value, as Go's text/template executes over what
//! json.Unmarshal produced.

use super::ast::{Arg, ArgKind, Cmd, Node, Pipe};
use super::funcs::{call, is_header_passthrough};
use super::value::Val;
use serde_json::Value;

/// Header lookup for table headers: field name -> column title.
pub type Headers<'h> = &'h dyn Fn(&str) -> Option<&'static str>;

/// Where and why execution failed; the caller words it with line and column.
#[derive(Debug)]
pub struct ExecFailure {
    pub pos: usize,
    pub context: String,
    pub msg: String,
}

/// Bounds output so a template like `{{range}}` over huge data cannot exhaust memory.
const MAX_OUTPUT: usize = 64 << 20;

enum Flow {
    Normal,
    Break,
    Continue,
}

pub struct Exec<'a, 'h> {
    vars: Vec<(String, Val<'a>)>,
    out: String,
    headers: Option<Headers<'h>>,
}

type Res<T> = Result<T, ExecFailure>;

fn fail<T>(pos: usize, context: &str, msg: impl Into<String>) -> Res<T> {
    Err(ExecFailure {
        pos,
        context: context.to_string(),
        msg: msg.into(),
    })
}

impl<'a, 'h> Exec<'a, 'h> {
    pub fn run(nodes: &[Node], data: &'a Value, headers: Option<Headers<'h>>) -> Res<String> {
        let root = if data.is_null() {
            Val::Missing
        } else {
            Val::Ref(data)
        };
        let mut exec = Exec {
            vars: vec![("$".into(), root.clone())],
            out: String::new(),
            headers,
        };
        exec.walk(nodes, &root)?;
        Ok(exec.out)
    }

    fn walk(&mut self, nodes: &[Node], dot: &Val<'a>) -> Res<Flow> {
        for node in nodes {
            let flow = self.walk_node(node, dot)?;
            if !matches!(flow, Flow::Normal) {
                return Ok(flow);
            }
        }
        Ok(Flow::Normal)
    }

    fn scoped(&mut self, nodes: &[Node], dot: &Val<'a>) -> Res<Flow> {
        let saved = self.vars.len();
        let flow = self.walk(nodes, dot);
        self.vars.truncate(saved);
        flow
    }

    fn walk_node(&mut self, node: &Node, dot: &Val<'a>) -> Res<Flow> {
        match node {
            Node::Text(t) => self.write(t, 0)?,
            Node::Action(pipe) => {
                let v = self.pipe(pipe, dot)?;
                if pipe.decl.is_empty() {
                    self.write(&v.print(), pipe.pos)?;
                }
            }
            Node::If {
                pipe,
                then,
                otherwise,
            } => {
                let saved = self.vars.len();
                let cond = self.pipe(pipe, dot)?.truthy();
                let flow = self.scoped(if cond { then } else { otherwise }, dot);
                self.vars.truncate(saved);
                return flow;
            }
            Node::With {
                pipe,
                body,
                otherwise,
            } => {
                let saved = self.vars.len();
                let v = self.pipe(pipe, dot)?;
                let flow = if v.truthy() {
                    self.scoped(body, &v)
                } else {
                    self.scoped(otherwise, dot)
                };
                self.vars.truncate(saved);
                return flow;
            }
            Node::Range {
                pipe,
                body,
                otherwise,
            } => return self.range(pipe, body, otherwise, dot),
            Node::Break => return Ok(Flow::Break),
            Node::Continue => return Ok(Flow::Continue),
        }
        Ok(Flow::Normal)
    }

    fn write(&mut self, s: &str, pos: usize) -> Res<()> {
        if self.out.len() + s.len() > MAX_OUTPUT {
            return fail(pos, "", "output too large");
        }
        self.out.push_str(s);
        Ok(())
    }

    fn range(
        &mut self,
        pipe: &Pipe,
        body: &[Node],
        otherwise: &[Node],
        dot: &Val<'a>,
    ) -> Res<Flow> {
        let saved = self.vars.len();
        // Declarations in a range name the key and element, not the whole value.
        let bare = Pipe {
            decl: Vec::new(),
            ..pipe.clone()
        };
        let value = self.pipe(&bare, dot)?;
        let items: Vec<(Value, Val<'a>)> = match value.get() {
            Value::Array(a) => (0..a.len())
                .map(|i| {
                    (
                        Value::from(i),
                        value.child(|v| v.get(i)).unwrap_or(Val::Missing),
                    )
                })
                .collect(),
            Value::Object(o) => {
                let mut keys: Vec<String> = o.keys().cloned().collect();
                keys.sort();
                keys.into_iter()
                    .map(|k| {
                        let child = value.child(|v| v.get(&k)).unwrap_or(Val::Missing);
                        (Value::String(k), child)
                    })
                    .collect()
            }
            Value::Null => Vec::new(),
            other => {
                let ctx = pipe.cmds.last().map(Cmd::text).unwrap_or_default();
                return fail(
                    pipe.pos,
                    &ctx,
                    format!("range can't iterate over {}", super::value::go_print(other)),
                );
            }
        };
        if items.is_empty() {
            let flow = self.scoped(otherwise, dot);
            self.vars.truncate(saved);
            return flow;
        }
        for (key, elem) in items {
            let base = self.vars.len();
            match pipe.decl.as_slice() {
                [e] => self.vars.push((e.clone(), elem.clone())),
                [k, e] => {
                    self.vars.push((k.clone(), Val::own(key)));
                    self.vars.push((e.clone(), elem.clone()));
                }
                _ => {}
            }
            let flow = self.walk(body, &elem);
            self.vars.truncate(base);
            if matches!(flow?, Flow::Break) {
                break;
            }
        }
        self.vars.truncate(saved);
        Ok(Flow::Normal)
    }

    fn pipe(&mut self, pipe: &Pipe, dot: &Val<'a>) -> Res<Val<'a>> {
        let mut value: Option<Val<'a>> = None;
        for cmd in &pipe.cmds {
            value = Some(self.command(cmd, dot, value)?);
        }
        // Go unwraps a nil interface{} into "no value" at the end of a pipeline.
        let value = match value {
            Some(v) if !v.is_nil() => v,
            _ => Val::Missing,
        };
        for name in &pipe.decl {
            if pipe.is_assign {
                if let Some(slot) = self.vars.iter_mut().rev().find(|(n, _)| n == name) {
                    slot.1 = value.clone();
                }
            } else {
                self.vars.push((name.clone(), value.clone()));
            }
        }
        Ok(value)
    }

    fn command(&mut self, cmd: &Cmd, dot: &Val<'a>, last: Option<Val<'a>>) -> Res<Val<'a>> {
        let Some(first) = cmd.args.first() else {
            return fail(cmd.pos, "", "empty command");
        };
        let has_args = cmd.args.len() > 1 || last.is_some();
        if let ArgKind::Func(name) = &first.kind {
            return self.call(name, cmd, dot, last);
        }
        if has_args {
            return match &first.kind {
                ArgKind::Field(c) | ArgKind::Variable(_, c) | ArgKind::Sub(_, c)
                    if !c.is_empty() =>
                {
                    let field = c.last().cloned().unwrap_or_default();
                    fail(
                        first.pos,
                        &first.text,
                        format!("{field} is not a method but has arguments"),
                    )
                }
                _ => fail(
                    first.pos,
                    &first.text,
                    format!("can't give argument to non-function {}", first.text),
                ),
            };
        }
        if first.kind == ArgKind::Nil {
            return fail(first.pos, &first.text, "nil is not a command");
        }
        self.arg(first, dot)
    }

    fn call(
        &mut self,
        name: &str,
        cmd: &Cmd,
        dot: &Val<'a>,
        last: Option<Val<'a>>,
    ) -> Res<Val<'a>> {
        let ctx = cmd.text();
        if name == "and" || name == "or" {
            // Short-circuit: the first falsy (and) / truthy (or) argument is the result.
            let mut result = Val::Missing;
            let n = cmd.args.len() - 1 + usize::from(last.is_some());
            if n == 0 {
                return fail(
                    cmd.pos,
                    &ctx,
                    format!("wrong number of args for {name}: want at least 1 got 0"),
                );
            }
            for a in &cmd.args[1..] {
                result = self.arg(a, dot)?;
                if result.truthy() == (name == "or") {
                    return Ok(result);
                }
            }
            return Ok(last.unwrap_or(result));
        }
        let mut args = Vec::with_capacity(cmd.args.len());
        for a in &cmd.args[1..] {
            args.push(self.arg(a, dot)?);
        }
        args.extend(last);
        if self.headers.is_some() && is_header_passthrough(name) {
            return Ok(args.into_iter().next().unwrap_or(Val::str("")));
        }
        call(name, args).or_else(|msg| fail(cmd.pos, &ctx, msg))
    }

    fn arg(&mut self, arg: &Arg, dot: &Val<'a>) -> Res<Val<'a>> {
        match &arg.kind {
            ArgKind::Field(chain) => {
                if let (Some(headers), false) = (self.headers, chain.is_empty()) {
                    let name = chain.join(".");
                    let last = chain.last().map(String::as_str).unwrap_or("");
                    let title = headers(&name).or_else(|| headers(last));
                    return Ok(Val::str(
                        title
                            .map(str::to_string)
                            .unwrap_or_else(|| last.to_uppercase()),
                    ));
                }
                self.chain(dot.clone(), chain, arg, false)
            }
            ArgKind::Variable(name, chain) => {
                let v = self
                    .vars
                    .iter()
                    .rev()
                    .find(|(n, _)| n == name)
                    .map(|(_, v)| v.clone());
                let Some(v) = v else {
                    return fail(arg.pos, &arg.text, format!("undefined variable: {name}"));
                };
                self.chain(v, chain, arg, true)
            }
            ArgKind::Sub(pipe, chain) => {
                let v = self.pipe(pipe, dot)?;
                self.chain(v, chain, arg, true)
            }
            ArgKind::Func(name) => {
                let cmd = Cmd {
                    pos: arg.pos,
                    args: vec![arg.clone()],
                };
                self.call(name, &cmd, dot, None)
            }
            ArgKind::Str(s) => Ok(Val::str(s.clone())),
            ArgKind::Int(i) => Ok(Val::own(Value::from(*i))),
            ArgKind::Float(f) => Ok(Val::own(
                serde_json::Number::from_f64(*f).map_or(Value::Null, Value::Number),
            )),
            ArgKind::Bool(b) => Ok(Val::own(Value::Bool(*b))),
            ArgKind::Nil => Ok(Val::Missing),
        }
    }

    /// `.A.B.C` from `start`: a missing key yields "no value" silently, as Go does for maps;
    /// a field of null or of a non-object is an error.
    fn chain(
        &self,
        start: Val<'a>,
        chain: &[String],
        arg: &Arg,
        root_is_value: bool,
    ) -> Res<Val<'a>> {
        let mut cur = start;
        for (i, field) in chain.iter().enumerate() {
            let nested = i > 0 || root_is_value;
            cur = match cur.get() {
                _ if matches!(cur, Val::Missing) => return Ok(Val::Missing),
                Value::Object(_) => cur.child(|v| v.get(field)).unwrap_or(Val::Missing),
                Value::Null => {
                    return fail(
                        arg.pos,
                        &arg.text,
                        format!("nil pointer evaluating interface {{}}.{field}"),
                    );
                }
                other => {
                    let ty = if nested {
                        "interface {}"
                    } else {
                        super::value::go_type(other)
                    };
                    return fail(
                        arg.pos,
                        &arg.text,
                        format!("can't evaluate field {field} in type {ty}"),
                    );
                }
            };
        }
        Ok(cur)
    }
}
