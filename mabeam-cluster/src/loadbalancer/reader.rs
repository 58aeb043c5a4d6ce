use std::sync::Arc;

use mabeam_core::placement::Candidate;

use crate::kernel::View;

/// One scoring of the cluster's nodes by the load balancer.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct NodeScores {
    /// Increases every time the candidates change (a placing node's
    /// [`LoadBoard`](mabeam_core::placement::LoadBoard) restarts its own count then).
    pub version: u64,
    /// The nodes placement may use, by name, with their tags and load scores.
    pub candidates: Vec<Candidate>,
}

/// The load balancer's latest [`NodeScores`], readable from anywhere without a lock or a
/// mailbox hop, and waited on with [`wait_for`](Self::wait_for). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct LoadBalancerReader {
    scores: View<NodeScores>,
}

impl LoadBalancerReader {
    /// The latest scores (version 0 with no candidates before the first scoring).
    pub fn scores(&self) -> Arc<NodeScores> {
        self.scores.get()
    }

    /// Waits until the scores satisfy `condition` (checked at once, then after every new
    /// scoring) and returns them.
    pub async fn wait_for(&self, condition: impl FnMut(&NodeScores) -> bool) -> Arc<NodeScores> {
        self.scores.wait_for(condition).await
    }

    pub(super) fn publish(&self, scores: NodeScores) {
        self.scores.publish(scores);
    }
}
