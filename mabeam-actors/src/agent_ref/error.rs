use std::fmt;
use std::time::Duration;

use mabeam_core::AgentId;
use thiserror::Error;

/// Why a call returned no result.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum CallError {
    /// No instance of the agent is live: it stopped, or is between a crash and its restart.
    /// The action was not delivered.
    #[error("agent `{id}` is not running")]
    NotRunning {
        /// The agent.
        id: AgentId,
    },
    /// The timeout passed before the reply came. The action may still run.
    #[error("call to agent `{id}` timed out after {after:?}")]
    Timeout {
        /// The agent.
        id: AgentId,
        /// The timeout.
        after: Duration,
    },
    /// The agent took the action but stopped, crashed or dropped its reply before answering.
    #[error("agent `{id}` stopped or failed before replying")]
    NoReply {
        /// The agent.
        id: AgentId,
    },
    /// The agent could not take a snapshot.
    #[error("agent `{id}` could not take a snapshot: {reason}")]
    Snapshot {
        /// The agent.
        id: AgentId,
        /// Why.
        reason: String,
    },
}

/// Why a cast was not delivered; gives the action back.
#[derive(Error)]
#[non_exhaustive]
pub enum CastError<M> {
    /// No instance of the agent is live.
    #[error("agent `{id}` is not running")]
    NotRunning {
        /// The agent.
        id: AgentId,
        /// The action, undelivered.
        action: M,
    },
}

impl<M> CastError<M> {
    /// The undelivered action.
    pub fn into_action(self) -> M {
        match self {
            CastError::NotRunning { action, .. } => action,
        }
    }
}

impl<M> fmt::Debug for CastError<M> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            CastError::NotRunning { id, .. } => f
                .debug_struct("NotRunning")
                .field("id", id)
                .finish_non_exhaustive(),
        }
    }
}
