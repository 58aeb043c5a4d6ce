use std::fmt;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// A node's status in the view; see the [module docs](super) for the transitions.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// Heard, still starting (it announces `joining` until it has found the cluster).
    Joining,
    /// Heard, and a full member.
    Up,
    /// Heard, and leaving gracefully.
    Leaving,
    /// Not heard lately: suspected by the failure detector. Reversible.
    Unreachable,
    /// Declared failed. Final for this incarnation.
    Down,
    /// Gone after a graceful leave. Final.
    Removed,
}

impl MemberStatus {
    /// The status as used in signal topics (`cluster.node.<status>`) and JSON.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Joining => "joining",
            Self::Up => "up",
            Self::Leaving => "leaving",
            Self::Unreachable => "unreachable",
            Self::Down => "down",
            Self::Removed => "removed",
        }
    }

    /// `Joining`, `Up` or `Leaving`: the node is heard.
    pub fn is_reachable(self) -> bool {
        matches!(self, Self::Joining | Self::Up | Self::Leaving)
    }

    /// `Up` or `Unreachable`: the node counts for hash ownership. An unreachable node keeps
    /// its agents (calls to them fail until it is back) until it is declared down; only then
    /// do they move, so a suspicion alone never starts a second copy of an agent.
    pub fn owns_agents(self) -> bool {
        matches!(self, Self::Up | Self::Unreachable)
    }

    /// `Down` or `Removed`: this incarnation will never come back.
    pub fn is_final(self) -> bool {
        matches!(self, Self::Down | Self::Removed)
    }
}

impl fmt::Display for MemberStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// One node as the view knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The node's name, unique in the cluster.
    pub node: String,
    /// The incarnation: larger for a later start of the same node.
    pub generation: u64,
    /// Where the node gossips.
    pub gossip_addr: SocketAddr,
    /// Its status.
    pub status: MemberStatus,
    /// The capability tags it announces (e.g. `gpu`, `eu-west`), sorted.
    #[serde(default)]
    pub tags: Vec<String>,
}

#[cfg(test)]
impl Member {
    /// A member for unit tests: generation 1, gossip at `127.0.0.1:1`, no tags.
    pub(crate) fn test(node: &str, status: MemberStatus) -> Self {
        Self {
            node: node.into(),
            generation: 1,
            gossip_addr: SocketAddr::from(([127, 0, 0, 1], 1)),
            status,
            tags: Vec::new(),
        }
    }
}

/// A change in the view: the member as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEvent {
    /// The member after the change.
    pub member: Member,
    /// Its status before (`None` for a node or generation seen for the first time).
    pub previous: Option<MemberStatus>,
}
