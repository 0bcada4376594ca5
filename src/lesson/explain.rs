//! `explain COMMAND…`: what a docker command will do, flag by flag, before it runs.
mod docs;

use docs::{CmdDoc, find};

/// Management forms (`container ls`, `image rm`…) → the verb that documents them,
/// and how many words the verb used.
fn resolve(words: &[&str]) -> (Option<&'static CmdDoc>, usize) {
    let (first, second) = (words.first().copied(), words.get(1).copied());
    let managed = match (first, second) {
        (Some("container"), Some("ls" | "list" | "ps")) => Some("ps"),
        (Some("container"), Some("prune")) => Some("container prune"),
        (Some("image"), Some("ls" | "list")) => Some("images"),
        (Some("image"), Some("rm")) => Some("rmi"),
        (Some("image" | "container"), Some(verb)) => Some(verb),
        _ => None,
    };
    match managed {
        Some(verb) => (find(verb), 2),
        None => (first.and_then(find), 1),
    }
}

fn fill(text: &str, value: &str) -> String {
    text.replace("{v}", value)
}

/// Splits `--name=web` into (`--name`, Some(`web`)); `-dit` into `-d -i -t` is done by the caller.
fn flag_parts(word: &str) -> (&str, Option<&str>) {
    match word.split_once('=') {
        Some((f, v)) if word.starts_with("--") => (f, Some(v)),
        _ => (word, None),
    }
}

fn explain_with(doc: &CmdDoc, args: &[&str]) -> Vec<(String, String)> {
    let mut rows = vec![];
    let mut positional = doc.args.iter();
    let mut i = 0;
    while i < args.len() {
        let word = args[i];
        if word.starts_with('-') && word.len() > 1 {
            let (name, inline) = flag_parts(word);
            // -dit: several one-letter flags glued together
            let names: Vec<String> = if !name.starts_with("--") && name.len() > 2 {
                name[1..].chars().map(|c| format!("-{c}")).collect()
            } else {
                vec![name.to_string()]
            };
            for n in names {
                match doc.flags.iter().find(|f| f.names.contains(&n.as_str())) {
                    Some(f) if f.takes_value => {
                        let value = inline.map(str::to_string).or_else(|| {
                            i += 1;
                            args.get(i).map(|s| s.to_string())
                        });
                        let value = value.unwrap_or_default();
                        rows.push((format!("{n} {value}"), fill(f.text, &value)));
                    }
                    Some(f) => rows.push((n.clone(), f.text.to_string())),
                    None => rows.push((
                        n.clone(),
                        format!("`{n}` is not a flag dockerlings knows for {}", doc.name),
                    )),
                }
            }
            i += 1;
            continue;
        }
        match positional.next() {
            Some((label, text)) if label.ends_with('…') => {
                let rest = args[i..].join(" ");
                rows.push((rest.clone(), fill(text, &rest)));
                break;
            }
            Some((_, text)) => rows.push((word.to_string(), fill(text, word))),
            None => rows.push((
                word.to_string(),
                "an extra argument this command does not take".to_string(),
            )),
        }
        i += 1;
    }
    rows
}

/// Explains a command line given as words (without the leading `explain`; `docker` optional).
pub fn explain(words: &[String]) -> String {
    let words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .skip_while(|w| *w == "docker")
        .collect();
    if words.is_empty() {
        return "explain what? e.g. `explain run -d --name web busybox sleep 100000`\n".to_string();
    }
    if matches!(words[0], "show" | "explain") {
        return format!(
            "`{}` is a dockerlings teaching command, not a Docker one: it draws or explains, and changes nothing.\n",
            words[0]
        );
    }
    let (Some(doc), used) = resolve(&words) else {
        return format!(
            "dockerlings does not know `{}`; `help` lists the commands.\n",
            words[0]
        );
    };
    // Words with spaces were quoted on the line; quote them again so the echo reads as typed.
    let echoed: Vec<String> = words
        .iter()
        .map(|w| {
            if w.contains(char::is_whitespace) {
                format!("\"{w}\"")
            } else {
                w.to_string()
            }
        })
        .collect();
    let mut out = format!(
        "docker {}\n  {}: {}.\n",
        echoed.join(" "),
        doc.name,
        doc.what
    );
    let rows = explain_with(doc, &words[used..]);
    let width = rows
        .iter()
        .map(|(w, _)| w.chars().count())
        .max()
        .unwrap_or(0)
        .min(24);
    for (word, text) in rows {
        out.push_str(&format!("  {word:<width$}  {text}\n"));
    }
    out.push_str(&format!(
        "  state:    {}\n  touches:  {}\n  network:  {}\n",
        doc.state, doc.touches, doc.network
    ));
    if !doc.note.is_empty() {
        out.push_str(&format!("  note:     {}\n", doc.note));
    }
    out
}

#[cfg(test)]
mod tests;
