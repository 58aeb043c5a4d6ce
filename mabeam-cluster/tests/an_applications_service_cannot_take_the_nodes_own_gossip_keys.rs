//! An application's service announces gossip keys of its own; the node's own keys (starting
//! with `mabeam.`) are refused with a typed error, at start and when announced later, and
//! the node keeps running.

use std::net::UdpSocket;

use async_trait::async_trait;
use mabeam_cluster::{Node, NodeContext, NodeError, NodeService, ServiceError};

/// Announces `keys` from the first gossip round.
#[derive(Debug)]
struct Announcer {
    keys: Vec<(String, String)>,
}

#[async_trait]
impl NodeService for Announcer {
    fn name(&self) -> &'static str {
        "announcer"
    }

    fn gossip_keys(&self) -> Vec<(String, String)> {
        self.keys.clone()
    }

    async fn start(&mut self, _ctx: &NodeContext) -> Result<(), ServiceError> {
        Ok(())
    }
}

fn gossip_addr() -> std::net::SocketAddr {
    UdpSocket::bind("127.0.0.1:0")
        .expect("a free UDP port")
        .local_addr()
        .expect("its address")
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_reserved_key_is_refused_at_start_and_when_announced() {
    let taken = Node::builder()
        .name("n")
        .gossip_addr(gossip_addr())
        .service(Announcer {
            keys: vec![("mabeam.status".to_owned(), "up".to_owned())],
        })
        .start()
        .await;
    match taken {
        Err(NodeError::Service {
            service: "announcer",
            source: ServiceError::ReservedKey(key),
        }) => assert_eq!(key, "mabeam.status"),
        Err(other) => panic!("expected a reserved-key error, got {other}"),
        Ok(node) => {
            node.shutdown().await;
            panic!("a service took the node's own key")
        }
    }

    let node = Node::builder()
        .name("n")
        .gossip_addr(gossip_addr())
        .service(Announcer {
            keys: vec![("app.role".to_owned(), "primary".to_owned())],
        })
        .start()
        .await
        .expect("a node with its own keys starts");
    let ctx = node.context();
    assert_eq!(
        ctx.gossip_value("n", "app.role").await.as_deref(),
        Some("primary")
    );
    assert!(matches!(
        ctx.announce("mabeam.tags", "gpu").await,
        Err(ServiceError::ReservedKey(key)) if key == "mabeam.tags"
    ));
    ctx.announce("app.role", "standby")
        .await
        .expect("its own key");
    assert_eq!(
        ctx.gossip_value("n", "app.role").await.as_deref(),
        Some("standby")
    );
    node.shutdown().await;
}
