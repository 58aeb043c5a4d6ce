//! Casts and cluster-wide signals across real node processes on 127.0.0.1.
//!
//! - Casts from node `a` reach counters owned by `b` and `c` (activating them), in order: a
//!   call made after a thousand casts sees all of them.
//! - A signal published on `a` reaches subscribers on `b` and `c`; a control-lane signal
//!   published after a flood of data-lane signals arrives, and every flood signal arrives too.
//! - While `b` is unreachable from `a` (gossip cut off, not yet declared down), calls and casts
//!   from `a` to `b`'s agents fail with `NodeUnreachable` and no second copy starts; once the
//!   link heals, the same agent answers with its state.
//!
//! This test has its own `main` (`harness = false`): it is node `a`, and re-runs its own binary
//! with `--node NAME SEED` for nodes `b` and `c`, which report what they received on stdout.

#[path = "support/peers.rs"]
mod peers;

use std::net::SocketAddr;
use std::time::Duration;

use mabeam_actors::agent;
use mabeam_cluster::gateway::RemoteError;
use mabeam_cluster::{MemberStatus, Node};
use mabeam_core::{Lane, Signal, Topic};

use peers::{free_tcp, free_udp, until_meshed, wait_until, Peer};

const CASTS: u64 = 1_000;
const FLOOD: u64 = 3_000;

#[derive(Default)]
struct Counter {
    n: u64,
}

#[agent(remote, name = "test.counter")]
impl Counter {
    #[action]
    fn add(&mut self, by: u64) -> u64 {
        self.n += by;
        self.n
    }

    #[action]
    fn get(&self) -> u64 {
        self.n
    }
}

async fn start(name: &str, seed: Option<String>) -> Node {
    let mut builder = Node::builder()
        .name(name)
        .gossip_addr(free_udp())
        .listen_addr(free_tcp())
        .gossip_interval(Duration::from_millis(100))
        // Long enough that the cut below stays a suspicion, never a down decision.
        .down_after(Duration::from_secs(600))
        .agent_type(Counter::default);
    if name == "a" {
        builder = builder.fault_injection(true).admin_addr(free_tcp());
    }
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    builder.start().await.expect("the node starts")
}

/// Nodes `b` and `c`: subscribe to `demo.**`, say so, and report what arrives.
async fn run_peer(name: &str, seed: String) {
    let node = start(name, Some(seed)).await;
    let mut signals = node.system().subscribe("demo.**").unwrap();
    until_meshed(&node, 3).await;
    println!("{name}: ready");
    let mut flood = 0;
    let mut control_after = None;
    loop {
        let signal = signals.recv().await.expect("the bus is open");
        match signal.topic().as_str() {
            "demo.hello" => println!("{name}: hello {}", signal.decode::<String>().unwrap()),
            "demo.flood" => flood += 1,
            "demo.stop" => control_after = Some(flood),
            other => panic!("unexpected topic {other}"),
        }
        if let (Some(after), true) = (control_after, flood == FLOOD) {
            println!("{name}: flood {flood} control after {after}");
        }
    }
}

