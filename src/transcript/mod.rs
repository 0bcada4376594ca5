//! Transcripts: the file format, replay, and diffs.
pub mod diff;
pub mod format;
pub mod replay;
