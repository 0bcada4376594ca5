//! Small shared pieces: the clock, id generation, captured output.
pub mod clock;
pub mod digest;
pub mod humanize;
pub mod output;
pub mod stdio;
pub mod testpoint;
pub mod umask;

pub use clock::Clock;
pub use output::Output;
