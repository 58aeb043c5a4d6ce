use std::net::SocketAddr;

use hyper::body::Bytes;
use hyper::{Method, StatusCode};

use crate::admin::{request, FetchError};

/// Asks the node whose admin endpoint is `admin` to cut its links (gossip and transport) to
/// the peers gossiping at `peers` (it must run with fault injection on).
pub async fn cut_links(admin: SocketAddr, peers: &[SocketAddr]) -> Result<(), FetchError> {
    let body = serde_json::to_vec(peers).unwrap_or_default();
    expect_ok(
        admin,
        request(admin, Method::POST, "/debug/partition", body).await?,
    )
}

/// Asks the node whose admin endpoint is `admin` to restore all its links.
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
