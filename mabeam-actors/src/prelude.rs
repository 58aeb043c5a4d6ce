//! The names most agent code needs: `use mabeam_actors::prelude::*;`.

pub use crate::{
    Agent, AgentError, AgentId, AgentRef, AgentSystem, Backoff, CallError, ChildSpec, Ctx,
    Intensity, Lane, Reading, Reply, Restart, RestartInfo, Sensor, Signal, Snapshot, SnapshotError,
    Strategy, SupervisorRef, SupervisorSpec, Topic, TopicPattern,
};
