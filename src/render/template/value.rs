//! Values during execution, and how Go prints them (`%v` of what json.Unmarshal gives:
//! strings raw, `[a b]` for slices, `map[k:v]` with sorted keys, `<nil>` for null).

use serde_json::{Number, Value};
use std::rc::Rc;

/// A value in flight. `Missing` is Go's invalid reflect.Value: what a lookup of an absent
/// map key gives; it prints as `<no value>` and is not an error to chain through.
#[derive(Debug, Clone)]
pub enum Val<'a> {
    Missing,
    Ref(&'a Value),
    Own(Rc<Value>),
}

pub static NULL: Value = Value::Null;

impl<'a> Val<'a> {
    pub fn own(v: Value) -> Self {
        Val::Own(Rc::new(v))
    }

    pub fn str(s: impl Into<String>) -> Self {
        Val::own(Value::String(s.into()))
    }

    /// The JSON value; Missing reads as null.
    pub fn get(&self) -> &Value {
        match self {
            Val::Missing => &NULL,
            Val::Ref(v) => v,
            Val::Own(v) => v,
        }
    }

    pub fn is_nil(&self) -> bool {
        self.get().is_null()
    }

    /// Go's truth: false, 0, "", empty slices/maps, nil and missing are false.
    pub fn truthy(&self) -> bool {
        match self.get() {
            Value::Null => false,
            Value::Bool(b) => *b,
            Value::Number(n) => n.as_f64().is_some_and(|f| f != 0.0),
            Value::String(s) => !s.is_empty(),
            Value::Array(a) => !a.is_empty(),
            Value::Object(o) => !o.is_empty(),
        }
    }

    /// A member of this value, borrowed where possible.
    pub fn child(&self, pick: impl Fn(&Value) -> Option<&Value>) -> Option<Val<'a>> {
        match self {
            Val::Missing => None,
            Val::Ref(v) => pick(v).map(Val::Ref),
            Val::Own(v) => pick(v).map(|c| Val::own(c.clone())),
        }
    }

    /// What the template prints for `{{ pipeline }}`.
    pub fn print(&self) -> String {
        match self.get() {
            Value::Null => "<no value>".into(),
            v => go_print(v),
        }
    }
}

/// Go's %v.
pub fn go_print(v: &Value) -> String {
    let mut out = String::new();
    write_go(v, &mut out);
    out
}

fn write_go(v: &Value, out: &mut String) {
    match v {
        Value::Null => out.push_str("<nil>"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&go_number(n)),
        Value::String(s) => out.push_str(s),
        Value::Array(items) => {
            out.push('[');
            for (i, item) in items.iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                write_go(item, out);
            }
            out.push(']');
        }
        Value::Object(map) => {
            let mut keys: Vec<&String> = map.keys().collect();
            keys.sort();
            out.push_str("map[");
            for (i, k) in keys.into_iter().enumerate() {
                if i > 0 {
                    out.push(' ');
                }
                out.push_str(k);
                out.push(':');
                write_go(&map[k], out);
            }
            out.push(']');
        }
    }
}

/// Integers as integers; floats like Go's %v (shortest, exponent from 1e21 or below 1e-4).
pub fn go_number(n: &Number) -> String {
    if n.is_i64() || n.is_u64() {
        return n.to_string();
    }
    go_float(n.as_f64().unwrap_or(0.0))
}

pub fn go_float(f: f64) -> String {
    if f.is_nan() {
        return "NaN".into();
    }
    if f.is_infinite() {
        return if f > 0.0 {
            "+Inf".into()
        } else {
            "-Inf".into()
        };
    }
    let sci = format!("{f:e}");
    let (mantissa, exp) = sci.split_once('e').unwrap_or((sci.as_str(), "0"));
    let exp: i32 = exp.parse().unwrap_or(0);
    if f != 0.0 && !(-4..21).contains(&exp) {
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mantissa}e{sign}{:02}", exp.abs())
    } else {
        format!("{f}")
    }
}

/// The Go type a value would have after json.Unmarshal into interface{}, for messages.
pub fn go_type(v: &Value) -> &'static str {
    match v {
        Value::Null => "<nil>",
        Value::Bool(_) => "bool",
        Value::Number(n) if n.is_f64() => "float64",
        Value::Number(_) => "int",
        Value::String(_) => "string",
        Value::Array(_) => "[]interface {}",
        Value::Object(_) => "map[string]interface {}",
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn prints_like_go_percent_v() {
        assert_eq!(go_print(&json!("x")), "x");
        assert_eq!(go_print(&json!(137)), "137");
        assert_eq!(go_print(&json!(0.42)), "0.42");
        assert_eq!(go_print(&json!(2.0)), "2");
        assert_eq!(go_print(&json!(1e21)), "1e+21");
        assert_eq!(go_print(&json!(0.00001)), "1e-05");
        assert_eq!(go_print(&json!(["a", 1, null, true])), "[a 1 <nil> true]");
        assert_eq!(
            go_print(&json!({"b": {"c": 1}, "a": []})),
            "map[a:[] b:map[c:1]]"
        );
    }

    #[test]
    fn missing_and_null_print_no_value() {
        assert_eq!(Val::Missing.print(), "<no value>");
        assert_eq!(Val::Ref(&NULL).print(), "<no value>");
    }
}
