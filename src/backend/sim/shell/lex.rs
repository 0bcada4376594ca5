//! Tokenizer: POSIX quoting and `$` expansions are resolved into word parts here, so the
//! parser only sees words and operators.
use super::ast::{RedirOp, Word, WordPart};
use super::error::SyntaxError;

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Tok {
    Word(Word),
    Redir {
        fd: u8,
        op: RedirOp,
    },
    Semi,
    Newline,
    AndIf,
    OrIf,
    Pipe,
    /// `&` (background): run in the foreground, a simplification.
    Amp,
    LParen,
    RParen,
}

pub fn tokenize(src: &str) -> Result<Vec<Tok>, SyntaxError> {
    let mut lexer = Lexer {
        chars: src.chars().collect(),
        pos: 0,
    };
    let mut toks = Vec::new();
    while let Some(tok) = lexer.next_tok()? {
        toks.push(tok);
    }
    Ok(toks)
}

struct Lexer {
    chars: Vec<char>,
    pos: usize,
}

fn is_operator_char(c: char) -> bool {
    matches!(c, ';' | '&' | '|' | '<' | '>' | '(' | ')' | '\n')
}

fn is_name_char(c: char) -> bool {
    c.is_ascii_alphanumeric() || c == '_'
}

impl Lexer {
    fn peek(&self) -> Option<char> {
        self.chars.get(self.pos).copied()
    }

    fn peek_at(&self, offset: usize) -> Option<char> {
        self.chars.get(self.pos + offset).copied()
    }

    fn next_tok(&mut self) -> Result<Option<Tok>, SyntaxError> {
        // Blanks and line continuations.
        loop {
            match self.peek() {
                Some(' ' | '\t' | '\r') => self.pos += 1,
                Some('\\') if self.peek_at(1) == Some('\n') => self.pos += 2,
                Some('#') => {
                    while self.peek().is_some_and(|c| c != '\n') {
                        self.pos += 1;
                    }
                }
                _ => break,
            }
        }
        let Some(c) = self.peek() else {
            return Ok(None);
        };
        // `2>`, `2>>`, `2>&1`: a digit directly before a redirection is its fd.
        if let Some(d) = c.to_digit(10)
            && matches!(self.peek_at(1), Some('<' | '>'))
        {
            self.pos += 1;
            return Ok(Some(self.redir(d as u8)));
        }
        let two = (c, self.peek_at(1));
        let tok = match two {
            ('\n', _) => Tok::Newline,
            (';', _) => Tok::Semi,
            ('&', Some('&')) => {
                self.pos += 1;
                Tok::AndIf
            }
            ('|', Some('|')) => {
                self.pos += 1;
                Tok::OrIf
            }
            ('&', _) => Tok::Amp,
            ('|', _) => Tok::Pipe,
            ('(', _) => Tok::LParen,
            (')', _) => Tok::RParen,
            ('<', _) => return Ok(Some(self.redir(0))),
            ('>', _) => return Ok(Some(self.redir(1))),
            _ => return self.word().map(|w| Some(Tok::Word(w))),
        };
        self.pos += 1;
        Ok(Some(tok))
    }

    /// At `<` or `>`.
    fn redir(&mut self, fd: u8) -> Tok {
        let first = self.peek();
        self.pos += 1;
        let op = match (first, self.peek()) {
            (Some('>'), Some('>')) => {
                self.pos += 1;
                RedirOp::Append
            }
            (Some(_), Some('&')) => {
                self.pos += 1;
                RedirOp::Dup
            }
            (Some('<'), _) => RedirOp::In,
            _ => RedirOp::Out,
        };
        let fd = if first == Some('<') && fd == 1 { 0 } else { fd };
        Tok::Redir { fd, op }
    }

    fn word(&mut self) -> Result<Word, SyntaxError> {
        let mut parts = Vec::new();
        let mut lit = String::new();
        while let Some(c) = self.peek() {
            if c.is_whitespace() || is_operator_char(c) {
                break;
            }
            match c {
                '\'' => {
                    flush(&mut parts, &mut lit);
                    self.pos += 1;
                    let text = self.until_char('\'')?;
                    parts.push(WordPart::Quoted(text));
                }
                '"' => {
                    flush(&mut parts, &mut lit);
                    self.pos += 1;
                    self.double_quoted(&mut parts)?;
                }
                '\\' => {
                    flush(&mut parts, &mut lit);
                    self.pos += 1;
                    if let Some(esc) = self.peek() {
                        self.pos += 1;
                        parts.push(WordPart::Quoted(esc.to_string()));
                    }
                }
                '$' | '`' => match self.dollar(false)? {
                    Some(part) => {
                        flush(&mut parts, &mut lit);
                        parts.push(part);
                    }
                    None => lit.push('$'),
                },
                _ => {
                    lit.push(c);
                    self.pos += 1;
                }
            }
        }
        flush(&mut parts, &mut lit);
        Ok(Word(parts))
    }

