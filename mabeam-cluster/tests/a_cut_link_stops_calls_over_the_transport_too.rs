//! A link cut by fault injection is cut for mabeam's transport traffic too, not only for
//! gossip, across three real node processes on 127.0.0.1 (`a`, `b`, `c`; gossip every 100 ms;
//! nobody is declared down during the test):
//!
//! 1. With `a`↔`b` cut (on `a` and on `b`), a call from `a` to a counter owned by `b` fails
//!    with `RemoteError::NodeUnreachable` at once — before gossip suspects `b`, while their
//!    transport session is still open, so nothing slips through over TCP — and so do a cast and
//!    a service protocol call (which `b` would have answered with `UnknownProtocol`); from `b`,
//!    a call to `a`'s counter too. Once `b` is cut off from `c` as well and `a` holds it
//!    unreachable, the call still fails the same way.
//! 2. A signal published on `a` during the cut reaches `c` only: after the heal `a` publishes
//!    a second one, and `b` has received the second but never the first (signals from `a`
//!    reach `b` in the order `a` sent them, so the first would have come first).
//! 3. During the cut `c` still reaches the counters on `a` and on `b`.
//! 4. After the heal, the counter on `b` answers from `a` with its state (what `a` and `c`
//!    added), and `a` never started a copy of it.
//!
//! This test has its own `main` (`harness = false`): it is node `a`, and re-runs its own binary
//! with `--node NAME SEED` for `b` and `c`, which run the commands it writes to their stdin and
//! answer on stdout.

#[path = "support/peers.rs"]
mod peers;

use std::net::SocketAddr;
use std::time::Duration;

use mabeam_actors::agent;
use mabeam_cluster::testkit::{cut_links, heal_links};
use mabeam_cluster::{MemberStatus, Node, RemoteError};
use mabeam_core::{Signal, Topic};
use tokio::sync::watch;

use peers::{free_tcp, free_udp, until_meshed, Peer, PATIENCE};

/// Why `a`'s link refuses a call to a peer it cut (before membership has a say).
const CUT: &str = "the link is cut (fault injection)";

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

async fn start(name: &str, seed: Option<String>) -> (Node, SocketAddr) {
    let admin = free_tcp();
    let mut builder = Node::builder()
        .name(name)
        .gossip_addr(free_udp())
        .listen_addr(free_tcp())
        .admin_addr(admin)
        .fault_injection(true)
        .gossip_interval(Duration::from_millis(100))
        // Far beyond the test: a cut node is suspected, never declared down.
        .down_after(Duration::from_secs(600))
        .agent_type(Counter::default);
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    (builder.start().await.expect("the node starts"), admin)
}

/// Signals on `probe.*` this node received, in order (their payloads).
fn record_probes(node: &Node) -> watch::Receiver<Vec<String>> {
    let mut signals = node.system().subscribe("probe.**").expect("a topic");
    let (tx, rx) = watch::channel(Vec::new());
    tokio::spawn(async move {
        while let Ok(signal) = signals.recv().await {
            let payload = signal.decode::<String>().expect("a text payload");
            tx.send_modify(|seen| seen.push(payload));
        }
    });
    rx
}

async fn publish(node: &Node, payload: &str) -> Vec<String> {
    let signal = Signal::new(Topic::new("probe.cut").unwrap(), payload.to_owned());
    let mut reached = node.publish(signal).await.expect("published");
    reached.sort();
    reached
}

