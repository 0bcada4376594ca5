//! `test` / `[`: file tests, string tests and integer comparisons.
use super::builtins::Outcome;
use super::error::Flavour;
use crate::backend::sim::sys::Sys;

pub fn run_test(sys: &mut dyn Sys, cwd: &str, args: &[String], flavour: Flavour) -> Outcome {
    match evaluate(sys, cwd, args) {
        Ok(true) => Outcome::status(0),
        Ok(false) => Outcome::status(1),
        Err(msg) => Outcome::err(format!("{}: {msg}\n", flavour.name()), 2),
    }
}

fn evaluate(sys: &mut dyn Sys, cwd: &str, args: &[String]) -> Result<bool, String> {
    let strs: Vec<&str> = args.iter().map(String::as_str).collect();
    match strs.as_slice() {
        [] => Ok(false),
        ["!", rest @ ..] => {
            let inner: Vec<String> = rest.iter().map(|s| s.to_string()).collect();
            evaluate(sys, cwd, &inner).map(|b| !b)
        }
        [s] => Ok(!s.is_empty()),
        [op, operand] => unary(sys, cwd, op, operand),
        [a, op, b] => binary(a, op, b),
        _ => Err("test: too many arguments".into()),
    }
}

fn unary(sys: &mut dyn Sys, cwd: &str, op: &str, operand: &str) -> Result<bool, String> {
    Ok(match op {
        "-z" => operand.is_empty(),
        "-n" => !operand.is_empty(),
        "-d" => sys.is_dir(cwd, operand),
        "-f" => !sys.is_dir(cwd, operand) && sys.read_file(cwd, operand).is_ok(),
        "-e" => sys.is_dir(cwd, operand) || sys.read_file(cwd, operand).is_ok(),
        "-s" => sys
            .read_file(cwd, operand)
            .is_ok_and(|data| !data.is_empty()),
        "-r" | "-w" => sys.is_dir(cwd, operand) || sys.read_file(cwd, operand).is_ok(),
        "-x" => sys.find_program(operand, "", cwd).is_some(),
        _ => return Err(format!("{op}: unary operator expected")),
    })
}

fn binary(a: &str, op: &str, b: &str) -> Result<bool, String> {
    let int = |s: &str| {
        s.trim()
            .parse::<i64>()
            .map_err(|_| format!("{s}: integer expression expected"))
    };
    Ok(match op {
        "=" | "==" => a == b,
        "!=" => a != b,
        "-eq" => int(a)? == int(b)?,
        "-ne" => int(a)? != int(b)?,
        "-lt" => int(a)? < int(b)?,
        "-le" => int(a)? <= int(b)?,
        "-gt" => int(a)? > int(b)?,
        "-ge" => int(a)? >= int(b)?,
        _ => return Err(format!("{op}: binary operator expected")),
    })
}
