use std::sync::Arc;

use super::{ChildInfo, ChildSpec, SupervisorError};
use crate::agent::Reply;
use crate::registry::AgentSlot;

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
}

// Explicit: ractor's `cluster` feature removes the blanket `Message` impl.
impl ractor::Message for SupervisorMsg {}