/// Nodes `b` and `c`: run one command per line from stdin, answer `NAME> ANSWER` on stdout.
///
/// - `ready N`: waits until meshed with `N` nodes; `ready`.
/// - `add ID BY`, `get ID`: a call to counter `ID`; its `Result<u64, RemoteError>` as JSON.
/// - `signals N`: waits until `N` probe signals came (bounded); all that came, as JSON.
async fn run_peer(name: &str, seed: String) {
    peers::log_to_stderr();
    let (node, admin) = start(name, Some(seed)).await;
    let probes = record_probes(&node);
    println!("{name}> admin {admin}");
    // Commands come from a thread reading stdin; the channel closes with stdin.
    let (tx, mut commands) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    while let Some(line) = commands.recv().await {
        let words: Vec<&str> = line.split_whitespace().collect();
        let answer = match words[..] {
            ["ready", n] => {
                until_meshed(&node, n.parse().unwrap()).await;
                "ready".to_owned()
            }
            ["add", id, by] => {
                let by = by.parse().unwrap();
                let added = node.agent::<Counter>(id).request(CounterAdd { by }).await;
                serde_json::to_string(&added).unwrap()
            }
            ["get", id] => {
                let got = node.agent::<Counter>(id).request(CounterGet {}).await;
                serde_json::to_string(&got).unwrap()
            }
            ["signals", n] => {
                let n: usize = n.parse().unwrap();
                let mut probes = probes.clone();
                // Less than the coordinator waits for an answer, so it sees what came.
                let came = probes.wait_for(|seen| seen.len() >= n);
                let _ = tokio::time::timeout(PATIENCE * 3 / 4, came).await;
                let seen = probes.borrow().clone();
                serde_json::to_string(&seen).unwrap()
            }
            _ => panic!("{name}: unknown command {line:?}"),
        };
        println!("{name}> {answer}");
    }
    // The coordinator is gone.
}

/// Runs `command` on `peer` (node `name`) and returns its answer.
fn ask(peer: &mut Peer, name: &str, command: &str) -> String {
    peer.send(command);
    let prefix = format!("{name}> ");
    let line = tokio::task::block_in_place(|| peer.expect(&prefix));
    line[prefix.len()..].to_owned()
}

/// A call made by a peer (`add` or `get`), as the peer saw its result.
fn call_on(peer: &mut Peer, name: &str, command: &str) -> Result<u64, RemoteError> {
    let answer = ask(peer, name, command);
    serde_json::from_str(&answer).unwrap_or_else(|err| panic!("{name}: {answer:?}: {err}"))
}

fn signals_on(peer: &mut Peer, name: &str, n: usize) -> Vec<String> {
    let answer = ask(peer, name, &format!("signals {n}"));
    serde_json::from_str(&answer).unwrap_or_else(|err| panic!("{name}: {answer:?}: {err}"))
}

fn unreachable(result: &Result<u64, RemoteError>, node: &str) -> bool {
    matches!(result, Err(RemoteError::NodeUnreachable { node: n, .. }) if n == node)
}

