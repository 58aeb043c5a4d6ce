//! The links fault injection cuts (feature `testkit`; see [`testkit`](crate::testkit)).

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, PoisonError, RwLock};

/// The peers (by gossip address) this node's links are cut to. Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct LinkFilter {
    blocked: Arc<RwLock<HashSet<SocketAddr>>>,
}

impl LinkFilter {
    /// Cuts the links to `peers` (adds to those already cut).
    pub fn block(&self, peers: impl IntoIterator<Item = SocketAddr>) {
        let mut blocked = self.blocked.write().unwrap_or_else(PoisonError::into_inner);
        blocked.extend(peers);
        tracing::warn!(blocked = ?*blocked, "fault injection: links cut");
    }

    /// Restores every link.
    pub fn heal(&self) {
        self.blocked
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        tracing::warn!("fault injection: all links restored");
    }

    /// Whether the link to the peer gossiping at `peer` is cut.
    pub fn is_blocked(&self, peer: &SocketAddr) -> bool {
        self.blocked
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(peer)
    }

    /// Whether any link is cut (the fast way out of a check).
    pub(crate) fn any(&self) -> bool {
        !self
            .blocked
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .is_empty()
    }
}
