use ractor::SpawnErr;
use thiserror::Error;

use crate::agent::RestoreRefused;
use crate::registry::RegisterError;

/// Why a supervisor specification was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SpecError {
    /// Two children share an id.
    #[error("supervisor `{supervisor}` has two children with id `{id}`")]
    DuplicateChild {
        /// The supervisor.
        supervisor: String,
        /// The id.
        id: String,
    },
    /// The supervisor's name is empty.
    #[error("a supervisor needs a non-empty name")]
    EmptyName,
}

/// Why a supervisor request failed.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum SupervisorError {
    /// The supervisor is not running (stopped, failed, or restarting).
    #[error("supervisor `{0}` is not running")]
    NotRunning(String),
    /// A child with this id already exists in this supervisor.
    #[error("supervisor already has a child `{0}`")]
    DuplicateChild(String),
    /// No child with this id.
    #[error("supervisor has no child `{0}`")]
    NoSuchChild(String),
    /// The agent id is taken in the registry.
    #[error(transparent)]
    Register(#[from] RegisterError),
    /// The child failed to start (its `pre_start` / `on_start` failed or panicked).
    #[error("child `{id}` failed to start: {reason}")]
    StartFailed {
        /// The child.
        id: String,
        /// Why.
        reason: String,
    },
    /// The agent was to start from a snapshot
    /// ([`ChildSpec::agent_from_snapshot`](crate::ChildSpec::agent_from_snapshot)) and its
    /// [`Agent::restore`](crate::Agent::restore) refused it: a snapshot of another agent type,
    /// or one that does not decode. Nothing started.
    #[error("agent `{id}` cannot start from its snapshot: {reason}")]
    RestoreFailed {
        /// The agent.
        id: String,
        /// Why the snapshot was refused (the agent's
        /// [`SnapshotError`](crate::SnapshotError), as text).
        reason: String,
    },
}

impl SupervisorError {
    /// Why child `id` did not start, from what ractor said.
    pub(crate) fn start_failed(id: &str, err: &SpawnErr) -> Self {
        match err {
            SpawnErr::StartupFailed(inner) => match inner.downcast_ref::<RestoreRefused>() {
                Some(RestoreRefused(refused)) => Self::RestoreFailed {
                    id: id.to_owned(),
                    reason: refused.to_string(),
                },
                None => Self::StartFailed {
                    id: id.to_owned(),
                    reason: err.to_string(),
                },
            },
            _ => Self::StartFailed {
                id: id.to_owned(),
                reason: err.to_string(),
            },
        }
    }
}
