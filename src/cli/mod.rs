//! The command language, the session that runs it, the REPL and batch mode.
pub mod attach;
pub mod diagrams;
pub mod dispatch;
mod host_paths;
pub mod lang;
pub mod paths;
pub mod repl;
pub mod session;
pub mod start;
pub mod table;
mod template_clone;
pub mod template_reset;

pub use session::{LineOutcome, Session, SessionOptions};
