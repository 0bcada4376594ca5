//! Which diagram follows which command, and the `show …` teaching commands. The views come
//! from the engine; the drawing from the pure renderers in `crate::render`.
use super::lang::{Invocation, Verb};
use super::session::Session;
use crate::render::arch::{ArchTouch, ArchView, render_arch};
use crate::render::cow::render_cow;
use crate::render::layers::render_layers;
use crate::render::lifecycle::render_lifecycle;
use crate::render::memory::render_memory;
use crate::util::Output;

/// The container a lifecycle command acted on (the last name it was given).
fn subject(session: &Session, inv: &Invocation) -> Option<String> {
    match inv.verb {
        Verb::Run | Verb::Create => inv
            .flags
            .string("name")
            .map(str::to_string)
            .or_else(|| newest_container(session)),
        _ => inv.args.last().cloned(),
    }
}

fn newest_container(session: &Session) -> Option<String> {
    session
        .engine
        .containers_newest_first()
        .first()
        .map(|c| c.name.clone())
}

/// The diagram that follows a state-changing command in the REPL (also after a refusal:
/// the refused edge is drawn with its reason).
pub fn after(session: &mut Session, inv: &Invocation, code: i32) -> Option<String> {
    let style = session.opts.style;
    match inv.verb {
        Verb::Run
        | Verb::Create
        | Verb::Start
        | Verb::Stop
        | Verb::Restart
        | Verb::Kill
        | Verb::Pause
        | Verb::Unpause
        | Verb::Rm => {
            let name = subject(session, inv)?;
            let view = session.engine.lifecycle_view(Some(&name));
            Some(render_lifecycle(&view, &style))
        }
        Verb::Exec => {
            let name = inv.args.first()?;
            let view = session.engine.cow_view(name).ok()?;
            (!view.rows.is_empty()).then(|| render_cow(&view, &style))
        }
        // What went into the result, once it exists. Without -o the archive went to
        // stdout, where a diagram would corrupt it: none then.
        Verb::Commit if code == 0 => {
            let e = &session.engine;
            let view = e
                .commit_view(inv.args.first()?, inv.args.get(1).map(String::as_str))
                .ok()?;
            Some(crate::render::commit::render_commit(&view, &style))
        }
        Verb::Save if code == 0 => {
            let target = inv.flags.string("output")?;
            let view = session.engine.save_view(&inv.args, target).ok()?;
            Some(crate::render::archive::render_save(&view, &style))
        }
        Verb::Export if code == 0 => {
            let target = inv.flags.string("output")?;
            let view = session.engine.export_view(inv.args.first()?, target).ok()?;
            Some(crate::render::archive::render_export(&view, &style))
        }
        _ => None,
    }
}

/// The commands a student may name in `show arch`, and whether each needs the registry.
fn arch_view(words: &[String]) -> ArchView {
    let words: Vec<&str> = words
        .iter()
        .map(String::as_str)
        .skip_while(|w| *w == "docker")
        .collect();
    let command = (!words.is_empty()).then(|| words.join(" "));
    let verb = words.first().copied().unwrap_or("");
    let registry = matches!(verb, "pull" | "push" | "login" | "logout" | "search");
    let objects = match verb {
        "run" | "create" | "pull" | "push" | "rmi" | "tag" | "history" | "save" => words
            .iter()
            .skip(1)
            .find(|w| !w.starts_with('-'))
            .map(|w| vec![format!("image {w}")])
            .unwrap_or_default(),
        "" => Vec::new(),
        _ => words
            .iter()
            .skip(1)
            .filter(|w| !w.starts_with('-'))
            .map(|w| format!("container {w}"))
            .collect(),
    };
    ArchView {
        command,
        touches: ArchTouch {
            client: !verb.is_empty(),
            daemon: !verb.is_empty() && !matches!(verb, "login" | "logout"),
            registry,
            objects,
        },
    }
}

/// `show lifecycle|layers|cow|memory|arch|disk|ns`.
pub fn show(session: &mut Session, inv: &Invocation, out: &mut Output) -> i32 {
    let style = session.opts.style;
    let arg = inv.args.first().cloned();
    let result: Result<String, String> = match inv.verb {
        Verb::ShowLifecycle => {
            if let Some(name) = &arg
                && session.engine.container(name).is_none()
                && session
                    .engine
                    .lifecycle_view(Some(name))
                    .container
                    .is_none()
            {
                out.errln(&format!("Error: No such container: {name}"));
                return 1;
            }
            Ok(render_lifecycle(
                &session.engine.lifecycle_view(arg.as_deref()),
                &style,
            ))
        }
        Verb::ShowLayers => session
            .engine
            .layers_view(arg.as_deref().unwrap_or_default())
            .map(|v| render_layers(&v, &style))
            .map_err(|e| e.to_string()),
        Verb::ShowCow => session
            .engine
            .cow_view(arg.as_deref().unwrap_or_default())
            .map(|v| render_cow(&v, &style))
            .map_err(|e| e.to_string()),
        Verb::ShowMemory => {
            let name = arg.clone().unwrap_or_default();
            session
                .with_engine(|e| e.memory_view(&name))
                .map(|v| render_memory(&v, &style))
                .map_err(|e| e.to_string())
        }
        Verb::ShowArch => Ok(render_arch(&arch_view(&inv.args), &style)),
        Verb::ShowNs => {
            let name = arg.clone().unwrap_or_default();
            session
                .with_engine(|e| e.ns_view(&name))
                .map(|v| crate::render::ns::render_ns(&v, &style))
                .map_err(|e| e.to_string())
        }
        Verb::ShowDisk => {
            let sub = arg.clone();
            session
                .with_engine(|e| e.disk_view(sub.as_deref()))
                .map(|v| crate::render::disk::render_disk(&v, &style))
                .map_err(|e| e.to_string())
        }
        _ => Err(String::new()),
    };
    match result {
        Ok(text) => {
            out.out(&text);
            if !text.ends_with('\n') {
                out.out("\n");
            }
            0
        }
        Err(e) => {
            out.errln(&e);
            1
        }
    }
}
