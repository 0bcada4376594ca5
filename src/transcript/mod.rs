//! Transcripts: recorded sessions replayed by tests. `format` reads and writes the file
//! format; `diff` shows mismatches and redacts values that vary on a real kernel.
pub mod diff;
pub mod format;
pub mod kernel;
pub mod replay;
pub mod replay_files;

pub use diff::{Redaction, VOLATILE, redact, unified_diff};
pub use format::{Block, Transcript, TranscriptError};