async fn scenario() {
    let node = start("a", None).await;
    let seed = node.gossip_addr();
    let peers = [Peer::start("b", seed), Peer::start("c", seed)];
    until_meshed(&node, 3).await;
    for (peer, name) in peers.iter().zip(["b", "c"]) {
        peer.expect(&format!("{name}: ready"));
    }

    let on_b = owned_by(&node, "b", "p");

    // Casts: to one counter on `b` and one on `c`, never called before (the first cast
    // activates each); the call after them sees every one.
    for owner in ["b", "c"] {
        let id = (0..)
            .map(|i| format!("{owner}-{i}"))
            .find(|id| node.agent::<Counter>(id.clone()).owner().as_deref() == Some(owner))
            .unwrap();
        let counter = node.agent::<Counter>(id.clone());
        for _ in 0..CASTS {
            counter.cast(CounterAdd { by: 1 }).await.unwrap();
        }
        let n = counter.request(CounterGet {}).await.unwrap();
        assert_eq!(n, CASTS, "{id} on {owner}");
    }

    // A signal published here reaches the subscribers on `b` and `c`.
    let hello = Signal::new(Topic::new("demo.hello").unwrap(), "from a".to_owned());
    let sent_to = node.publish(hello).await.unwrap();
    assert_eq!(sent_to.len(), 2, "{sent_to:?}");
    for (peer, name) in peers.iter().zip(["b", "c"]) {
        assert_eq!(
            peer.expect(&format!("{name}: hello")),
            format!("{name}: hello from a")
        );
    }

    // A flood on the data lane, then a control signal: it arrives, and so does every flood
    // signal. (How far it overtakes the flood is timing; the benchmark measures it.)
    for i in 0..FLOOD {
        let signal = Signal::builder(Topic::new("demo.flood").unwrap())
            .lane(Lane::Data)
            .data(i)
            .build();
        node.publish(signal).await.unwrap();
    }
    let stop = Signal::builder(Topic::new("demo.stop").unwrap())
        .lane(Lane::Control)
        .build();
    node.publish(stop).await.unwrap();
    for (peer, name) in peers.iter().zip(["b", "c"]) {
        let line = peer.expect(&format!("{name}: flood"));
        let after: u64 = line.rsplit(' ').next().unwrap().parse().unwrap();
        assert!(
            line.starts_with(&format!("{name}: flood {FLOOD} control after")),
            "{line}"
        );
        assert!(after <= FLOOD, "{line}");
        println!("{line}");
    }
    // `b` unreachable from `a`: its agents stay there, calls fail at once, typed.
    let counter = node.agent::<Counter>(on_b.clone());
    assert_eq!(counter.request(CounterAdd { by: 7 }).await, Ok(7));
    // Cut from both peers: `c` would otherwise relay news of `b`.
    let gossip = |peer: &str| {
        node.membership()
            .member(peer)
            .expect("a member")
            .gossip_addr
    };
    let admin = node.admin_addr().expect("an admin endpoint");
    let cut = format!("[\"{}\", \"{}\"]", gossip("b"), gossip("c"));
    post(admin, "/debug/partition", &cut).await;
    wait_until("a holds b unreachable", || {
        node.membership().status("b") == Some(MemberStatus::Unreachable)
    })
    .await;
    let during = counter.request(CounterGet {}).await;
    assert!(
        matches!(&during, Err(RemoteError::NodeUnreachable { node, .. }) if node == "b"),
        "{during:?}"
    );
    let cast = counter.cast(CounterAdd { by: 1 }).await;
    assert!(
        matches!(cast, Err(RemoteError::NodeUnreachable { .. })),
        "{cast:?}"
    );
    assert_eq!(counter.owner().as_deref(), Some("b"));
    assert!(
        !node.system().registry().contains(&on_b),
        "no second copy on a"
    );
    post(admin, "/debug/heal", "").await;
    wait_until("a holds b up again", || {
        node.membership().status("b") == Some(MemberStatus::Up)
    })
    .await;
    assert_eq!(counter.request(CounterGet {}).await, Ok(7));
    println!("casts_and_signals_cross_the_cluster: ok");
}

/// The first id with `prefix` whose owner is `owner`.
fn owned_by(node: &Node, owner: &str, prefix: &str) -> String {
    (0..)
        .map(|i| format!("{prefix}-{i}"))
        .find(|id| node.agent::<Counter>(id.clone()).owner().as_deref() == Some(owner))
        .unwrap()
}

/// A minimal HTTP POST to the admin endpoint; panics unless it answers 200.
async fn post(admin: SocketAddr, path: &str, body: &str) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(admin).await.unwrap();
    let request = format!(
        "POST {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nContent-Type: application/json\r\n\
         Content-Length: {}\r\nConnection: close\r\n\r\n{body}",
        body.len()
    );
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    assert!(answer.starts_with("HTTP/1.1 200"), "{path}: {answer}");
}

fn main() {
    peers::main(
        |name, seed| async move { run_peer(&name, seed).await },
        scenario,
    );
}
