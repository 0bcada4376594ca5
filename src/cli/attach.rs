//! Attaching the user to a container: `run -it`/`run -i`, `attach`, `start -ai`.
//!
//! Two ways, chosen per session:
//! - streamed (a backend with real processes, and either a person at a terminal or, for
//!   `-i` without `-t`, a process stdin that is not the script — `dockerlings -c '…'`):
//!   this process's stdin/stdout are connected to the container until it exits or the user
//!   detaches with Ctrl-P Ctrl-Q. The store lock is not held meanwhile.
//! - line by line (the simulator; batch scripts and transcripts read from stdin or with
//!   `-t`): the following input lines are the container's input until it exits
//!   (`Session::attached`), as design.md §2 says.
use std::io::IsTerminal;

use super::lang::Invocation;
use super::session::{Attached, Session};
use crate::backend::AttachEnd;
use crate::util::Output;

/// Whether to stream this process's stdio to a container with (`tty`) or without a terminal.
pub fn streams(session: &Session, tty: bool) -> bool {
    if !session.engine.runtime.streams() {
        return false;
    }
    if session.opts.interactive {
        return true;
    }
    // Batch: with `-c` the process stdin is free. A `-t` container wants a real terminal;
    // without one, the script's following lines are typed into it instead.
    session.opts.stdin_free && (!tty || std::io::stdin().is_terminal())
}

/// After `run -i[t]` has started `id`: stream, or route the next lines to it.
pub fn after_interactive_run(
    session: &mut Session,
    id: String,
    tty: bool,
    out: &mut Output,
) -> i32 {
    if streams(session, tty) {
        return stream(session, &id, out);
    }
    session.attached = Some(Attached { id });
    0
}

/// Streams until the process ends (its exit code) or the user detaches (0, as Docker).
fn stream(session: &mut Session, id: &str, out: &mut Output) -> i32 {
    let spec = match session.with_engine(|e| {
        let c = e.container_by_id(id)?;
        e.launch_spec(&c)
    }) {
        Ok(s) => s,
        Err(e) => {
            out.errln(&e.to_string());
            return e.exit_code();
        }
    };
    let end = session.engine.runtime.attach_stream(&spec);
    // The process may have ended: record it (exit code, --rm) like any other observation.
    let refreshed = session.with_engine(|e| e.refresh(id));
    if let Err(e) = refreshed {
        out.errln(&e.to_string());
    }
    match end {
        Ok(AttachEnd::Detached) => 0,
        Ok(AttachEnd::Exited(code)) => code,
        Ok(AttachEnd::Lost) => session
            .engine
            .containers
            .get(id)
            .map_or(0, |c| c.state.exit_code),
        Err(e) => {
            out.errln(&format!("dockerlings: {e}"));
            1
        }
    }
}

/// `attach CONTAINER`.
pub fn attach(session: &mut Session, inv: &Invocation, out: &mut Output) -> i32 {
    let name = inv.args.first().cloned().unwrap_or_default();
    let target = match session.with_engine(|e| e.attach_target(&name)) {
        Ok(t) => t,
        Err(e) => {
            out.errln(&e.to_string());
            return e.exit_code();
        }
    };
    if target.tty || target.stdin {
        return after_interactive_run(session, target.id, target.tty, out);
    }
    // Nothing to type into: follow the output until the process ends.
    super::dispatch::engine_call(session, out, |e, out| e.wait_attached(&target.id, out))
}

/// `start -ai CONTAINER` on a backend that streams: start, then attach as `attach` does.
pub fn start_interactive(session: &mut Session, inv: &Invocation, out: &mut Output) -> i32 {
    let mut started = Output::default();
    let code = match session.with_engine(|e| Ok(e.cmd_start(&inv.args, false, &mut started))) {
        Ok(code) => code,
        Err(e) => {
            out.errln(&e.to_string());
            return e.exit_code();
        }
    };
    // `start` without -a prints the names; attached, Docker prints only the container's output.
    out.err(&started.stderr);
    if code != 0 {
        return code;
    }
    attach(session, inv, out)
}

/// `exec -i[t]` streamed: the guards under the lock, the process outside it.
pub fn exec_streamed(session: &mut Session, inv: &Invocation, out: &mut Output) -> i32 {
    let name = inv.args.first().cloned().unwrap_or_default();
    let argv = inv.args.get(1..).unwrap_or_default().to_vec();
    let spec = match session.with_engine(|e| e.exec_target(&name)) {
        Ok(s) => s,
        Err(e) => {
            out.errln(&e.to_string());
            return e.exit_code();
        }
    };
    let opts = super::dispatch::exec_options(inv, true);
    let mut clock = session.engine.meta.clock.clone();
    let result = session
        .engine
        .runtime
        .exec(&spec, &argv, &opts, &mut clock, out);
    match crate::engine::exec::exec_result(result, out) {
        Ok(code) => code,
        Err(e) => {
            out.errln(&e.to_string());
            e.exit_code()
        }
    }
}
