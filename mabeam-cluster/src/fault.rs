//! Fault injection for partition tests: a gossip transport that drops datagrams to and from
//! chosen peers at this node's socket — the effect of a cut link, on real UDP, on 127.0.0.1.
//!
//! Off unless the node is built with [`NodeBuilder::fault_injection`](crate::NodeBuilder::fault_injection)
//! (the CLI's `--fault-injection`); then the admin endpoint accepts `POST /debug/partition`
//! with a JSON list of peer gossip addresses to cut off, and `POST /debug/heal`.

use std::collections::HashSet;
use std::net::SocketAddr;
use std::sync::{Arc, PoisonError, RwLock};

use hyper::body::Bytes;
use hyper::{Method, StatusCode};

use crate::admin::{request, FetchError};

/// The set of peers this node's gossip cannot reach (nor hear). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct LinkFilter {
    blocked: Arc<RwLock<HashSet<SocketAddr>>>,
}

impl LinkFilter {
    /// Cuts the links to `peers` (adds to those already cut).
    pub fn block(&self, peers: impl IntoIterator<Item = SocketAddr>) {
        let mut blocked = self.blocked.write().unwrap_or_else(PoisonError::into_inner);
        blocked.extend(peers);
        tracing::warn!(blocked = ?*blocked, "fault injection: gossip links cut");
    }

    /// Restores every link.
    pub fn heal(&self) {
        self.blocked
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .clear();
        tracing::warn!("fault injection: all gossip links restored");
    }

    /// Whether the link to `peer` is cut.
    pub fn is_blocked(&self, peer: &SocketAddr) -> bool {
        self.blocked
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(peer)
    }
}

/// Asks the node whose admin endpoint is `admin` to cut its gossip links to `peers` (it must run
/// with fault injection on).
pub async fn cut_links(admin: SocketAddr, peers: &[SocketAddr]) -> Result<(), FetchError> {
    let body = serde_json::to_vec(peers).unwrap_or_default();
    expect_ok(
        admin,
        request(admin, Method::POST, "/debug/partition", body).await?,
    )
}

/// Asks the node whose admin endpoint is `admin` to restore all its gossip links.
pub async fn heal_links(admin: SocketAddr) -> Result<(), FetchError> {
    expect_ok(
        admin,
        request(admin, Method::POST, "/debug/heal", Vec::new()).await?,
    )
}

fn expect_ok(addr: SocketAddr, (status, body): (StatusCode, Bytes)) -> Result<(), FetchError> {
    if status == StatusCode::OK {
        Ok(())
    } else {
        Err(FetchError::Answer {
            addr,
            status,
            reason: String::from_utf8_lossy(&body).into_owned(),
        })
    }
}
