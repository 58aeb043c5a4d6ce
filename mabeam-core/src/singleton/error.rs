use thiserror::Error;

use crate::names::Claim;

use super::SingletonSpec;

/// Why [`Planner::register`](super::Planner::register) refused a name.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum ClaimError {
    /// Another agent (here or on another node) holds the name.
    #[error("the name {} is held by agent {} on node {}", holder.name, holder.agent, holder.node)]
    Taken {
        /// The claim holding it.
        holder: Box<Claim>,
    },
    /// The name belongs to a managed agent (a singleton or one-per-node agent).
    #[error("the name {} belongs to the {}", spec.name, spec)]
    Managed {
        /// Its spec.
        spec: Box<SingletonSpec>,
    },
}
