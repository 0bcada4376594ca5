//! Recursive-descent parser from tokens to the syntax tree (the subset of POSIX sh grammar
//! that lessons use: lists, pipelines, if/while/until/for, groups, redirections).
use super::ast::{AndOr, AndOrOp, Command, List, Pipeline, Redir, SimpleCmd, Word, WordPart};
use super::error::SyntaxError;
use super::lex::{Tok, tokenize};

pub fn parse_script(src: &str) -> Result<List, SyntaxError> {
    let toks = tokenize(src)?;
    let mut parser = Parser { toks, pos: 0 };
    let list = parser.list(&[])?;
    match parser.peek() {
        None => Ok(list),
        Some(tok) => Err(SyntaxError::Unexpected(tok_text(tok))),
    }
}

const RESERVED: &[&str] = &["then", "elif", "else", "fi", "do", "done", "}", "in"];

fn tok_text(tok: &Tok) -> String {
    match tok {
        Tok::Word(w) => w.as_literal().unwrap_or("word").to_string(),
        Tok::Redir { .. } => "redirection".into(),
        Tok::Semi => ";".into(),
        Tok::Newline => "newline".into(),
        Tok::AndIf => "&&".into(),
        Tok::OrIf => "||".into(),
        Tok::Pipe => "|".into(),
        Tok::Amp => "&".into(),
        Tok::LParen => "(".into(),
        Tok::RParen => ")".into(),
    }
}

struct Parser {
    toks: Vec<Tok>,
    pos: usize,
}

impl Parser {
    fn peek(&self) -> Option<&Tok> {
        self.toks.get(self.pos)
    }

    fn peek_keyword(&self) -> Option<&str> {
        match self.peek() {
            Some(Tok::Word(w)) => w.as_literal(),
            _ => None,
        }
    }

    fn skip_newlines(&mut self) {
        while self.peek() == Some(&Tok::Newline) {
            self.pos += 1;
        }
    }

    fn expect_keyword(&mut self, kw: &str) -> Result<(), SyntaxError> {
        self.skip_newlines();
        match self.peek() {
            None => Err(SyntaxError::UnexpectedEof(kw.into())),
            Some(_) if self.peek_keyword() == Some(kw) => {
                self.pos += 1;
                Ok(())
            }
            Some(tok) => Err(SyntaxError::Unexpected(tok_text(tok))),
        }
    }

    /// Commands separated by `;`, `&` or newlines, up to one of `stop` (not consumed),
    /// `)` or the end.
    fn list(&mut self, stop: &[&str]) -> Result<List, SyntaxError> {
        let mut list = Vec::new();
        loop {
            while matches!(self.peek(), Some(Tok::Newline | Tok::Semi)) {
                if self.peek() == Some(&Tok::Semi) && list.is_empty() {
                    return Err(SyntaxError::Unexpected(";".into()));
                }
                self.pos += 1;
            }
            match self.peek() {
                None | Some(Tok::RParen) => return Ok(list),
                _ => {}
            }
            if let Some(kw) = self.peek_keyword()
                && RESERVED.contains(&kw)
            {
                if stop.contains(&kw) {
                    return Ok(list);
                }
                return Err(SyntaxError::Unexpected(kw.to_string()));
            }
            list.push(self.and_or()?);
            match self.peek() {
                Some(Tok::Semi | Tok::Newline | Tok::Amp) => self.pos += 1,
                None | Some(Tok::RParen) => {}
                // `… fi done`: a keyword may follow a compound command directly.
                Some(_) if self.peek_keyword().is_some_and(|k| RESERVED.contains(&k)) => {}
                Some(tok) => return Err(SyntaxError::Unexpected(tok_text(tok))),
            }
        }
    }

    /// A list that must hold at least one command (bodies and conditions).
    fn nonempty_list(&mut self, stop: &[&str]) -> Result<List, SyntaxError> {
        let list = self.list(stop)?;
        if list.is_empty() {
            return Err(match self.peek() {
                Some(tok) => SyntaxError::Unexpected(tok_text(tok)),
                None => {
                    SyntaxError::UnexpectedEof(stop.first().copied().unwrap_or("command").into())
                }
            });
        }
        Ok(list)
    }

