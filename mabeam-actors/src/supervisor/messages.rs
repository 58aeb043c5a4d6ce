use std::sync::Arc;

use super::{ChildInfo, ChildSpec, SupervisorError};
use crate::agent::Reply;
use ractor::ActorCell;

use crate::registry::{AgentSlot, Registry};

/// A supervisor's protocol.
pub(crate) enum SupervisorMsg {
    /// Add and start a child; replies with the agent's registry slot for agent children.
    StartChild(
        ChildSpec,
        Reply<Result<Option<Arc<AgentSlot>>, SupervisorError>>,
    ),
    /// Stop a child and forget it.
    TerminateChild(String, Reply<Result<(), SupervisorError>>),
    /// Describe the children.
    Children(Reply<Vec<ChildInfo>>),
    /// Start these children now (a backoff delay has passed).
    RestartDelayed(Vec<Arc<str>>),
    /// Children started by callers are waiting in the slot's adoption queue.
    AdoptPending,
}

/// An agent a caller started, linked to the supervisor, waiting to be taken over.
pub(crate) struct Adoption {
    pub(crate) spec: ChildSpec,
    pub(crate) cell: ActorCell,
    pub(crate) pending: PendingChild,
}

/// An agent id claimed for a child whose adoption is in flight: released if the `Adopt`
/// message is never handled (the supervisor died first).
pub(crate) struct PendingChild {
    slot: Option<Arc<AgentSlot>>,
    registry: Registry,
}

impl PendingChild {
    pub(crate) fn new(slot: Arc<AgentSlot>, registry: Registry) -> Self {
        Self {
            slot: Some(slot),
            registry,
        }
    }

    /// The supervisor took it over: keep the id.
    pub(crate) fn adopt(mut self) -> Arc<AgentSlot> {
        self.slot.take().expect("adopted once")
    }
}

impl Drop for PendingChild {
    fn drop(&mut self) {
        if let Some(slot) = &self.slot {
            self.registry.release(slot);
        }
    }
}

// Explicit: ractor's `cluster` feature removes the blanket `Message` impl.
impl ractor::Message for SupervisorMsg {}
