use std::fmt;

use serde::{Deserialize, Serialize};

use super::PlacementKey;

/// An agent cluster-wide: its type and its id (two agents of different types may share an id).
/// What the [`Directory`](super::Directory) is keyed by. Written `type/id`.
///
/// ```
/// use mabeam_core::placement::{AgentKey, PlacementKey};
///
/// let key = AgentKey::new("trainer", "t-1");
/// assert_eq!(key.to_string(), "trainer/t-1");
/// assert_eq!(key.placement_key(), PlacementKey::new("trainer", "t-1"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct AgentKey {
    /// The agent type (`Agent::agent_type`).
    pub agent_type: String,
    /// The agent's id.
    pub id: String,
}

impl AgentKey {
    /// Agent `id` of type `agent_type`.
    pub fn new(agent_type: impl Into<String>, id: impl Into<String>) -> Self {
        Self {
            agent_type: agent_type.into(),
            id: id.into(),
        }
    }

    /// What placement hashes for this agent (its hash owner keeps its directory entry).
    pub fn placement_key(&self) -> PlacementKey {
        PlacementKey::new(&self.agent_type, &self.id)
    }
}

impl fmt::Display for AgentKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}/{}", self.agent_type, self.id)
    }
}
