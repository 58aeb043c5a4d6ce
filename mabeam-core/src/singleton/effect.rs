use crate::names::Claim;

use super::SingletonSpec;

/// Why a node stops a local agent. Exhaustive on purpose: a new reason must be handled
/// wherever plans are carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StopReason {
    /// Its claim to the name lost to `winner` under the conflict policy (two nodes claimed
    /// one name: after a partition healed, or at the same moment).
    Lost {
        /// The claim that won.
        winner: Claim,
    },
    /// The singleton's owner is now another node (`None`: no `up` node hosts its type): it
    /// hands over, and the new owner starts it once this claim is gone.
    Moved {
        /// The new owner.
        owner: Option<String>,
    },
    /// Another node holds the singleton's name: this copy runs without the claim (started on
    /// a view that has since changed).
    HeldElsewhere {
        /// The claim holding the name.
        holder: Claim,
    },
}

/// What a node must do, as decided by [`Planner::plan`](super::Planner::plan), in order.
/// Exhaustive on purpose: a new effect cannot be silently dropped by a `_ =>` arm where plans
/// are carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Effect {
    /// Stop local agent `agent`.
    Stop {
        /// The agent id.
        agent: String,
        /// Why.
        reason: StopReason,
    },
    /// Withdraw this node's claim to `name` from gossip.
    Release {
        /// The name.
        name: String,
    },
    /// Gossip this node's new claim.
    Claim(Claim),
    /// Start the managed agent here (or adopt it if it already runs).
    Start(SingletonSpec),
}
