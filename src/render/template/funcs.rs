//! The functions a Docker `--format` template can call: Go's builtins plus docker/cli's
//! basicFunctions (json, split, join, title, lower, upper, pad, truncate).
//! `and`/`or` short-circuit, so the executor evaluates them itself.

use super::printf::{sprint, sprintf, sprintln};
use super::value::{Val, go_type};
use serde_json::Value;
use std::cmp::Ordering;

const FUNCTIONS: [&str; 21] = [
    "and", "or", "not", "eq", "ne", "lt", "le", "gt", "ge", "len", "index", "print", "printf",
    "println", "json", "split", "join", "title", "lower", "upper", "pad",
];

pub fn is_defined(name: &str) -> bool {
    FUNCTIONS.contains(&name) || name == "truncate"
}

/// docker/cli's HeaderFunctions: in a table header these return their first argument, so
/// `{{upper .Names}}` still heads its column with "NAMES".
pub fn is_header_passthrough(name: &str) -> bool {
    matches!(
        name,
        "json" | "split" | "join" | "title" | "lower" | "upper" | "truncate"
    )
}

fn arity(name: &str, args: &[Val], want: usize) -> Result<(), String> {
    if args.len() != want {
        return Err(format!(
            "wrong number of args for {name}: want {want} got {}",
            args.len()
        ));
    }
    Ok(())
}

fn want_str<'v>(v: &'v Val) -> Result<&'v str, String> {
    match v.get() {
        Value::String(s) => Ok(s),
        Value::Null => Err("invalid value; expected string".into()),
        other => Err(format!(
            "wrong type for value; expected string; got {}",
            go_type(other)
        )),
    }
}

fn want_int(v: &Val) -> Result<i64, String> {
    match v.get() {
        Value::Number(n) if !n.is_f64() => n.as_i64().ok_or_else(|| "integer overflow".into()),
        Value::Null => Err("invalid value; expected int".into()),
        other => Err(format!(
            "wrong type for value; expected int; got {}",
            go_type(other)
        )),
    }
}

/// Calls a function. Errors are the text after `executing "" at <...>: `.
pub fn call<'a>(name: &str, args: Vec<Val<'a>>) -> Result<Val<'a>, String> {
    let calling = |e: String| format!("error calling {name}: {e}");
    let values: Vec<&Value> = args.iter().map(|a| a.get()).collect();
    Ok(match name {
        "not" => {
            arity(name, &args, 1)?;
            Val::own(Value::Bool(!args[0].truthy()))
        }
        "eq" => {
            if args.len() < 2 {
                return Err(calling("missing argument for comparison".into()));
            }
            let mut equal = false;
            for other in &args[1..] {
                equal |= compare(&args[0], other).map_err(calling)? == Ordering::Equal;
            }
            Val::own(Value::Bool(equal))
        }
        "ne" | "lt" | "le" | "gt" | "ge" => {
            arity(name, &args, 2)?;
            if name != "ne" && (args[0].get().is_boolean() || args[1].get().is_boolean()) {
                return Err(calling("invalid type for comparison".into()));
            }
            let ord = compare(&args[0], &args[1]).map_err(calling)?;
            Val::own(Value::Bool(match name {
                "ne" => ord != Ordering::Equal,
                "lt" => ord == Ordering::Less,
                "le" => ord != Ordering::Greater,
                "gt" => ord == Ordering::Greater,
                _ => ord != Ordering::Less,
            }))
        }
        "len" => {
            arity(name, &args, 1)?;
            let n = match args[0].get() {
                Value::String(s) => s.len(),
                Value::Array(a) => a.len(),
                Value::Object(o) => o.len(),
                Value::Null => return Err(calling("len of nil pointer".into())),
                other => return Err(calling(format!("len of type {}", go_type(other)))),
            };
            Val::own(Value::from(n))
        }
        "index" => index(args).map_err(calling)?,
        "print" => Val::str(sprint(&values)),
        "println" => Val::str(sprintln(&values)),
        "printf" => {
            let Some((format, rest)) = args.split_first() else {
                return Err(format!(
                    "wrong number of args for {name}: want at least 1 got 0"
                ));
            };
            Val::str(sprintf(
                want_str(format)?,
                &rest.iter().map(|a| a.get()).collect::<Vec<_>>(),
            ))
        }
        "json" => {
            arity(name, &args, 1)?;
            Val::str(to_json(args[0].get()))
        }
        "split" => {
            arity(name, &args, 2)?;
            let (s, sep) = (want_str(&args[0])?, want_str(&args[1])?);
            let parts: Vec<Value> = if sep.is_empty() {
                s.chars().map(|c| Value::String(c.to_string())).collect()
            } else {
                s.split(sep).map(|p| Value::String(p.to_string())).collect()
            };
            Val::own(Value::Array(parts))
        }
        "join" => {
            arity(name, &args, 2)?;
            let sep = want_str(&args[1])?;
            let Value::Array(items) = args[0].get() else {
                return Err(format!(
                    "wrong type for value; expected []string; got {}",
                    go_type(args[0].get())
                ));
            };
            let mut parts = Vec::with_capacity(items.len());
            for item in items {
                match item {
                    Value::String(s) => parts.push(s.as_str()),
                    _ => {
                        return Err(
                            "wrong type for value; expected []string; got []interface {}".into(),
                        );
                    }
                }
            }
            Val::str(parts.join(sep))
        }
        "title" => {
            arity(name, &args, 1)?;
            Val::str(title(want_str(&args[0])?))
        }
        "lower" => {
            arity(name, &args, 1)?;
            Val::str(want_str(&args[0])?.to_lowercase())
        }
        "upper" => {
            arity(name, &args, 1)?;
            Val::str(want_str(&args[0])?.to_uppercase())
        }
        "pad" => {
            arity(name, &args, 3)?;
            let s = want_str(&args[0])?;
            let (pre, post) = (
                want_int(&args[1])?.clamp(0, 10_000),
                want_int(&args[2])?.clamp(0, 10_000),
            );
            if s.is_empty() {
                Val::str("")
            } else {
                Val::str(format!(
                    "{}{s}{}",
                    " ".repeat(pre as usize),
                    " ".repeat(post as usize)
                ))
            }
        }
        "truncate" => {
            arity(name, &args, 2)?;
            let s = want_str(&args[0])?;
            let n = want_int(&args[1])?;
            if n < 0 {
                return Err(calling(format!("slice bounds out of range [:{n}]")));
            }
            // docker: `if len(source) < length { return source }; return source[:length]`
            // (bytes); we stop at the char boundary at or before `length`.
            let mut cut = (n as usize).min(s.len());
            while !s.is_char_boundary(cut) {
                cut -= 1;
            }
            Val::str(&s[..cut])
        }
        _ => return Err(format!("function {name:?} not defined")),
    })
}

