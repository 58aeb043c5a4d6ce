//! A node embedded in an application's tokio runtime publishes membership changes as signals
//! on its agent system's bus (`cluster.node.up` / `down` / ..., control lane), carrying a
//! `MemberEvent`; any agent or subscriber can react to them.
#[path = "support/cluster.rs"]
mod support;

use std::net::UdpSocket;
use std::time::Duration;

use mabeam_actors::Lane;
use mabeam_actors::Subscription;
use mabeam_cluster::{MemberEvent, MemberStatus, Node};
use support::*;

async fn next(events: &mut Subscription) -> (String, MemberEvent) {
    let signal = tokio::time::timeout(PATIENCE, events.recv())
        .await
        .expect("a membership signal")
        .expect("bus open");
    assert_eq!(signal.lane(), Lane::Control);
    let event = signal.decode::<MemberEvent>().expect("a MemberEvent");
    (signal.topic().to_string(), event)
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_node_sees_a_peer_come_up_and_go_down() {
    let gossip = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let node = Node::builder()
        .name("embedded")
        .gossip_addr(gossip)
        .gossip_interval(Duration::from_millis(GOSSIP_MS))
        .start()
        .await
        .expect("the node starts");
    let mut events = node.system().subscribe("cluster.node.*").unwrap();

    // A peer process that joins through the embedded node.
    let mut cluster = Cluster::new();
    cluster.add_with("peer", Some(gossip.to_string()), &[]);

    // The node itself comes up first, then the peer.
    loop {
        let (topic, event) = next(&mut events).await;
        if event.member.node == "peer" {
            assert_eq!(topic, "cluster.node.up");
            assert_eq!(event.member.status, MemberStatus::Up);
            break;
        }
    }
    assert_eq!(node.membership().status("peer"), Some(MemberStatus::Up));

    cluster.kill(0).await;
    let (topic, event) = next(&mut events).await;
    assert_eq!(topic, "cluster.node.down");
    assert_eq!(event.member.node, "peer");
    assert_eq!(event.previous, Some(MemberStatus::Up));
    node.shutdown().await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_in_the_applications_system_leaves_that_system_running() {
    let system = mabeam_actors::AgentSystem::builder().start().await.unwrap();
    let gossip = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let node = Node::builder()
        .name("guest")
        .gossip_addr(gossip)
        .gossip_interval(Duration::from_millis(GOSSIP_MS))
        .system(system.clone())
        .start()
        .await
        .unwrap();
    assert!(system.registry().contains("mabeam.membership"));
    node.shutdown().await;
    assert!(
        system.is_running(),
        "the application's system outlives the node"
    );
    assert!(!system.registry().contains("mabeam.membership"));
    assert!(!system.registry().contains("mabeam.health"));
    system.shutdown().await;
}
