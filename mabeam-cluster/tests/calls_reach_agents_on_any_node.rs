//! Location transparency across real node processes on 127.0.0.1: an agent called through
//! `Node::agent` with the typed methods `#[agent]` generates (`counter.add(1).await`, as on a
//! local `AgentRef`) runs on its owner (activated there on first call, and nowhere else), calls
//! from every node see the same state, and each failure reaches the caller as its own
//! `RemoteError` variant — an unknown agent type, a panicking action (its message reaches the
//! caller, from the local path and through a gateway, and the gateway keeps serving), a
//! timeout, and a gateway message from another version (answered with a decode error, not left
//! to time out).
//!
//! This test has its own `main` (`harness = false`): it is node `a`, and re-runs its own binary
//! with `--node NAME SEED` for nodes `b` and `c`, which it drives with lines on their stdin:
//! `go` (say which counters run there, then add 10 to every counter), `read` (read every
//! counter).

#[path = "support/peers.rs"]
mod peers;

use std::time::Duration;

use mabeam_actors::agent;
use mabeam_cluster::gateway::{RemoteError, GATEWAY_GROUP};
use mabeam_cluster::Node;
use mabeam_core::{codec, wire};
use ractor::message::{BoxedDowncastErr, SerializedMessage};
use ractor::rpc::CallResult;
use ractor::{ActorRef, RpcReplyPort};

use peers::{free_tcp, free_udp, until_meshed, Peer};

const COUNTERS: usize = 24;

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

    #[action]
    async fn slow(&self, ms: u64) -> u64 {
        tokio::time::sleep(Duration::from_millis(ms)).await;
        self.n
    }

    #[action]
    fn crash(&mut self) -> u64 {
        panic!("a bug in an action")
    }
}

/// Registered on node `a` only: calls owned by `b` or `c` find no such type there.
#[derive(Default)]
struct Lonely;

#[agent(remote, name = "test.lonely")]
impl Lonely {
    #[action]
    fn ping(&self) -> u64 {
        1
    }
}

/// A gateway message as a newer build might send it: a call of a variant this build does not
/// know.
struct FromTheFuture(RpcReplyPort<Vec<u8>>);

impl ractor::Message for FromTheFuture {
    fn serializable() -> bool {
        true
    }

    fn serialize(self) -> Result<SerializedMessage, BoxedDowncastErr> {
        Ok(SerializedMessage::Call {
            variant: "teleport".to_owned(),
            args: vec![1, 2, 3],
            reply: self.0,
            metadata: None,
        })
    }
}

async fn start(name: &str, seed: Option<String>, lonely: bool) -> Node {
    let mut builder = Node::builder()
        .name(name)
        .gossip_addr(free_udp())
        .listen_addr(free_tcp())
        .gossip_interval(Duration::from_millis(100))
        .agent_type(Counter::default);
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    if lonely {
        builder = builder.agent_type(|| Lonely);
    }
    builder.start().await.expect("the node starts")
}

/// The lines on this process's stdin.
fn stdin_lines() -> tokio::sync::mpsc::UnboundedReceiver<String> {
    let (tx, rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lines().map_while(Result::ok) {
            if tx.send(line).is_err() {
                return;
            }
        }
    });
    rx
}

/// Nodes `b` and `c`: join, say `ready`, and answer node `a`'s lines until it kills us:
/// `go` prints `NAME: runs ID` for each counter running here, adds 10 to every counter, and
/// prints `NAME: done`; `read` prints `NAME: ID = N` for every counter, then `NAME: read`.
async fn run_peer(name: &str, seed: String) {
    peers::log_to_stderr();
    let node = start(name, Some(seed), false).await;
    until_meshed(&node, 3).await;
    let mut lines = stdin_lines();
    println!("{name}: ready");
    while let Some(line) = lines.recv().await {
        match line.trim() {
            "go" => {
                for i in 0..COUNTERS {
                    let id = format!("c-{i}");
                    if node.system().registry().contains(&id) {
                        println!("{name}: runs {id}");
                    }
                }
                for i in 0..COUNTERS {
                    node.agent::<Counter>(format!("c-{i}"))
                        .add(10)
                        .await
                        .unwrap_or_else(|err| panic!("{name}: add to c-{i}: {err}"));
                }
                println!("{name}: done");
            }
            "read" => {
                for i in 0..COUNTERS {
                    let n = node
                        .agent::<Counter>(format!("c-{i}"))
                        .get()
                        .await
                        .unwrap_or_else(|err| panic!("{name}: read c-{i}: {err}"));
                    println!("{name}: c-{i} = {n}");
                }
                println!("{name}: read");
            }
            other => panic!("{name}: unknown line {other:?}"),
        }
    }
    // Stdin closed: stay until node `a` kills us.
    std::future::pending::<()>().await;
}

