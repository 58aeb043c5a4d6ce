use mabeam_core::names::Claim;
use mabeam_core::singleton::{ClaimError, SingletonSpec};
use thiserror::Error;

/// Why a cluster-wide name could not be registered, or a singleton or one-per-node agent
/// could not be started.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RegistryError {
    /// The name is empty or longer than [`MAX_NAME_LEN`](super::MAX_NAME_LEN) bytes.
    #[error("invalid name {name:?}: {reason}")]
    BadName {
        /// The name given.
        name: String,
        /// What is wrong with it.
        reason: &'static str,
    },
    /// [`Node::register_name`](crate::Node::register_name) was given an agent id that is not
    /// registered on this node.
    #[error("no agent {agent} on this node")]
    NoSuchAgent {
        /// The agent id given.
        agent: String,
    },
    /// Another agent holds the name, on this node or another.
    #[error("the name {} is held by agent {} on node {}", holder.name, holder.agent, holder.node)]
    Taken {
        /// The claim holding the name.
        holder: Box<Claim>,
    },
    /// The name belongs to a singleton or one-per-node agent.
    #[error("the name {} belongs to the {}", spec.name, spec)]
    Managed {
        /// The managed agent's spec.
        spec: Box<SingletonSpec>,
    },
    /// A singleton or one-per-node agent was started under a name already used by another
    /// spec (another agent type, or the other scope).
    #[error("the name {} is already used by the {}", spec.name, spec)]
    SpecConflict {
        /// The spec already using the name.
        spec: Box<SingletonSpec>,
    },
    /// The node's registry agent did not answer (the node is shutting down).
    #[error("the cluster registry is not available: {0}")]
    Unavailable(String),
}

impl From<ClaimError> for RegistryError {
    fn from(err: ClaimError) -> Self {
        match err {
            ClaimError::Taken { holder } => Self::Taken { holder },
            ClaimError::Managed { spec } => Self::Managed { spec },
            other => Self::Unavailable(other.to_string()),
        }
    }
}
