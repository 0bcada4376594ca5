//! `$((…))`: integer arithmetic with + - * / % comparisons and parentheses.

/// Evaluates `expr`; bare names are looked up with `var` (empty or non-numeric → 0).
pub fn eval_arith(expr: &str, var: &dyn Fn(&str) -> String) -> Result<i64, String> {
    let tokens = tokenize(expr, var)?;
    let mut parser = ArithParser { tokens, pos: 0 };
    let value = parser.comparison()?;
    match parser.tokens.get(parser.pos) {
        None => Ok(value),
        Some(tok) => Err(format!("unexpected '{tok}'")),
    }
}

fn tokenize(expr: &str, var: &dyn Fn(&str) -> String) -> Result<Vec<String>, String> {
    let chars: Vec<char> = expr.chars().collect();
    let mut tokens = Vec::new();
    let mut i = 0;
    while i < chars.len() {
        let c = chars[i];
        if c.is_whitespace() {
            i += 1;
        } else if c.is_ascii_alphanumeric() || c == '_' {
            let start = i;
            while i < chars.len() && (chars[i].is_ascii_alphanumeric() || chars[i] == '_') {
                i += 1;
            }
            let word: String = chars[start..i].iter().collect();
            if word.starts_with(|c: char| c.is_ascii_digit()) {
                tokens.push(word);
            } else {
                let value = var(&word);
                tokens.push(value.trim().parse::<i64>().unwrap_or(0).to_string());
            }
        } else {
            let two: String = chars[i..(i + 2).min(chars.len())].iter().collect();
            if ["<=", ">=", "==", "!="].contains(&two.as_str()) {
                tokens.push(two);
                i += 2;
            } else if "+-*/%()<>".contains(c) {
                tokens.push(c.to_string());
                i += 1;
            } else {
                return Err(format!("unexpected '{c}'"));
            }
        }
    }
    Ok(tokens)
}

struct ArithParser {
    tokens: Vec<String>,
    pos: usize,
}

impl ArithParser {
    fn peek(&self) -> Option<&str> {
        self.tokens.get(self.pos).map(String::as_str)
    }

    fn comparison(&mut self) -> Result<i64, String> {
        let left = self.sum()?;
        let op = match self.peek() {
            Some(op @ ("<" | ">" | "<=" | ">=" | "==" | "!=")) => op.to_string(),
            _ => return Ok(left),
        };
        self.pos += 1;
        let right = self.sum()?;
        let holds = match op.as_str() {
            "<" => left < right,
            ">" => left > right,
            "<=" => left <= right,
            ">=" => left >= right,
            "==" => left == right,
            _ => left != right,
        };
        Ok(i64::from(holds))
    }

    fn sum(&mut self) -> Result<i64, String> {
        let mut value = self.product()?;
        while let Some(op @ ("+" | "-")) = self.peek() {
            let plus = op == "+";
            self.pos += 1;
            let rhs = self.product()?;
            value = if plus {
                value.wrapping_add(rhs)
            } else {
                value.wrapping_sub(rhs)
            };
        }
        Ok(value)
    }

    fn product(&mut self) -> Result<i64, String> {
        let mut value = self.unary()?;
        while let Some(op @ ("*" | "/" | "%")) = self.peek() {
            let op = op.to_string();
            self.pos += 1;
            let rhs = self.unary()?;
            value = match op.as_str() {
                "*" => value.wrapping_mul(rhs),
                _ if rhs == 0 => return Err("division by zero".into()),
                "/" => value.wrapping_div(rhs),
                _ => value.wrapping_rem(rhs),
            };
        }
        Ok(value)
    }

    fn unary(&mut self) -> Result<i64, String> {
        match self.peek() {
            Some("-") => {
                self.pos += 1;
                Ok(self.unary()?.wrapping_neg())
            }
            Some("+") => {
                self.pos += 1;
                self.unary()
            }
            Some("(") => {
                self.pos += 1;
                let value = self.comparison()?;
                if self.peek() != Some(")") {
                    return Err("missing ')'".into());
                }
                self.pos += 1;
                Ok(value)
            }
            Some(num) => {
                let value = num
                    .parse::<i64>()
                    .map_err(|_| format!("unexpected '{num}'"))?;
                self.pos += 1;
                Ok(value)
            }
            None => Err("missing operand".into()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn precedence_variables_and_errors() {
        let var = |name: &str| {
            if name == "i" {
                "4".to_string()
            } else {
                String::new()
            }
        };
        assert_eq!(eval_arith("i + 1 * 2", &var), Ok(6));
        assert_eq!(eval_arith("(i + 1) * 2", &var), Ok(10));
        assert_eq!(eval_arith("i > 3", &var), Ok(1));
        assert_eq!(eval_arith("unset - 1", &var), Ok(-1));
        assert!(eval_arith("1 / 0", &var).is_err());
        assert!(eval_arith("1 +", &var).is_err());
    }
}
