//! One node on its own (`solo`, gossip on a free 127.0.0.1 port, no transport), for the
//! passivation tests; and `Held`, an agent a test can keep busy in a call for as long as it
//! likes. Needs the `support` module (`support/cluster.rs`) next to it, for `PATIENCE`.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::net::UdpSocket;
use std::sync::LazyLock;
use std::time::Duration;

use mabeam_actors::agent;
use mabeam_cluster::{MemberStatus, Node, NodeBuilder};
use serde::{Deserialize, Serialize};
use tokio::sync::Notify;

use crate::support::PATIENCE;

/// `Held::hold` tells `ENTERED` when it starts, then waits for `RELEASE`.
pub static ENTERED: LazyLock<Notify> = LazyLock::new(Notify::new);
pub static RELEASE: LazyLock<Notify> = LazyLock::new(Notify::new);

/// A counter with snapshots whose `hold` action stays in the call until `RELEASE`.
#[derive(Default, Serialize, Deserialize)]
pub struct Held {
    n: u64,
}

#[agent(remote, snapshot, name = "test.held")]
impl Held {
    #[action]
    fn add(&mut self, by: u64) -> u64 {
        self.n += by;
        self.n
    }

    #[action]
    async fn hold(&mut self) -> u64 {
        ENTERED.notify_one();
        RELEASE.notified().await;
        self.n
    }
}

/// Waits until `check` holds, failing the test after [`PATIENCE`].
pub async fn until(what: &str, check: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(10)).await;
    }
}

/// Starts node `solo` with `idle_timeout` and the agent types `types` registers, and waits
/// until it is `up`.
pub async fn start(idle_timeout: Duration, types: impl FnOnce(NodeBuilder) -> NodeBuilder) -> Node {
    let gossip = UdpSocket::bind("127.0.0.1:0")
        .and_then(|socket| socket.local_addr())
        .expect("a free UDP port");
    let builder = Node::builder()
        .name("solo")
        .gossip_addr(gossip)
        .gossip_interval(Duration::from_millis(100))
        .idle_timeout(idle_timeout);
    let node = types(builder).start().await.expect("the node starts");
    until("the node is up", || {
        node.membership().status("solo") == Some(MemberStatus::Up)
    })
    .await;
    node
}
