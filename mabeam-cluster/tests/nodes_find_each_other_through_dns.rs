//! DNS discovery: nodes given a DNS name and the gossip port (`--dns localhost:PORT`; the
//! resolver answers `localhost` from `/etc/hosts` or as the loopback address) contact the node
//! behind it and converge, without any seed. Strategies combine, and one that fails (a name
//! that does not exist, an SRV name without records) is logged and retried while the node
//! works on.
#[path = "support/cluster.rs"]
mod support;

use std::net::UdpSocket;
use std::time::Duration;

use mabeam_cluster::{Discovery, MemberStatus, Node};
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_given_a_dns_name_converge_without_seeds() {
    let mut cluster = Cluster::new();
    cluster.add_unseeded("n0", &[]);
    let name = format!("localhost:{}", cluster.nodes[0].gossip.port());
    let interval = ["--discovery-interval-ms", "200"];
    cluster.add_unseeded("n1", &[&["--dns", &name][..], &interval].concat());
    let n2 = cluster.add_unseeded(
        "n2",
        &[
            &["--dns", &name][..],
            &["--dns", "no-such-node.invalid:7000"],
            &["--srv", "_mabeam._udp.nowhere.invalid"],
            &interval,
        ]
        .concat(),
    );
    let names: Vec<String> = ["n0", "n1", "n2"].map(String::from).to_vec();
    cluster
        .wait_until("n0, n1, n2 up everywhere, found through the name", |v| {
            all_up(v, &names)
        })
        .await;
    for failing in [
        "dns no-such-node.invalid:7000",
        "srv _mabeam._udp.nowhere.invalid",
    ] {
        cluster
            .wait_for_log(n2, &format!("the failure of `{failing}` logged"), |line| {
                line.contains("discovery strategy failed") && line.contains(failing)
            })
            .await;
    }
    cluster
        .wait_until("everyone still up after the failures", |v| {
            all_up(v, &names)
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_node_lists_what_it_discovered() {
    let mut cluster = Cluster::new();
    let peer = cluster.add_unseeded("peer", &[]);
    let peer_gossip = cluster.nodes[peer].gossip;
    let gossip = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let node = Node::builder()
        .name("embedded")
        .gossip_addr(gossip)
        .gossip_interval(Duration::from_millis(GOSSIP_MS))
        .discovery(Discovery::dns("localhost", peer_gossip.port()))
        .discovery_interval(Duration::from_millis(200))
        .start()
        .await
        .expect("the node starts");
    let peer_up = node.membership().wait_for(|members| {
        members
            .iter()
            .any(|m| m.node == "peer" && m.status == MemberStatus::Up)
    });
    if tokio::time::timeout(PATIENCE, peer_up).await.is_err() {
        panic!(
            "the peer behind the name is not up within {PATIENCE:?}: {:?}",
            node.membership().members()
        );
    }
    assert_eq!(node.discovered().await, [peer_gossip]);
    node.shutdown().await;
}
