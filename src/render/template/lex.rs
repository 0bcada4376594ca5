//! Lexer for the Go text/template subset: splits text from `{{ }}` actions, applies the
//! `{{-`/`-}}` trim markers and tokenises the inside of actions. Errors are Go's wording.

#[derive(Debug, Clone, PartialEq)]
pub enum Tok {
    Text(String),
    LeftDelim,
    RightDelim,
    Space,
    /// `.Name` (one link of a field chain)
    Field(String),
    /// `$name` or `$`
    Variable(String),
    Identifier(String),
    Keyword(&'static str),
    Bool(bool),
    Nil,
    Dot,
    Number(String),
    /// an already unquoted string constant
    Str(String),
    Char(char),
    Pipe,
    LeftParen,
    RightParen,
    Declare,
    Assign,
    Comma,
    Eof,
    Error(String),
}

#[derive(Debug, Clone, PartialEq)]
pub struct Item {
    pub tok: Tok,
    pub pos: usize,
    /// source text of the item (for error contexts)
    pub text: String,
}

const KEYWORDS: [&str; 9] = [
    "if", "else", "end", "range", "with", "define", "template", "block", "break",
];

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\r' | '\n')
}

fn is_alnum(c: char) -> bool {
    c == '_' || c.is_alphanumeric()
}

/// Go's item String for "unexpected X" messages.
pub fn describe(item: &Item) -> String {
    match &item.tok {
        Tok::Eof => "EOF".into(),
        Tok::Error(m) => m.clone(),
        Tok::Keyword(k) => format!("<{k}>"),
        _ if item.text.chars().count() > 10 => {
            let short: String = item.text.chars().take(10).collect();
            format!("{short:?}...")
        }
        _ => format!("{:?}", item.text),
    }
}

pub fn lex(src: &str) -> Vec<Item> {
    let mut lx = Lexer {
        src,
        pos: 0,
        items: Vec::new(),
        paren_depth: 0,
    };
    lx.run();
    lx.items
}

struct Lexer<'a> {
    src: &'a str,
    pos: usize,
    items: Vec<Item>,
    paren_depth: i32,
}

