use std::collections::BTreeMap;
use std::sync::Arc;

use ractor_cluster::NodeId;

use super::View;

/// One authenticated transport session.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Session {
    /// The ractor_cluster node id of the session (actors of that node carry it in their
    /// `ActorId`).
    pub node_id: NodeId,
    /// The peer's gateway is known here: calls to it can go out.
    pub gateway: bool,
}

/// The peers this node has an authenticated session with: read without a lock, waited on
/// with [`wait_for`](Self::wait_for). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct ConnectionsReader {
    /// Peer name → its session.
    peers: View<BTreeMap<String, Session>>,
}

impl ConnectionsReader {
    /// Names of the peers with an authenticated session.
    pub fn connected(&self) -> Vec<String> {
        self.peers.get().keys().cloned().collect()
    }

    /// Waits until the sessions (by peer name) satisfy `condition`, and returns them.
    pub async fn wait_for(
        &self,
        condition: impl FnMut(&BTreeMap<String, Session>) -> bool,
    ) -> Arc<BTreeMap<String, Session>> {
        self.peers.wait_for(condition).await
    }

    /// The ractor_cluster node id of the session with `peer` (actors of that node carry it
    /// in their `ActorId`).
    pub(crate) fn node_id(&self, peer: &str) -> Option<NodeId> {
        self.peers.get().get(peer).map(|session| session.node_id)
    }

    /// Publishes `peers` when they differ from the last published (no wake-up otherwise).
    pub(crate) fn set(&self, peers: BTreeMap<String, Session>) {
        if *self.peers.get() != peers {
            self.peers.publish(peers);
        }
    }
}
