//! A service that fails to start fails the node's start with a typed error naming it, and
//! nothing is left half-running: the services started before it are stopped (their agents
//! leave the application's system), and gossip lets go of its port.

use std::net::UdpSocket;

use async_trait::async_trait;
use mabeam_actors::AgentSystem;
use mabeam_cluster::{Node, NodeContext, NodeError, NodeService, ServiceError};

/// Refuses to start.
#[derive(Debug)]
struct Broken;

#[async_trait]
impl NodeService for Broken {
    fn name(&self) -> &'static str {
        "broken"
    }

    async fn start(&mut self, _ctx: &NodeContext) -> Result<(), ServiceError> {
        Err(ServiceError::failed("no licence for this host"))
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_node_reports_the_service_and_stops_what_it_started() {
    let gossip = UdpSocket::bind("127.0.0.1:0")
        .expect("a free UDP port")
        .local_addr()
        .expect("its address");
    let system = AgentSystem::builder()
        .name("app")
        .start()
        .await
        .expect("the application's system");
    let started = Node::builder()
        .name("n")
        .gossip_addr(gossip)
        .system(system.clone())
        .service(Broken)
        .start()
        .await;
    match started {
        Err(NodeError::Service {
            service: "broken",
            source: ServiceError::Failed(reason),
        }) => assert_eq!(reason.to_string(), "no licence for this host"),
        Err(other) => panic!("expected the broken service's error, got {other}"),
        Ok(node) => {
            node.shutdown().await;
            panic!("the node started")
        }
    }
    // The membership service had started before it: its agent is gone from the
    // application's system, which keeps running.
    let left: Vec<String> = system
        .registry()
        .ids()
        .iter()
        .map(|id| id.as_str().to_owned())
        .filter(|id| id.starts_with("mabeam."))
        .collect();
    assert!(left.is_empty(), "left running: {left:?}");
    // Gossip let go of its port: a node starts on the same address.
    let node = Node::builder()
        .name("n")
        .gossip_addr(gossip)
        .system(system.clone())
        .start()
        .await
        .expect("a node on the same gossip address");
    node.shutdown().await;
    system.shutdown().await;
}