impl Lexer<'_> {
    fn rest(&self) -> &str {
        &self.src[self.pos..]
    }

    fn peek(&self) -> Option<char> {
        self.rest().chars().next()
    }

    fn emit(&mut self, tok: Tok, start: usize) {
        let text = self.src[start..self.pos].to_string();
        self.items.push(Item {
            tok,
            pos: start,
            text,
        });
    }

    fn error(&mut self, msg: String) {
        let pos = self.pos;
        self.items.push(Item {
            tok: Tok::Error(msg),
            pos,
            text: String::new(),
        });
    }

    fn run(&mut self) {
        loop {
            let Some(off) = self.rest().find("{{") else {
                if !self.rest().is_empty() {
                    let start = self.pos;
                    self.pos = self.src.len();
                    let text = self.src[start..].to_string();
                    self.emit(Tok::Text(text), start);
                }
                let pos = self.pos;
                self.items.push(Item {
                    tok: Tok::Eof,
                    pos,
                    text: String::new(),
                });
                return;
            };
            let delim = self.pos + off;
            let after = &self.src[delim + 2..];
            let trim_left = after.starts_with('-') && after[1..].starts_with(is_space);
            let mut text = &self.src[self.pos..delim];
            if trim_left {
                text = text.trim_end_matches(is_space);
            }
            if !text.is_empty() {
                self.items.push(Item {
                    tok: Tok::Text(text.to_string()),
                    pos: self.pos,
                    text: text.to_string(),
                });
            }
            self.pos = delim + 2 + if trim_left { 2 } else { 0 };
            let ok = if self.rest().starts_with("/*") {
                self.lex_comment()
            } else {
                self.pos = delim;
                let start = self.pos;
                self.pos += 2;
                self.emit(Tok::LeftDelim, start);
                if trim_left {
                    self.pos += 2;
                }
                self.lex_inside_action()
            };
            if !ok {
                let pos = self.pos;
                self.items.push(Item {
                    tok: Tok::Eof,
                    pos,
                    text: String::new(),
                });
                return;
            }
        }
    }

    /// At a right delimiter (optionally with its trim marker)? Returns its length and trim.
    fn at_right_delim(&self) -> Option<(usize, bool)> {
        let rest = self.rest();
        let mut chars = rest.chars();
        if let (Some(c), Some('-')) = (chars.next(), chars.next())
            && is_space(c)
            && rest[c.len_utf8() + 1..].starts_with("}}")
        {
            return Some((c.len_utf8() + 3, true));
        }
        rest.starts_with("}}").then_some((2, false))
    }

    fn finish_action(&mut self, len: usize, trim: bool) {
        self.pos += len;
        if trim {
            let skipped = self.rest().len() - self.rest().trim_start_matches(is_space).len();
            self.pos += skipped;
        }
    }

    fn lex_comment(&mut self) -> bool {
        let Some(end) = self.rest().find("*/") else {
            self.error("unclosed comment".into());
            return false;
        };
        self.pos += end + 2;
        match self.at_right_delim() {
            Some((len, trim)) => {
                self.finish_action(len, trim);
                true
            }
            None => {
                self.error("comment ends before closing delimiter".into());
                false
            }
        }
    }

    fn lex_inside_action(&mut self) -> bool {
        loop {
            if let Some((len, trim)) = self.at_right_delim() {
                if self.paren_depth > 0 {
                    self.error("unclosed left paren".into());
                    return false;
                }
                let start = self.pos;
                self.finish_action(len, trim);
                self.items.push(Item {
                    tok: Tok::RightDelim,
                    pos: start,
                    text: "}}".into(),
                });
                return true;
            }
            let Some(c) = self.peek() else {
                self.error("unclosed action".into());
                return false;
            };
            let start = self.pos;
            if is_space(c) {
                while let Some(c) = self.peek() {
                    if !is_space(c) || self.at_right_delim().is_some_and(|(_, trim)| trim) {
                        break;
                    }
                    self.pos += c.len_utf8();
                }
                self.emit(Tok::Space, start);
                continue;
            }
            self.pos += c.len_utf8();
            let ok = match c {
                '=' => {
                    self.emit(Tok::Assign, start);
                    true
                }
                ':' => {
                    if self.peek() == Some('=') {
                        self.pos += 1;
                        self.emit(Tok::Declare, start);
                        true
                    } else {
                        self.error("expected :=".into());
                        false
                    }
                }
                '|' => {
                    self.emit(Tok::Pipe, start);
                    true
                }
                ',' => {
                    self.emit(Tok::Comma, start);
                    true
                }
                '"' => self.lex_quote(start),
                '`' => self.lex_raw_quote(start),
                '\'' => self.lex_char(start),
                '$' => {
                    self.take_alnum();
                    let name = self.src[start..self.pos].to_string();
                    self.emit_checked(Tok::Variable(name), start)
                }
                '.' if self.peek().is_some_and(|c| c.is_ascii_digit()) => self.lex_number(start),
                '.' => {
                    self.take_alnum();
                    if self.pos == start + 1 {
                        self.emit(Tok::Dot, start);
                        true
                    } else {
                        let name = self.src[start + 1..self.pos].to_string();
                        self.emit_checked(Tok::Field(name), start)
                    }
                }
                '+' | '-' | '0'..='9' => self.lex_number(start),
                '(' => {
                    self.paren_depth += 1;
                    self.emit(Tok::LeftParen, start);
                    true
                }
                ')' => {
                    self.paren_depth -= 1;
                    if self.paren_depth < 0 {
                        self.error("unexpected right paren".into());
                        return false;
                    }
                    self.emit(Tok::RightParen, start);
                    true
                }
                c if is_alnum(c) => {
                    self.take_alnum();
                    let word = &self.src[start..self.pos];
                    let tok = match word {
                        "true" => Tok::Bool(true),
                        "false" => Tok::Bool(false),
                        "nil" => Tok::Nil,
                        "continue" => Tok::Keyword("continue"),
                        w => match KEYWORDS.iter().find(|k| **k == w) {
                            Some(k) => Tok::Keyword(k),
                            None => Tok::Identifier(w.to_string()),
                        },
                    };
                    self.emit_checked(tok, start)
                }
                c if c.is_ascii() && !c.is_ascii_control() => {
                    self.emit(Tok::Char(c), start);
                    true
                }
                c if c.is_control() => {
                    self.error(format!(
                        "unrecognized character in action: U+{:04X}",
                        c as u32
                    ));
                    false
                }
                c => {
                    self.error(format!(
                        "unrecognized character in action: U+{:04X} '{c}'",
                        c as u32
                    ));
                    false
                }
            };
            if !ok {
                return false;
            }
        }
    }

    fn take_alnum(&mut self) {
        while let Some(c) = self.peek().filter(|&c| is_alnum(c)) {
            self.pos += c.len_utf8();
        }
    }

    /// Words must end at a terminator (Go's atTerminator), else "bad character".
    fn emit_checked(&mut self, tok: Tok, start: usize) -> bool {
        match self.peek() {
            None => {}
            Some(c) if is_space(c) || ".,|:()}".contains(c) => {}
            Some(c) => {
                self.error(format!("bad character U+{:04X} {c:?}", c as u32));
                return false;
            }
        }
        self.emit(tok, start);
        true
    }

    fn lex_number(&mut self, start: usize) -> bool {
        while let Some(c) = self.peek() {
            let prev = self.src[..self.pos].chars().last();
            let sign_ok = matches!(c, '+' | '-') && matches!(prev, Some('e' | 'E'));
            if c.is_ascii_alphanumeric() || c == '.' || c == '_' || sign_ok {
                self.pos += 1;
            } else {
                break;
            }
        }
        let text = self.src[start..self.pos].to_string();
        if text.parse::<f64>().is_err() && parse_int(&text).is_none() {
            self.error(format!("bad number syntax: {text:?}"));
            return false;
        }
        self.emit(Tok::Number(text), start);
        true
    }

    fn lex_quote(&mut self, start: usize) -> bool {
        let mut value = String::new();
        let mut chars = self.rest().char_indices();
        while let Some((i, c)) = chars.next() {
            match c {
                '"' => {
                    self.pos += i + 1;
                    self.emit(Tok::Str(value), start);
                    return true;
                }
                '\n' => break,
                '\\' => match chars.next() {
                    Some((_, 'n')) => value.push('\n'),
                    Some((_, 't')) => value.push('\t'),
                    Some((_, 'r')) => value.push('\r'),
                    Some((_, '0')) => value.push('\0'),
                    Some((_, e @ ('\\' | '"' | '\''))) => value.push(e),
                    _ => break,
                },
                c => value.push(c),
            }
        }
        self.error("unterminated quoted string".into());
        false
    }

    fn lex_raw_quote(&mut self, start: usize) -> bool {
        match self.rest().find('`') {
            Some(end) => {
                let value = self.rest()[..end].to_string();
                self.pos += end + 1;
                self.emit(Tok::Str(value), start);
                true
            }
            None => {
                self.error("unterminated raw quoted string".into());
                false
            }
        }
    }

    fn lex_char(&mut self, start: usize) -> bool {
        let mut chars = self.rest().chars();
        let value = match chars.next() {
            Some('\\') => match chars.next() {
                Some('n') => Some('\n'),
                Some('t') => Some('\t'),
                Some(c @ ('\\' | '\'')) => Some(c),
                _ => None,
            },
            Some('\n') | Some('\'') | None => None,
            c => c,
        };
        let consumed = self.rest().len() - chars.as_str().len();
        if let (Some(v), Some('\'')) = (value, chars.next()) {
            self.pos += consumed + 1;
            self.emit(Tok::Number((v as u32).to_string()), start);
            true
        } else {
            self.error("unterminated character constant".into());
            false
        }
    }
}

