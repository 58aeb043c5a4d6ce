//! A node embedded in an application's tokio runtime publishes membership changes as signals
//! on its agent system's bus (`cluster.node.joining` / `up` / `unreachable` / `down` / ...,
//! control lane), carrying a `MemberEvent`; any agent or subscriber can react to them. The
//! signals show the failure paths: a frozen peer is `unreachable`, then `down` after
//! `down_after`, and rejoins as a new generation when thawed; a killed peer is `unreachable`,
//! then `down`.
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

/// The next membership signal about `node`.
async fn next_about(events: &mut Subscription, node: &str) -> (String, MemberEvent) {
    loop {
        let (topic, event) = next(events).await;
        if event.member.node == node {
            return (topic, event);
        }
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_embedded_node_follows_a_peer_through_freeze_rejoin_and_kill() {
    let gossip = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let listen = std::net::TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap();
    let node = Node::builder()
        .name("embedded")
        .gossip_addr(gossip)
        .listen_addr(listen)
        .gossip_interval(Duration::from_millis(GOSSIP_MS))
        .start()
        .await
        .expect("the node starts");
    let mut events = node.system().subscribe("cluster.node.*").unwrap();

    // A peer process that joins through the embedded node.
    let mut cluster = Cluster::new();
    cluster.add_with("peer", Some(gossip.to_string()), &[]);
    let first = loop {
        let (topic, event) = next_about(&mut events, "peer").await;
        if event.member.status == MemberStatus::Up {
            assert_eq!(topic, "cluster.node.up");
            break event.member.generation;
        }
        assert_eq!(topic, "cluster.node.joining");
    };
    assert_eq!(node.membership().status("peer"), Some(MemberStatus::Up));

    // Frozen: its socket stays open, so it is suspected first and declared down only after
    // `down_after` of silence.
    cluster.freeze(0);
    let (topic, event) = next_about(&mut events, "peer").await;
    assert_eq!(topic, "cluster.node.unreachable");
    assert_eq!(event.previous, Some(MemberStatus::Up));
    let (topic, event) = next_about(&mut events, "peer").await;
    assert_eq!(topic, "cluster.node.down");
    assert_eq!(event.previous, Some(MemberStatus::Unreachable));

    // Thawed: it learns it was declared down and rejoins as a new incarnation.
    cluster.thaw(0);
    let (topic, event) = next_about(&mut events, "peer").await;
    assert_eq!(topic, "cluster.node.up");
    assert_eq!(event.previous, None);
    assert!(event.member.generation > first, "a new generation");

    // Killed: its transport session closes, which confirms it is gone once it falls silent.
    cluster.kill(0).await;
    let (topic, event) = next_about(&mut events, "peer").await;
    assert_eq!(topic, "cluster.node.unreachable");
    assert_eq!(event.previous, Some(MemberStatus::Up));
    let (topic, _) = next_about(&mut events, "peer").await;
    assert_eq!(topic, "cluster.node.down");
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
