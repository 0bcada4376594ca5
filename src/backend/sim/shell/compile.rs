//! Compiles the syntax tree into a flat instruction list with jumps, so that the VM's whole
//! position is a program counter (serialisable; suspension at `sleep` needs no stack).
use serde::{Deserialize, Serialize};

use super::ast::{AndOr, AndOrOp, Command, List, SimpleCmd, Word};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Instr {
    /// Run a simple command; sets `$?`.
    Run(SimpleCmd),
    /// A multi-stage pipeline, or a compound command with redirections: run to completion
    /// in a subshell with captured output (a simplification: no suspension inside).
    Sync(Vec<Command>),
    Jump(usize),
    JumpIfFail(usize),
    JumpIfOk(usize),
    Negate,
    SetStatus(i32),
    /// Expand the items (None: the positional parameters) and push a loop.
    ForStart(Option<Vec<Word>>),
    /// Assign the next item to `var`, or jump to `exit` when there is none.
    ForNext {
        var: String,
        exit: usize,
    },
    ForPop,
}

#[derive(Default)]
struct LoopLabels {
    continue_at: usize,
    break_jumps: Vec<usize>,
}

#[derive(Default)]
struct Compiler {
    code: Vec<Instr>,
    loops: Vec<LoopLabels>,
}

pub fn compile(list: &List) -> Vec<Instr> {
    let mut compiler = Compiler::default();
    compiler.list(list);
    compiler.code
}

impl Compiler {
    fn here(&self) -> usize {
        self.code.len()
    }

    fn emit(&mut self, instr: Instr) -> usize {
        self.code.push(instr);
        self.code.len() - 1
    }

    /// Point the jump at `at` to `target`.
    fn patch(&mut self, at: usize, target: usize) {
        match &mut self.code[at] {
            Instr::Jump(t) | Instr::JumpIfFail(t) | Instr::JumpIfOk(t) => *t = target,
            Instr::ForNext { exit, .. } => *exit = target,
            _ => {}
        }
    }

    fn list(&mut self, list: &List) {
        for and_or in list {
            self.and_or(and_or);
        }
    }

    fn and_or(&mut self, and_or: &AndOr) {
        self.pipeline(&and_or.first);
        for (op, pipeline) in &and_or.rest {
            let skip = match op {
                AndOrOp::And => self.emit(Instr::JumpIfFail(0)),
                AndOrOp::Or => self.emit(Instr::JumpIfOk(0)),
            };
            self.pipeline(pipeline);
            let end = self.here();
            self.patch(skip, end);
        }
    }

    fn pipeline(&mut self, pipeline: &super::ast::Pipeline) {
        match pipeline.cmds.as_slice() {
            [cmd] if cmd.compound_redirs().is_empty() => self.command(cmd),
            cmds => {
                self.emit(Instr::Sync(cmds.to_vec()));
            }
        }
        if pipeline.negate {
            self.emit(Instr::Negate);
        }
    }

    fn command(&mut self, cmd: &Command) {
        match cmd {
            Command::Simple(simple) => self.simple(simple),
            Command::Group { body, .. } => self.list(body),
            Command::If {
                branches,
                otherwise,
                ..
            } => {
                let mut end_jumps = Vec::new();
                for (cond, body) in branches {
                    self.list(cond);
                    let next = self.emit(Instr::JumpIfFail(0));
                    self.list(body);
                    end_jumps.push(self.emit(Instr::Jump(0)));
                    let here = self.here();
                    self.patch(next, here);
                }
                match otherwise {
                    Some(body) => self.list(body),
                    None => {
                        self.emit(Instr::SetStatus(0));
                    }
                }
                let end = self.here();
                for jump in end_jumps {
                    self.patch(jump, end);
                }
            }
            Command::Loop {
                until, cond, body, ..
            } => {
                let top = self.here();
                self.list(cond);
                let exit = if *until {
                    self.emit(Instr::JumpIfOk(0))
                } else {
                    self.emit(Instr::JumpIfFail(0))
                };
                self.loop_body(body, top, exit);
                self.emit(Instr::SetStatus(0));
            }
            Command::For {
                var, items, body, ..
            } => {
                self.emit(Instr::ForStart(items.clone()));
                let top = self.emit(Instr::ForNext {
                    var: var.clone(),
                    exit: 0,
                });
                self.loop_body(body, top, top);
                self.emit(Instr::ForPop);
            }
        }
    }

    /// Body, a jump back to `top`, and the exit jump `exit` + every `break` patched to
    /// the instruction after.
    fn loop_body(&mut self, body: &List, top: usize, exit: usize) {
        self.loops.push(LoopLabels {
            continue_at: top,
            break_jumps: Vec::new(),
        });
        self.list(body);
        self.emit(Instr::Jump(top));
        let end = self.here();
        self.patch(exit, end);
        if let Some(labels) = self.loops.pop() {
            for jump in labels.break_jumps {
                self.patch(jump, end);
            }
        }
    }

    fn simple(&mut self, simple: &SimpleCmd) {
        let keyword = simple.words.first().and_then(|w| w.as_literal());
        match (keyword, self.loops.last().map(|l| l.continue_at)) {
            (Some("break"), Some(_)) => {
                let jump = self.emit(Instr::Jump(0));
                if let Some(labels) = self.loops.last_mut() {
                    labels.break_jumps.push(jump);
                }
            }
            (Some("continue"), Some(top)) => {
                self.emit(Instr::Jump(top));
            }
            _ => {
                self.emit(Instr::Run(simple.clone()));
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse_script;
    use super::*;

    fn shape(src: &str) -> String {
        compile(&parse_script(src).unwrap())
            .iter()
            .map(|i| match i {
                Instr::Run(c) => format!("run:{}", c.words[0].as_literal().unwrap_or("?")),
                Instr::Sync(c) => format!("sync:{}", c.len()),
                Instr::ForNext { exit, .. } => format!("next->{exit}"),
                other => format!("{other:?}"),
            })
            .collect::<Vec<_>>()
            .join(" ")
    }

    #[test]
    fn while_loop_jumps_back_and_out() {
        insta::assert_snapshot!(shape("while a; do b; done; c"),
            @"run:a JumpIfFail(4) run:b Jump(0) SetStatus(0) run:c");
    }

    #[test]
    fn and_or_chain_is_left_associative() {
        insta::assert_snapshot!(shape("a && b || c"),
            @"run:a JumpIfFail(3) run:b JumpIfOk(5) run:c");
    }

    #[test]
    fn if_elif_else() {
        insta::assert_snapshot!(shape("if a; then b; elif c; then d; else e; fi"),
            @"run:a JumpIfFail(4) run:b Jump(9) run:c JumpIfFail(8) run:d Jump(9) run:e");
    }

    #[test]
    fn for_with_break() {
        insta::assert_snapshot!(shape("for i in 1 2; do break; done; a | b"),
            @r#"ForStart(Some([Word([Lit("1")]), Word([Lit("2")])])) next->4 Jump(4) Jump(1) ForPop sync:2"#);
    }
}