async fn scenario() {
    let node = start("a", None, true).await;
    let seed = node.gossip_addr();
    let mut peers = [Peer::start("b", seed), Peer::start("c", seed)];
    until_meshed(&node, 3).await;
    for (peer, name) in peers.iter().zip(["b", "c"]) {
        peer.expect(&format!("{name}: ready"));
    }

    // First calls, all from `a`, through the typed methods: each counter is activated on its
    // owner, fresh.
    let mut owners = std::collections::BTreeMap::new();
    for i in 0..COUNTERS {
        let counter = node.agent::<Counter>(format!("c-{i}"));
        let owner = counter.owner().expect("an owner");
        let n = counter
            .add(1)
            .await
            .unwrap_or_else(|err| panic!("a: add to c-{i} (owner {owner}): {err}"));
        assert_eq!(n, 1, "c-{i} starts fresh on its first call");
        owners.insert(format!("c-{i}"), owner);
    }
    let owning: std::collections::BTreeSet<_> = owners.values().collect();
    assert_eq!(owning.len(), 3, "every node owns some counters: {owners:?}");

    // Each counter runs on its owner and nowhere else: `a` looks here, `b` and `c` say which
    // run there, then add 10 to every counter.
    let mut runs_on: std::collections::BTreeMap<String, Vec<&str>> = Default::default();
    for i in 0..COUNTERS {
        let id = format!("c-{i}");
        if node.system().registry().contains(&id) {
            runs_on.entry(id).or_default().push("a");
        }
    }
    for (peer, name) in peers.iter_mut().zip(["b", "c"]) {
        peer.send("go");
        for line in peer.lines_until(&format!("{name}: done")) {
            if let Some(id) = line.strip_prefix(&format!("{name}: runs ")) {
                runs_on.entry(id.to_owned()).or_default().push(name);
            }
        }
    }
    for (id, owner) in &owners {
        assert_eq!(runs_on.get(id), Some(&vec![owner.as_str()]), "{id}");
    }

    // Every node reads the same state: 1 from `a`, 10 from `b`, 10 from `c`.
    for i in 0..COUNTERS {
        let n = node.agent::<Counter>(format!("c-{i}")).get().await.unwrap();
        assert_eq!(n, 21, "a reads c-{i}");
    }
    for (peer, name) in peers.iter_mut().zip(["b", "c"]) {
        peer.send("read");
        let reads = peer.lines_until(&format!("{name}: read"));
        assert_eq!(reads.len(), COUNTERS, "{name}: {reads:?}");
        for (i, line) in reads.iter().enumerate() {
            assert_eq!(line, &format!("{name}: c-{i} = 21"));
        }
    }

    // Failures, each its own variant. Find ids owned by a given node.
    let owned_by = |owner: &str, prefix: &str| {
        (0..)
            .map(|i| format!("{prefix}-{i}"))
            .find(|id| node.agent::<Counter>(id.clone()).owner().as_deref() == Some(owner))
            .unwrap()
    };
    let on_b = |prefix: &str| owned_by("b", prefix);
    let lonely_id = (0..)
        .map(|i| format!("l-{i}"))
        .find(|id| node.agent::<Lonely>(id.clone()).owner().as_deref() == Some("b"))
        .unwrap();
    let unknown = node.agent::<Lonely>(lonely_id).ping().await;
    assert!(
        matches!(&unknown, Err(RemoteError::UnknownAgentType { node, agent_type }) if node == "b" && agent_type == "test.lonely"),
        "{unknown:?}"
    );
    // A per-call timeout, on the typed call.
    let late = node
        .agent::<Counter>(on_b("slow"))
        .slow(5_000)
        .timeout(Duration::from_millis(300))
        .await;
    assert!(
        matches!(late, Err(RemoteError::Timeout { after_ms: 300, .. })),
        "{late:?}"
    );
    // A panicking action: its message reaches the caller, through `b`'s gateway and on the
    // local path alike.
    for owner in ["b", "a"] {
        let crash_id = owned_by(owner, "crash");
        let crashed = node.agent::<Counter>(crash_id.clone()).crash().await;
        assert_eq!(
            crashed,
            Err(RemoteError::AgentFailed {
                agent: crash_id,
                reason: "the action panicked: a bug in an action".to_owned(),
            }),
            "owner {owner}"
        );
    }
    // A message from another version: each peer's gateway answers with a decode error.
    let gateways: Vec<ActorRef<FromTheFuture>> = ractor::pg::get_members(&GATEWAY_GROUP.to_owned())
        .into_iter()
        .filter(|cell| !cell.get_id().is_local())
        .map(Into::into)
        .collect();
    assert_eq!(gateways.len(), 2, "the gateways of b and c");
    for gateway in gateways {
        let answer = gateway
            .call(FromTheFuture, Some(peers::PATIENCE))
            .await
            .expect("the session is up");
        let CallResult::Success(outcome) = answer else {
            panic!("no answer to an unknown gateway message: {answer:?}");
        };
        let error = wire::decode_outcome(&outcome)
            .expect("an outcome")
            .expect_err("an error outcome");
        let error: RemoteError = codec::decode(error).expect("a RemoteError");
        assert!(
            matches!(&error, RemoteError::Decode { what, .. } if what.contains("teleport")),
            "{error:?}"
        );
    }
    // The gateway on `b` keeps serving; a prepared request struct works as the typed method
    // does.
    let after = node
        .agent::<Counter>(on_b("after"))
        .request(CounterAdd { by: 2 })
        .await;
    assert_eq!(after, Ok(2));
    drop(peers);
    println!("calls_reach_agents_on_any_node: ok");
}

fn main() {
    peers::main(
        |name, seed| async move { run_peer(&name, seed).await },
        scenario,
    );
}
