//! The container lifecycle: statuses, transitions, and the guards that refuse illegal moves.
use serde::{Deserialize, Serialize};

/// A container's status as Docker reports it in `.State.Status`, plus `Removed` so the
/// lifecycle diagram can draw the end of a container's life.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum ContainerStatus {
    Created,
    Running,
    Paused,
    Exited,
    Removed,
}

impl ContainerStatus {
    pub const ALL: [ContainerStatus; 5] = [
        ContainerStatus::Created,
        ContainerStatus::Running,
        ContainerStatus::Paused,
        ContainerStatus::Exited,
        ContainerStatus::Removed,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            ContainerStatus::Created => "created",
            ContainerStatus::Running => "running",
            ContainerStatus::Paused => "paused",
            ContainerStatus::Exited => "exited",
            ContainerStatus::Removed => "removed",
        }
    }

    /// Running or paused: a process exists (paused = frozen, memory kept).
    pub fn has_process(self) -> bool {
        matches!(self, ContainerStatus::Running | ContainerStatus::Paused)
    }
}

/// A move in the state machine. `Die` is the process ending by itself.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Transition {
    Create,
    Start,
    Pause,
    Unpause,
    Stop,
    Kill,
    Die,
    Restart,
    Remove,
    ForceRemove,
}

impl Transition {
    pub fn as_str(self) -> &'static str {
        match self {
            Transition::Create => "create",
            Transition::Start => "start",
            Transition::Pause => "pause",
            Transition::Unpause => "unpause",
            Transition::Stop => "stop",
            Transition::Kill => "kill",
            Transition::Die => "die",
            Transition::Restart => "restart",
            Transition::Remove => "rm",
            Transition::ForceRemove => "rm -f",
        }
    }
}

use ContainerStatus as S;
use Transition as T;

/// Every legal edge of the lifecycle (from, move, to). `Create` has no `from`: it is drawn
/// as the entry edge into `Created`. The diagram and the guards both read this table.
pub const EDGES: &[(ContainerStatus, Transition, ContainerStatus)] = &[
    (S::Created, T::Start, S::Running),
    (S::Created, T::Remove, S::Removed),
    (S::Running, T::Pause, S::Paused),
    (S::Paused, T::Unpause, S::Running),
    (S::Running, T::Stop, S::Exited),
    (S::Running, T::Kill, S::Exited),
    (S::Running, T::Die, S::Exited),
    (S::Running, T::Restart, S::Running),
    (S::Running, T::ForceRemove, S::Removed),
    (S::Paused, T::Stop, S::Exited),
    (S::Paused, T::Kill, S::Exited),
    (S::Paused, T::ForceRemove, S::Removed),
    (S::Exited, T::Start, S::Running),
    (S::Exited, T::Restart, S::Running),
    (S::Exited, T::Remove, S::Removed),
];

/// Where a legal move from `from` leads, if it is legal.
pub fn target(from: ContainerStatus, t: Transition) -> Option<ContainerStatus> {
    EDGES
        .iter()
        .find(|(f, tr, _)| *f == from && *tr == t)
        .map(|(_, _, to)| *to)
}

impl ContainerStatus {
    pub fn can_start(self) -> bool {
        target(self, T::Start).is_some()
    }
    pub fn can_pause(self) -> bool {
        target(self, T::Pause).is_some()
    }
    pub fn can_unpause(self) -> bool {
        target(self, T::Unpause).is_some()
    }
    pub fn can_kill(self) -> bool {
        target(self, T::Kill).is_some()
    }
    pub fn can_remove(self) -> bool {
        target(self, T::Remove).is_some()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn guards_follow_the_edge_table() {
        assert!(S::Created.can_start());
        assert!(!S::Paused.can_start());
        assert!(S::Running.can_pause());
        assert!(!S::Created.can_pause());
        assert!(S::Paused.can_unpause());
        assert!(!S::Running.can_unpause());
        assert!(!S::Exited.can_kill());
        assert!(!S::Running.can_remove());
        assert_eq!(target(S::Paused, T::Kill), Some(S::Exited));
    }
}