/// docker's `json`: json.Encoder with SetEscapeHTML(false), trailing newline trimmed.
pub fn to_json(v: &Value) -> String {
    let s = serde_json::to_string(v).unwrap_or_else(|_| "null".into());
    // Go's encoder escapes these two even without HTML escaping.
    s.replace('\u{2028}', "\\u2028")
        .replace('\u{2029}', "\\u2029")
}

/// strings.Title: upper-case the first letter of each word.
fn title(s: &str) -> String {
    let mut out = String::with_capacity(s.len());
    let mut at_start = true;
    for c in s.chars() {
        if at_start {
            out.extend(c.to_uppercase());
        } else {
            out.push(c);
        }
        at_start = !(c.is_alphanumeric() || c == '_' || c == '\'');
    }
    out
}

fn index<'a>(args: Vec<Val<'a>>) -> Result<Val<'a>, String> {
    let mut iter = args.into_iter();
    let Some(mut item) = iter.next() else {
        return Err("wrong number of args for index: want at least 1 got 0".into());
    };
    for key in iter {
        item = match (item.get(), key.get()) {
            (Value::Null, _) => return Err("index of untyped nil".into()),
            (Value::Array(a), Value::Number(n)) if !n.is_f64() => {
                let i = n.as_i64().unwrap_or(-1);
                if i < 0 || i as usize >= a.len() {
                    return Err(format!("index out of range: {i}"));
                }
                item.child(|v| v.get(i as usize)).unwrap_or(Val::Missing)
            }
            (Value::Array(_), k) => {
                return Err(format!("cannot index slice/array with type {}", go_type(k)));
            }
            (Value::Object(_), Value::String(k)) => {
                let k = k.clone();
                item.child(|v| v.get(&k)).unwrap_or(Val::Missing)
            }
            (Value::Object(_), k) => {
                return Err(format!("value has type {}; should be string", go_type(k)));
            }
            (v, _) => return Err(format!("can't index item of type {}", go_type(v))),
        };
    }
    Ok(item)
}

