use mabeam_core::{Snapshot, SnapshotError};

use super::{Agent, Reading, Reply};

/// What an agent's mailbox carries. Private: callers send actions through
/// [`AgentRef`](crate::AgentRef).
pub(crate) enum AgentMsg<A: Agent> {
    /// One of the agent's actions.
    Action(A::Action),
    /// Signals are waiting in the agent's lane queues.
    SignalsReady,
    /// A sensor produced a reading. Boxed: readings are rare, and an unboxed one would make
    /// every message (every call and cast) as large as a reading.
    Sensor(Box<Reading>),
    /// Take a snapshot of the state.
    Snapshot(Reply<Result<Snapshot, SnapshotError>>),
}

// Explicit: ractor's `cluster` feature removes the blanket `Message` impl.
impl<A: Agent> ractor::Message for AgentMsg<A> {}
