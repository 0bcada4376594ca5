//! Word expansion: parameters, `${#x}`, `$(…)`, `$((…))`, then field splitting of the
//! unquoted results on blanks (default IFS). No globbing is modelled.
use super::Stream;
use super::arith::eval_arith;
use super::ast::{Word, WordPart};
use super::vm::Vm;
use crate::backend::sim::sys::Sys;

impl Vm {
    /// The value of `$name` (special parameters included); `${x:-default}` too.
    pub fn lookup(&self, name: &str) -> String {
        if let Some((var, default)) = name.split_once(":-") {
            let value = self.lookup(var);
            return if value.is_empty() {
                default.to_string()
            } else {
                value
            };
        }
        let shell = self.shell();
        match name {
            "?" => shell.status.to_string(),
            "$" => self.pid.to_string(),
            "#" => shell.args.len().saturating_sub(1).to_string(),
            "@" | "*" => shell
                .args
                .iter()
                .skip(1)
                .cloned()
                .collect::<Vec<_>>()
                .join(" "),
            "!" => String::new(),
            _ => match name.parse::<usize>() {
                Ok(n) => shell.args.get(n).cloned().unwrap_or_default(),
                Err(_) => shell.vars.get(name).cloned().unwrap_or_default(),
            },
        }
    }

    pub fn expand_words(&mut self, sys: &mut dyn Sys, words: &[Word]) -> Vec<String> {
        let mut fields = Vec::new();
        for word in words {
            fields.extend(self.expand_word(sys, word));
        }
        fields
    }

    /// One word as a single string (assignments, redirection targets): no field splitting.
    pub fn expand_single(&mut self, sys: &mut dyn Sys, word: &Word) -> String {
        let mut text = String::new();
        for part in &word.0 {
            match part {
                WordPart::Lit(s) | WordPart::Quoted(s) => text.push_str(s),
                other => text.push_str(&self.part_value(sys, other)),
            }
        }
        text
    }

    pub fn expand_word(&mut self, sys: &mut dyn Sys, word: &Word) -> Vec<String> {
        let mut fields = Vec::new();
        let mut current = String::new();
        let mut started = false;
        for part in &word.0 {
            match part {
                WordPart::Lit(s) | WordPart::Quoted(s) => {
                    current.push_str(s);
                    started = true;
                }
                WordPart::Var { name, quoted: true } if name == "@" => {
                    let args: Vec<String> = self.shell().args.iter().skip(1).cloned().collect();
                    for (i, arg) in args.iter().enumerate() {
                        if i > 0 {
                            fields.push(std::mem::take(&mut current));
                        }
                        current.push_str(arg);
                        started = true;
                    }
                }
                WordPart::Var { quoted: true, .. } | WordPart::Subst { quoted: true, .. } => {
                    let value = self.part_value(sys, part);
                    current.push_str(&value);
                    started = true;
                }
                _ => {
                    let value = self.part_value(sys, part);
                    for c in value.chars() {
                        if matches!(c, ' ' | '\t' | '\n') {
                            if started {
                                fields.push(std::mem::take(&mut current));
                                started = false;
                            }
                        } else {
                            current.push(c);
                            started = true;
                        }
                    }
                }
            }
        }
        if started {
            fields.push(current);
        }
        fields
    }

    fn part_value(&mut self, sys: &mut dyn Sys, part: &WordPart) -> String {
        match part {
            WordPart::Lit(s) | WordPart::Quoted(s) => s.clone(),
            WordPart::Var { name, .. } => self.lookup(name),
            WordPart::Len { name, .. } => self.lookup(name).chars().count().to_string(),
            WordPart::Subst { script, .. } => self.command_subst(sys, script),
            WordPart::Arith { expr } => {
                let expanded = self.expand_arith_vars(expr);
                match eval_arith(&expanded, &|name| self.lookup(name)) {
                    Ok(n) => n.to_string(),
                    Err(msg) => {
                        let line = format!(
                            "{}: arithmetic syntax error: {msg}\n",
                            self.shell().flavour.name()
                        );
                        self.emit(Stream::Stderr, &line);
                        "0".to_string()
                    }
                }
            }
        }
    }

    /// `$x` inside `$((…))` is replaced by its value before evaluation.
    fn expand_arith_vars(&self, expr: &str) -> String {
        let mut out = String::new();
        let mut chars = expr.chars().peekable();
        while let Some(c) = chars.next() {
            if c != '$' {
                out.push(c);
                continue;
            }
            let mut name = String::new();
            if chars.peek() == Some(&'{') {
                chars.next();
                for n in chars.by_ref() {
                    if n == '}' {
                        break;
                    }
                    name.push(n);
                }
            } else {
                while let Some(&n) = chars.peek() {
                    if n.is_ascii_alphanumeric()
                        || n == '_'
                        || (name.is_empty() && "?#$".contains(n))
                    {
                        name.push(n);
                        chars.next();
                    } else {
                        break;
                    }
                }
            }
            out.push_str(&self.lookup(&name));
        }
        out
    }

    /// `$(script)`: stdout with trailing newlines removed; stderr passes through.
    fn command_subst(&mut self, sys: &mut dyn Sys, script: &str) -> String {
        let Some(program) = self.compile_or_report(script) else {
            self.shell_mut().status = 2;
            return String::new();
        };
        let result = self.subrun(sys, program, String::new());
        self.emit(Stream::Stderr, &result.stderr);
        self.subst_status = Some(result.status);
        result.stdout.trim_end_matches('\n').to_string()
    }
}