async fn scenario() {
    let (node, admin_a) = start("a", None).await;
    let seed = node.gossip_addr();
    let [mut b, mut c] = [Peer::start("b", seed), Peer::start("c", seed)];
    let admin = |peer: &Peer, name: &str| -> SocketAddr {
        let line = tokio::task::block_in_place(|| peer.expect(&format!("{name}> admin ")));
        line.rsplit(' ').next().unwrap().parse().unwrap()
    };
    let (admin_b, admin_c) = (admin(&b, "b"), admin(&c, "c"));
    until_meshed(&node, 3).await;
    assert_eq!(ask(&mut b, "b", "ready 3"), "ready");
    assert_eq!(ask(&mut c, "c", "ready 3"), "ready");
    let gossip = |peer: &str| {
        node.membership()
            .member(peer)
            .expect("a member")
            .gossip_addr
    };
    let (gossip_a, gossip_b, gossip_c) = (node.gossip_addr(), gossip("b"), gossip("c"));

    // Before the cut: a counter on each of `a` and `b`, and a signal everyone gets.
    let (on_a, on_b) = (owned_by(&node, "a"), owned_by(&node, "b"));
    let counter = node.agent::<Counter>(on_b.clone());
    assert_eq!(counter.request(CounterAdd { by: 5 }).await, Ok(5));
    let mine = node.agent::<Counter>(on_a.clone());
    assert_eq!(mine.request(CounterAdd { by: 1 }).await, Ok(1));
    assert_eq!(publish(&node, "before").await, ["b", "c"]);
    assert_eq!(signals_on(&mut b, "b", 1), ["before"]);
    assert_eq!(signals_on(&mut c, "c", 1), ["before"]);

    // Cut `a`↔`b`, on both. `c` still hears both and relays their heartbeats, so neither
    // holds the other unreachable yet.
    cut_links(admin_a, &[gossip_b]).await.expect("cut on a");
    cut_links(admin_b, &[gossip_a]).await.expect("cut on b");

    // 1. At once: the transport session with `b` is open, yet nothing goes over it.
    assert!(node.connections().connected().contains(&"b".to_owned()));
    let held_before = node.membership().status("b");
    let during = counter.request(CounterGet {}).await;
    let held_after = node.membership().status("b");
    assert!(
        unreachable(&during, "b"),
        "a call right after the cut: {during:?}"
    );
    // Refused before it left `a`: the caller can tell it did not run.
    assert!(
        during.as_ref().is_err_and(|err| !err.may_have_run()),
        "{during:?}"
    );
    if held_before == Some(MemberStatus::Up) && held_after == Some(MemberStatus::Up) {
        // `a` held `b` up throughout: the cut refused it, not a suspicion.
        assert!(
            matches!(&during, Err(RemoteError::NodeUnreachable { reason, .. }) if reason == CUT),
            "{during:?}"
        );
    } else {
        eprintln!("note: `a` held `b` {held_before:?}, then {held_after:?}, around the first call");
    }
    // (Had it crossed, `c`'s addition below would not make 15.)
    let cast = counter.cast(CounterAdd { by: 100 }).await;
    assert!(
        matches!(&cast, Err(RemoteError::NodeUnreachable { node, .. }) if node == "b"),
        "a cast right after the cut: {cast:?}"
    );
    // `b` would answer `UnknownProtocol`: the request never reached it.
    let service = node
        .context()
        .call("b", "test.nobody", Vec::new(), PATIENCE)
        .await;
    assert!(
        matches!(&service, Err(RemoteError::NodeUnreachable { node, reason, sent: false }) if node == "b" && reason == CUT),
        "a service call right after the cut: {service:?}"
    );
    let from_b = call_on(&mut b, "b", &format!("get {on_a}"));
    assert!(
        unreachable(&from_b, "a"),
        "b's call to a's counter: {from_b:?}"
    );

    // 2. A signal now reaches `c` only.
    assert_eq!(publish(&node, "during").await, ["c"]);
    assert_eq!(signals_on(&mut c, "c", 2), ["before", "during"]);

    // 3. `c` reaches both.
    assert_eq!(call_on(&mut c, "c", &format!("add {on_b} 10")), Ok(15));
    assert_eq!(call_on(&mut c, "c", &format!("add {on_a} 1")), Ok(2));

    // 1, again once `a` holds `b` unreachable: cut `b` off from `c` too, so nobody relays it.
    cut_links(admin_b, &[gossip_c]).await.expect("cut on b");
    cut_links(admin_c, &[gossip_b]).await.expect("cut on c");
    let suspected = node.membership().wait_for(|members| {
        members
            .iter()
            .any(|m| m.node == "b" && m.status == MemberStatus::Unreachable)
    });
    if tokio::time::timeout(PATIENCE, suspected).await.is_err() {
        panic!(
            "a never held b unreachable: {:?}",
            node.membership().members()
        );
    }
    let during = counter.request(CounterGet {}).await;
    assert!(
        unreachable(&during, "b"),
        "a call once b is suspected: {during:?}"
    );
    assert_eq!(call_on(&mut c, "c", &format!("add {on_a} 1")), Ok(3));

    // Heal everything.
    for admin in [admin_a, admin_b, admin_c] {
        heal_links(admin).await.expect("heal");
    }
    until_meshed(&node, 3).await;
    assert_eq!(ask(&mut b, "b", "ready 3"), "ready");
    assert_eq!(ask(&mut c, "c", "ready 3"), "ready");

    // 2. The second signal reaches `b`; the first never did.
    assert_eq!(publish(&node, "after").await, ["b", "c"]);
    assert_eq!(signals_on(&mut b, "b", 2), ["before", "after"]);
    assert_eq!(signals_on(&mut c, "c", 3), ["before", "during", "after"]);

    // 4. The counter on `b` kept its state, and stayed the only copy.
    assert_eq!(counter.request(CounterGet {}).await, Ok(15));
    assert!(!node.system().registry().contains(&on_b), "a copy on a");
    assert_eq!(call_on(&mut b, "b", &format!("get {on_a}")), Ok(3));
    println!("a_cut_link_stops_calls_over_the_transport_too: ok");
}

/// The first counter id whose owner is `owner`.
fn owned_by(node: &Node, owner: &str) -> String {
    (0..)
        .map(|i| format!("{owner}-{i}"))
        .find(|id| node.agent::<Counter>(id.clone()).owner().as_deref() == Some(owner))
        .unwrap()
}

fn main() {
    peers::main(
        |name, seed| async move { run_peer(&name, seed).await },
        scenario,
    );
}