    fn and_or(&mut self) -> Result<AndOr, SyntaxError> {
        let first = self.pipeline()?;
        let mut rest = Vec::new();
        loop {
            let op = match self.peek() {
                Some(Tok::AndIf) => AndOrOp::And,
                Some(Tok::OrIf) => AndOrOp::Or,
                _ => return Ok(AndOr { first, rest }),
            };
            self.pos += 1;
            self.skip_newlines();
            rest.push((op, self.pipeline()?));
        }
    }

    fn pipeline(&mut self) -> Result<Pipeline, SyntaxError> {
        let negate = self.peek_keyword() == Some("!");
        if negate {
            self.pos += 1;
        }
        let mut cmds = vec![self.command()?];
        while self.peek() == Some(&Tok::Pipe) {
            self.pos += 1;
            self.skip_newlines();
            cmds.push(self.command()?);
        }
        Ok(Pipeline { negate, cmds })
    }

    fn command(&mut self) -> Result<Command, SyntaxError> {
        if self.peek() == Some(&Tok::LParen) {
            self.pos += 1;
            let body = self.list(&[])?;
            match self.peek() {
                Some(Tok::RParen) => self.pos += 1,
                _ => return Err(SyntaxError::UnexpectedEof(")".into())),
            }
            let redirs = self.redirs()?;
            return Ok(Command::Group { body, redirs });
        }
        let compound = match self.peek_keyword() {
            Some("if") => self.if_clause()?,
            Some(kw @ ("while" | "until")) => {
                let until = kw == "until";
                self.pos += 1;
                let cond = self.nonempty_list(&["do"])?;
                let body = self.do_group()?;
                Command::Loop {
                    until,
                    cond,
                    body,
                    redirs: Vec::new(),
                }
            }
            Some("for") => self.for_clause()?,
            Some("{") => {
                self.pos += 1;
                let body = self.nonempty_list(&["}"])?;
                self.expect_keyword("}")?;
                Command::Group {
                    body,
                    redirs: Vec::new(),
                }
            }
            _ => return self.simple(),
        };
        let redirs = self.redirs()?;
        Ok(match compound {
            Command::If {
                branches,
                otherwise,
                ..
            } => Command::If {
                branches,
                otherwise,
                redirs,
            },
            Command::Loop {
                until, cond, body, ..
            } => Command::Loop {
                until,
                cond,
                body,
                redirs,
            },
            Command::For {
                var, items, body, ..
            } => Command::For {
                var,
                items,
                body,
                redirs,
            },
            Command::Group { body, .. } => Command::Group { body, redirs },
            simple => simple,
        })
    }

    fn if_clause(&mut self) -> Result<Command, SyntaxError> {
        self.pos += 1;
        let mut branches = Vec::new();
        let mut otherwise = None;
        loop {
            let cond = self.nonempty_list(&["then"])?;
            self.expect_keyword("then")?;
            let body = self.nonempty_list(&["elif", "else", "fi"])?;
            branches.push((cond, body));
            match self.peek_keyword() {
                Some("elif") => self.pos += 1,
                Some("else") => {
                    self.pos += 1;
                    otherwise = Some(self.nonempty_list(&["fi"])?);
                    self.expect_keyword("fi")?;
                    break;
                }
                _ => {
                    self.expect_keyword("fi")?;
                    break;
                }
            }
        }
        Ok(Command::If {
            branches,
            otherwise,
            redirs: Vec::new(),
        })
    }

    fn do_group(&mut self) -> Result<List, SyntaxError> {
        self.expect_keyword("do")?;
        let body = self.nonempty_list(&["done"])?;
        self.expect_keyword("done")?;
        Ok(body)
    }

    fn for_clause(&mut self) -> Result<Command, SyntaxError> {
        self.pos += 1;
        let var = match self.peek() {
            Some(Tok::Word(w)) => match w.as_literal() {
                Some(name) => name.to_string(),
                None => return Err(SyntaxError::Unexpected("word".into())),
            },
            Some(tok) => return Err(SyntaxError::Unexpected(tok_text(tok))),
            None => return Err(SyntaxError::UnexpectedEof("do".into())),
        };
        self.pos += 1;
        self.skip_newlines();
        let mut items = None;
        if self.peek_keyword() == Some("in") {
            self.pos += 1;
            let mut words = Vec::new();
            while let Some(Tok::Word(w)) = self.peek() {
                words.push(w.clone());
                self.pos += 1;
            }
            items = Some(words);
        }
        if matches!(self.peek(), Some(Tok::Semi)) {
            self.pos += 1;
        }
        let body = self.do_group()?;
        Ok(Command::For {
            var,
            items,
            body,
            redirs: Vec::new(),
        })
    }

