//! `pause CONTAINER...` and `unpause CONTAINER...`: freeze and thaw; memory stays.
use std::time::Instant;

use super::Engine;
use super::error::EngineError;
use super::lifecycle_ops::elapsed_ms;
use super::state::{ContainerStatus, Transition};
use crate::util::Output;

impl Engine {
    pub fn cmd_pause(&mut self, names: &[String], out: &mut Output) -> i32 {
        self.each_container(names, out, |engine, id, _| engine.pause_one(id))
    }

    pub fn cmd_unpause(&mut self, names: &[String], out: &mut Output) -> i32 {
        self.each_container(names, out, |engine, id, _| engine.unpause_one(id))
    }

    fn pause_one(&mut self, id: &str) -> Result<(), EngineError> {
        let mut c = self.container_by_id(id)?;
        match c.status() {
            ContainerStatus::Paused => {
                self.refuse(
                    id,
                    Transition::Pause,
                    &format!("Container {id} is already paused"),
                )?;
                return Err(EngineError::AlreadyPaused(id.to_string()));
            }
            s if !s.can_pause() => {
                self.refuse(
                    id,
                    Transition::Pause,
                    &format!("Container {id} is not running"),
                )?;
                return Err(EngineError::NotRunning(id.to_string()));
            }
            _ => {}
        }
        let spec = self.launch_spec(&c)?;
        let before = self.memory_usage(&spec);
        let t0 = Instant::now();
        self.runtime.freeze(&spec)?;
        let latency = elapsed_ms(t0);
        let after = self.memory_usage(&spec);
        c.push_memory_sample("running", before, None);
        c.push_memory_sample("paused", after, Some(latency));
        c.record(Transition::Pause, ContainerStatus::Paused, None);
        self.save_container(c)
    }

    fn unpause_one(&mut self, id: &str) -> Result<(), EngineError> {
        let mut c = self.container_by_id(id)?;
        if !c.status().can_unpause() {
            self.refuse(
                id,
                Transition::Unpause,
                &format!("Container {id} is not paused"),
            )?;
            return Err(EngineError::NotPaused(id.to_string()));
        }
        let spec = self.launch_spec(&c)?;
        let t0 = Instant::now();
        self.runtime.thaw(&spec)?;
        let latency = elapsed_ms(t0);
        let after = self.memory_usage(&spec);
        c.push_memory_sample("unpaused", after, Some(latency));
        c.record(Transition::Unpause, ContainerStatus::Running, None);
        self.save_container(c)?;
        // Time passed while frozen: the process may finish a sleep now.
        self.refresh(id)
    }
}
