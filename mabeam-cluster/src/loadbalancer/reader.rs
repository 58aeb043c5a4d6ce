use std::sync::Arc;

use arc_swap::ArcSwap;
use mabeam_core::placement::Candidate;

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
/// mailbox hop (an atomically swapped snapshot). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct LoadBalancerReader {
    scores: Arc<ArcSwap<NodeScores>>,
}

impl LoadBalancerReader {
    /// The latest scores (version 0 with no candidates before the first scoring).
    pub fn scores(&self) -> Arc<NodeScores> {
        self.scores.load_full()
    }

    pub(super) fn publish(&self, scores: NodeScores) {
        self.scores.store(Arc::new(scores));
    }
}
