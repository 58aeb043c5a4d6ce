//! The links fault injection cuts (feature `testkit`; see [`testkit`](crate::testkit)).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};

use crate::views::View;

/// The peers (by gossip address) this node's links are cut to. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct LinkFilter {
    blocked: View<HashSet<SocketAddr>>,
    /// Serialises cuts and heals (a view keeps the last value stored).
    writing: Arc<Mutex<()>>,
}

impl LinkFilter {
    /// Cuts the links to `peers` (adds to those already cut).
    pub fn block(&self, peers: impl IntoIterator<Item = SocketAddr>) {
        let _writing = self.writing.lock().unwrap_or_else(PoisonError::into_inner);
        let mut blocked = self.blocked.get().as_ref().clone();
        blocked.extend(peers);
        tracing::warn!(?blocked, "fault injection: links cut");
        self.blocked.publish(blocked);
    }

    /// Restores every link.
    pub fn heal(&self) {
        let _writing = self.writing.lock().unwrap_or_else(PoisonError::into_inner);
        self.blocked.publish(HashSet::new());
        tracing::warn!("fault injection: all links restored");
    }

    /// Whether the link to the peer gossiping at `peer` is cut.
    pub fn is_blocked(&self, peer: &SocketAddr) -> bool {
        self.blocked.get().contains(peer)
    }

    /// Whether any link is cut (the fast way out of a check).
    pub(crate) fn any(&self) -> bool {
        !self.blocked.get().is_empty()
    }

    /// Waits until the link to the peer gossiping at `peer` is cut.
    pub(crate) async fn until_blocked(&self, peer: SocketAddr) {
        self.blocked
            .wait_for(|blocked| blocked.contains(&peer))
            .await;
    }
}
