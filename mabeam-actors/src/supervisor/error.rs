use thiserror::Error;

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
}