    fn redirs(&mut self) -> Result<Vec<Redir>, SyntaxError> {
        let mut redirs = Vec::new();
        while let Some(Tok::Redir { fd, op }) = self.peek().cloned() {
            self.pos += 1;
            redirs.push(self.redir_target(fd, op)?);
        }
        Ok(redirs)
    }

    fn redir_target(&mut self, fd: u8, op: super::ast::RedirOp) -> Result<Redir, SyntaxError> {
        match self.peek() {
            Some(Tok::Word(w)) => {
                let target = w.clone();
                self.pos += 1;
                Ok(Redir { fd, op, target })
            }
            Some(tok) => Err(SyntaxError::Unexpected(tok_text(tok))),
            None => Err(SyntaxError::Unexpected("newline".into())),
        }
    }

    fn simple(&mut self) -> Result<Command, SyntaxError> {
        let mut cmd = SimpleCmd::default();
        loop {
            match self.peek().cloned() {
                Some(Tok::Word(w)) => {
                    self.pos += 1;
                    match (cmd.words.is_empty(), split_assignment(&w)) {
                        (true, Some(assign)) => cmd.assigns.push(assign),
                        _ => cmd.words.push(w),
                    }
                }
                Some(Tok::Redir { fd, op }) => {
                    self.pos += 1;
                    cmd.redirs.push(self.redir_target(fd, op)?);
                }
                Some(tok) if cmd == SimpleCmd::default() => {
                    return Err(SyntaxError::Unexpected(tok_text(&tok)));
                }
                None if cmd == SimpleCmd::default() => {
                    return Err(SyntaxError::UnexpectedEof("command".into()));
                }
                _ => return Ok(Command::Simple(cmd)),
            }
        }
    }
}

/// `NAME=value…` → (NAME, value word).
fn split_assignment(word: &Word) -> Option<(String, Word)> {
    let Some(WordPart::Lit(first)) = word.0.first() else {
        return None;
    };
    let (name, value) = first.split_once('=')?;
    let valid = !name.is_empty()
        && !name.starts_with(|c: char| c.is_ascii_digit())
        && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_');
    if !valid {
        return None;
    }
    let mut parts = Vec::new();
    if !value.is_empty() {
        parts.push(WordPart::Lit(value.to_string()));
    }
    parts.extend(word.0[1..].iter().cloned());
    Some((name.to_string(), Word(parts)))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_lifecycle_trap_script() {
        let list = parse_script(r#"trap "echo got TERM; exit 0" TERM; while :; do sleep 1; done"#)
            .unwrap();
        assert_eq!(list.len(), 2);
        assert!(matches!(
            list[1].first.cmds[0],
            Command::Loop { until: false, .. }
        ));
    }

    #[test]
    fn unfinished_constructs_say_what_they_expect() {
        assert_eq!(
            parse_script("if true; then echo x"),
            Err(SyntaxError::UnexpectedEof("fi".into()))
        );
        assert_eq!(
            parse_script("echo x; fi"),
            Err(SyntaxError::Unexpected("fi".into()))
        );
        assert_eq!(
            parse_script("while true; do echo"),
            Err(SyntaxError::UnexpectedEof("done".into()))
        );
    }

    #[test]
    fn assignments_only_before_the_command_name() {
        let list = parse_script("a=1 b=$x echo c=2").unwrap();
        let Command::Simple(cmd) = &list[0].first.cmds[0] else {
            panic!("not simple")
        };
        assert_eq!(cmd.assigns.len(), 2);
        assert_eq!(cmd.words.len(), 2);
    }

    #[test]
    fn pipelines_and_and_or() {
        let list = parse_script("a | b && c || d").unwrap();
        assert_eq!(list[0].first.cmds.len(), 2);
        assert_eq!(list[0].rest.len(), 2);
    }
}
