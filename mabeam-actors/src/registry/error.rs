use mabeam_core::AgentId;
use thiserror::Error;

/// Why an agent id could not be registered.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RegisterError {
    /// Another agent holds the id (it may be between a crash and its restart).
    #[error("agent id `{id}` is already registered (by a `{agent_type}`)")]
    AlreadyRegistered {
        /// The id.
        id: AgentId,
        /// The type of the agent holding it.
        agent_type: &'static str,
    },
}

/// Why a lookup found no agent of the requested type.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum LookupError {
    /// No agent is registered with this id.
    #[error("no agent is registered as `{id}`")]
    NotFound {
        /// The id looked up.
        id: AgentId,
    },
    /// The id belongs to an agent of another type.
    #[error("agent `{id}` is a `{found}`, not a `{expected}`")]
    WrongType {
        /// The id looked up.
        id: AgentId,
        /// The type asked for.
        expected: &'static str,
        /// The type registered.
        found: &'static str,
    },
}
