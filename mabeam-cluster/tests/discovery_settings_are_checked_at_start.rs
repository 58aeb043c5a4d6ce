//! Discovery settings are checked when a node starts: a bad setting is a typed error from
//! `NodeBuilder::start` (nothing is started), and from `mabeam node` a message and a failed
//! exit.
use std::net::UdpSocket;
use std::process::Stdio;
use std::time::Duration;

use mabeam_cluster::discovery::DiscoveryError;
use mabeam_cluster::{Discovery, MulticastConfig, Node, NodeBuilder, NodeError};

fn builder() -> NodeBuilder {
    let gossip = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    Node::builder().name("checked").gossip_addr(gossip)
}

async fn refused(builder: NodeBuilder) -> DiscoveryError {
    match builder.start().await {
        Err(NodeError::Discovery(err)) => err,
        Err(other) => panic!("expected a discovery error, got {other}"),
        Ok(node) => {
            node.shutdown().await;
            panic!("the node started")
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn bad_discovery_settings_are_typed_errors() {
    let multicast = |config| builder().discovery(Discovery::multicast(config));
    assert!(matches!(
        refused(multicast(MulticastConfig::new(""))).await,
        DiscoveryError::EmptySecret
    ));
    assert!(matches!(
        refused(multicast(
            MulticastConfig::new("s").group("10.0.0.1:45892".parse().unwrap())
        ))
        .await,
        DiscoveryError::NotMulticast { .. }
    ));
    assert!(matches!(
        refused(
            multicast(MulticastConfig::new("s"))
                .discovery(Discovery::multicast(MulticastConfig::new("t")))
        )
        .await,
        DiscoveryError::SeveralMulticast
    ));
    assert!(matches!(
        refused(builder().discovery(Discovery::dns("", 7000))).await,
        DiscoveryError::EmptyName { strategy: "dns" }
    ));
    assert!(matches!(
        refused(builder().discovery(Discovery::srv(""))).await,
        DiscoveryError::EmptyName { strategy: "srv" }
    ));
    assert!(matches!(
        refused(
            builder()
                .seed("127.0.0.1:7000")
                .discovery_interval(Duration::ZERO)
        )
        .await,
        DiscoveryError::ZeroInterval
    ));
    assert!(matches!(
        refused(
            builder()
                .cluster_id("c".repeat(300))
                .discovery(Discovery::multicast(MulticastConfig::new("s")))
        )
        .await,
        DiscoveryError::Beacon(_)
    ));
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn mabeam_node_refuses_multicast_without_a_secret_and_a_malformed_dns_target() {
    let gossip = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .to_string();
    for (flags, expected) in [
        (&["--multicast"][..], "non-empty shared secret"),
        (&["--dns", "localhost"][..], "is not `host:port`"),
    ] {
        let run = tokio::process::Command::new(env!("CARGO_BIN_EXE_mabeam"))
            .args(["node", "--name", "n", "--gossip", &gossip])
            .args(flags)
            .env_remove("MABEAM_MULTICAST_SECRET")
            .stdout(Stdio::null())
            .kill_on_drop(true)
            .output();
        let output = tokio::time::timeout(Duration::from_secs(30), run)
            .await
            .expect("mabeam node exits")
            .expect("run mabeam node");
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(!output.status.success(), "{flags:?} accepted");
        assert!(stderr.contains(expected), "{flags:?}: {stderr}");
    }
}