/// Go's basic comparison; numbers compare across int/float (Go would refuse, but JSON
/// does not keep the distinction docker's structs have).
fn compare(a: &Val, b: &Val) -> Result<Ordering, String> {
    match (a.get(), b.get()) {
        (Value::Number(x), Value::Number(y)) => {
            if let (Some(x), Some(y)) = (x.as_i64(), y.as_i64()) {
                return Ok(x.cmp(&y));
            }
            let (x, y) = (x.as_f64().unwrap_or(0.0), y.as_f64().unwrap_or(0.0));
            Ok(x.partial_cmp(&y).unwrap_or(Ordering::Less))
        }
        (Value::String(x), Value::String(y)) => Ok(x.cmp(y)),
        (Value::Bool(x), Value::Bool(y)) => Ok(x.cmp(y)),
        (Value::Null, _) | (_, Value::Null) => Err("invalid type for comparison".into()),
        (Value::Array(_) | Value::Object(_), _) | (_, Value::Array(_) | Value::Object(_)) => {
            Err("non-comparable type".into())
        }
        _ => Err("incompatible types for comparison".into()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn run(name: &str, args: &[Value]) -> Result<String, String> {
        let vals: Vec<Val> = args.iter().map(Val::Ref).collect();
        call(name, vals).map(|v| v.print())
    }

    #[test]
    fn docker_string_functions() {
        assert_eq!(
            run("join", &[json!(["sleep", "100000"]), json!(" ")]),
            Ok("sleep 100000".into())
        );
        assert_eq!(
            run("split", &[json!("a:b"), json!(":")]),
            Ok("[a b]".into())
        );
        assert_eq!(
            run("title", &[json!("hello wORLD-x")]),
            Ok("Hello WORLD-X".into())
        );
        assert_eq!(run("upper", &[json!("lc")]), Ok("LC".into()));
        assert_eq!(
            run("truncate", &[json!("239fd57da34b345b"), json!(12)]),
            Ok("239fd57da34b".into())
        );
        assert_eq!(run("truncate", &[json!("héllo"), json!(2)]), Ok("h".into()));
        assert_eq!(
            run("pad", &[json!("x"), json!(1), json!(2)]),
            Ok(" x  ".into())
        );
        assert_eq!(run("pad", &[json!(""), json!(1), json!(2)]), Ok("".into()));
    }

    #[test]
    fn json_does_not_escape_html_like_docker() {
        assert_eq!(
            run("json", &[json!(["sleep", "<&>"])]),
            Ok(r#"["sleep","<&>"]"#.into())
        );
        assert_eq!(run("json", &[json!(null)]), Ok("null".into()));
    }

    #[test]
    fn comparisons() {
        assert_eq!(
            run("eq", &[json!("a"), json!("b"), json!("a")]),
            Ok("true".into())
        );
        assert_eq!(run("lt", &[json!(1), json!(2.5)]), Ok("true".into()));
        assert_eq!(run("ge", &[json!("b"), json!("a")]), Ok("true".into()));
        assert_eq!(
            run("eq", &[json!("a"), json!(1)]),
            Err("error calling eq: incompatible types for comparison".into())
        );
        assert_eq!(
            run("lt", &[json!(true), json!(false)]),
            Err("error calling lt: invalid type for comparison".into())
        );
    }

    #[test]
    fn len_and_index() {
        assert_eq!(run("len", &[json!(["a", "b"])]), Ok("2".into()));
        assert_eq!(run("len", &[json!("héllo")]), Ok("6".into()));
        assert_eq!(
            run("len", &[json!(3)]),
            Err("error calling len: len of type int".into())
        );
        assert_eq!(run("index", &[json!(["a", "b"]), json!(1)]), Ok("b".into()));
        assert_eq!(
            run("index", &[json!({"k": {"j": 1}}), json!("k"), json!("j")]),
            Ok("1".into())
        );
        assert_eq!(
            run("index", &[json!({"k": 1}), json!("zz")]),
            Ok("<no value>".into())
        );
        assert_eq!(
            run("index", &[json!(["a"]), json!(5)]),
            Err("error calling index: index out of range: 5".into())
        );
    }

    #[test]
    fn wrong_types_and_arity() {
        assert_eq!(
            run("upper", &[json!(5)]),
            Err("wrong type for value; expected string; got int".into())
        );
        assert_eq!(
            run("len", &[]),
            Err("wrong number of args for len: want 1 got 0".into())
        );
        assert_eq!(
            run("truncate", &[json!("abc"), json!(-1)]),
            Err("error calling truncate: slice bounds out of range [:-1]".into())
        );
    }
}
