use mabeam_core::names::Claim;
use serde::{Deserialize, Serialize};

/// Published as `cluster.name.lost` (control lane) when this node's claim to a cluster-wide
/// name lost to another node's under the conflict policy, and its agent was stopped.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, mabeam_actors::Signal)]
#[signal(topic = "cluster.name.lost", lane = "control")]
pub struct NameLost {
    /// The name.
    pub name: String,
    /// The local agent that held it (stopped).
    pub agent: String,
    /// The claim that won.
    pub winner: Claim,
}