    fn until_char(&mut self, end: char) -> Result<String, SyntaxError> {
        let mut text = String::new();
        loop {
            match self.peek() {
                None => return Err(SyntaxError::UnterminatedQuote(end)),
                Some(c) if c == end => {
                    self.pos += 1;
                    return Ok(text);
                }
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
    }

    /// After the opening `"`.
    fn double_quoted(&mut self, parts: &mut Vec<WordPart>) -> Result<(), SyntaxError> {
        let mut text = String::new();
        // An empty "" must still produce a (quoted, empty) field.
        parts.push(WordPart::Quoted(String::new()));
        loop {
            match self.peek() {
                None => return Err(SyntaxError::UnterminatedQuote('"')),
                Some('"') => {
                    self.pos += 1;
                    break;
                }
                Some('\\') => {
                    self.pos += 1;
                    match self.peek() {
                        Some(c @ ('$' | '`' | '"' | '\\')) => {
                            text.push(c);
                            self.pos += 1;
                        }
                        Some('\n') => self.pos += 1,
                        _ => text.push('\\'),
                    }
                }
                Some('$' | '`') => match self.dollar(true)? {
                    Some(part) => {
                        parts.push(WordPart::Quoted(std::mem::take(&mut text)));
                        parts.push(part);
                    }
                    None => text.push('$'),
                },
                Some(c) => {
                    text.push(c);
                    self.pos += 1;
                }
            }
        }
        parts.push(WordPart::Quoted(text));
        Ok(())
    }

    /// At `$` or a backquote. None when the `$` is literal (e.g. `$` before a space).
    fn dollar(&mut self, quoted: bool) -> Result<Option<WordPart>, SyntaxError> {
        if self.peek() == Some('`') {
            self.pos += 1;
            let script = self.until_char('`')?;
            return Ok(Some(WordPart::Subst { script, quoted }));
        }
        self.pos += 1;
        match self.peek() {
            Some('(') if self.peek_at(1) == Some('(') => {
                self.pos += 2;
                let expr = self.balanced(2)?;
                Ok(Some(WordPart::Arith {
                    expr: expr.trim_end_matches(')').to_string(),
                }))
            }
            Some('(') => {
                self.pos += 1;
                let script = self.balanced(1)?;
                Ok(Some(WordPart::Subst { script, quoted }))
            }
            Some('{') => {
                self.pos += 1;
                let inner = self.until_char('}')?;
                Ok(Some(match inner.strip_prefix('#') {
                    Some(name) if !name.is_empty() => WordPart::Len {
                        name: name.to_string(),
                        quoted,
                    },
                    _ => WordPart::Var {
                        name: inner,
                        quoted,
                    },
                }))
            }
            Some(c @ ('?' | '$' | '#' | '@' | '*' | '!' | '0'..='9')) => {
                self.pos += 1;
                Ok(Some(WordPart::Var {
                    name: c.to_string(),
                    quoted,
                }))
            }
            Some(c) if is_name_char(c) => {
                let start = self.pos;
                while self.peek().is_some_and(is_name_char) {
                    self.pos += 1;
                }
                let name: String = self.chars[start..self.pos].iter().collect();
                Ok(Some(WordPart::Var { name, quoted }))
            }
            _ => Ok(None),
        }
    }

    /// Text up to the `)` that closes `depth` open parens, skipping quoted parts.
    fn balanced(&mut self, mut depth: usize) -> Result<String, SyntaxError> {
        let start = self.pos;
        while depth > 0 {
            match self.peek() {
                None => return Err(SyntaxError::UnexpectedEof(")".into())),
                Some('(') => depth += 1,
                Some(')') => depth -= 1,
                Some(q @ ('\'' | '"')) => {
                    self.pos += 1;
                    self.until_char(q)?;
                    continue;
                }
                Some('\\') => self.pos += 1,
                _ => {}
            }
            self.pos += 1;
        }
        Ok(self.chars[start..self.pos - 1].iter().collect())
    }
}

fn flush(parts: &mut Vec<WordPart>, lit: &mut String) {
    if !lit.is_empty() {
        parts.push(WordPart::Lit(std::mem::take(lit)));
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quotes_and_expansions_become_parts() {
        let toks = tokenize(r#"echo "a $x" 'b c'\ d ${#y} $(ls /)"#).unwrap();
        insta::assert_snapshot!(format!("{toks:?}"), @r#"[Word(Word([Lit("echo")])), Word(Word([Quoted(""), Quoted("a "), Var { name: "x", quoted: true }, Quoted("")])), Word(Word([Quoted("b c"), Quoted(" "), Lit("d")])), Word(Word([Len { name: "y", quoted: false }])), Word(Word([Subst { script: "ls /", quoted: false }]))]"#);
    }

    #[test]
    fn redirections_take_their_fd() {
        let toks = tokenize("ls >f 2>&1 2>>g <in").unwrap();
        let redirs: Vec<_> = toks
            .iter()
            .filter_map(|t| match t {
                Tok::Redir { fd, op } => Some((*fd, *op)),
                _ => None,
            })
            .collect();
        assert_eq!(
            redirs,
            vec![
                (1, RedirOp::Out),
                (2, RedirOp::Dup),
                (2, RedirOp::Append),
                (0, RedirOp::In)
            ]
        );
    }

    #[test]
    fn unterminated_quote_is_an_error() {
        assert_eq!(
            tokenize("echo 'abc"),
            Err(SyntaxError::UnterminatedQuote('\''))
        );
        assert_eq!(
            tokenize("echo \"abc"),
            Err(SyntaxError::UnterminatedQuote('"'))
        );
    }
}
