//! The daemon's brain: one verb per file, the lifecycle state machine, the event log.
//! It decides; a backend (see `crate::backend::Runtime`) only carries out side effects.
pub mod state;