/// Go integer literal: decimal, 0x hex, 0o/0 octal, 0b binary, with optional sign and '_'.
pub fn parse_int(text: &str) -> Option<i64> {
    let cleaned = text.replace('_', "");
    let (neg, digits) = match cleaned.as_bytes().first() {
        Some(b'-') => (true, &cleaned[1..]),
        Some(b'+') => (false, &cleaned[1..]),
        _ => (false, cleaned.as_str()),
    };
    let lower = digits.to_ascii_lowercase();
    let value = if let Some(h) = lower.strip_prefix("0x") {
        i64::from_str_radix(h, 16).ok()?
    } else if let Some(b) = lower.strip_prefix("0b") {
        i64::from_str_radix(b, 2).ok()?
    } else if let Some(o) = lower.strip_prefix("0o") {
        i64::from_str_radix(o, 8).ok()?
    } else if lower.len() > 1 && lower.starts_with('0') {
        i64::from_str_radix(&lower[1..], 8).ok()?
    } else {
        lower.parse::<i64>().ok()?
    };
    Some(if neg { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn toks(src: &str) -> Vec<Tok> {
        lex(src).into_iter().map(|i| i.tok).collect()
    }

    #[test]
    fn text_and_field_chain() {
        assert_eq!(
            toks("a {{.State.Status}} b"),
            vec![
                Tok::Text("a ".into()),
                Tok::LeftDelim,
                Tok::Field("State".into()),
                Tok::Field("Status".into()),
                Tok::RightDelim,
                Tok::Text(" b".into()),
                Tok::Eof
            ]
        );
    }

    #[test]
    fn trim_markers_eat_surrounding_whitespace() {
        assert_eq!(
            toks("a \n {{- 3 -}} \n b"),
            vec![
                Tok::Text("a".into()),
                Tok::LeftDelim,
                Tok::Number("3".into()),
                Tok::RightDelim,
                Tok::Text("b".into()),
                Tok::Eof
            ]
        );
        // `{{-3}}` is the number -3, not a trim marker
        assert_eq!(toks("{{-3}}")[1], Tok::Number("-3".into()));
    }

    #[test]
    fn comments_vanish() {
        assert_eq!(
            toks("a {{/* hi */}}b"),
            vec![Tok::Text("a ".into()), Tok::Text("b".into()), Tok::Eof]
        );
        assert_eq!(
            toks("{{/* hi "),
            vec![Tok::Error("unclosed comment".into()), Tok::Eof]
        );
    }

    #[test]
    fn errors_in_go_words() {
        assert_eq!(toks("{{.A")[2], Tok::Error("unclosed action".into()));
        assert_eq!(
            toks("{{\"abc}}")[1],
            Tok::Error("unterminated quoted string".into())
        );
        assert_eq!(
            toks("{{3x}}")[1],
            Tok::Error("bad number syntax: \"3x\"".into())
        );
        assert_eq!(toks("{{(.A}}")[3], Tok::Error("unclosed left paren".into()));
        assert_eq!(
            toks("{{\u{2603}}}")[1],
            Tok::Error("unrecognized character in action: U+2603 '\u{2603}'".into())
        );
        assert_eq!(
            toks("{{\u{7}}}")[1],
            Tok::Error("unrecognized character in action: U+0007".into())
        );
        assert_eq!(toks("{{@}}")[1], Tok::Char('@'));
        assert_eq!(toks("{{.A}")[2], Tok::Char('}'));
    }

    #[test]
    fn integers_in_go_syntax() {
        assert_eq!(parse_int("42"), Some(42));
        assert_eq!(parse_int("-0x1f"), Some(-31));
        assert_eq!(parse_int("1_000"), Some(1000));
        assert_eq!(parse_int("1.5"), None);
    }
}
