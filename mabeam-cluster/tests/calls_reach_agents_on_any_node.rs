//! Location transparency across real node processes on 127.0.0.1: an agent called through
//! `Node::agent` runs on its owner (activated there on first call), calls from every node see
//! the same state, and each failure reaches the caller as its own `RemoteError` variant — an
//! unknown agent type, a panicking action (the gateway keeps serving), a timeout, and a gateway
//! message from another version (answered with a decode error, not left to time out).
//!
//! This test has its own `main` (`harness = false`): it is node `a`, and re-runs its own binary
//! with `--node NAME SEED` for nodes `b` and `c`, which call every counter too, then exit.

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

/// Nodes `b` and `c`: join, add 10 to every counter from here, and exit.
async fn run_peer(name: &str, seed: String) {
    peers::log_to_stderr();
    let node = start(name, Some(seed), false).await;
    until_meshed(&node, 3).await;
    for i in 0..COUNTERS {
        let counter = node.agent::<Counter>(format!("c-{i}"));
        counter
            .request(CounterAdd { by: 10 })
            .await
            .unwrap_or_else(|err| panic!("{name}: add to c-{i}: {err}"));
    }
    println!("{name}: done");
    // Stay until node `a` has read the counters, then leave when it kills us.
    std::future::pending::<()>().await;
}

async fn scenario() {
    let node = start("a", None, true).await;
    let seed = node.gossip_addr();
    let peers = [Peer::start("b", seed), Peer::start("c", seed)];
    until_meshed(&node, 3).await;

    // First calls from `a`: each counter is activated on its owner.
    let mut owners = std::collections::BTreeMap::new();
    for i in 0..COUNTERS {
        let counter = node.agent::<Counter>(format!("c-{i}"));
        let owner = counter.owner().expect("an owner");
        counter
            .request(CounterAdd { by: 1 })
            .await
            .unwrap_or_else(|err| panic!("a: add to c-{i} (owner {owner}): {err}"));
        *owners.entry(owner).or_insert(0) += 1;
    }
    assert_eq!(owners.len(), 3, "every node owns some counters: {owners:?}");
    // The counters `a` owns run here; the others do not.
    for i in 0..COUNTERS {
        let here = node.system().registry().contains(&format!("c-{i}"));
        let owned = node.agent::<Counter>(format!("c-{i}")).owner().as_deref() == Some("a");
        assert_eq!(here, owned, "c-{i}");
    }

    // `b` and `c` add 10 to every counter; all see the same agents.
    for (peer, name) in peers.iter().zip(["b", "c"]) {
        peer.expect(&format!("{name}: done"));
    }
    for i in 0..COUNTERS {
        let n = node
            .agent::<Counter>(format!("c-{i}"))
            .request(CounterGet {})
            .await
            .unwrap();
        assert_eq!(n, 21, "c-{i}");
    }

    // Failures, each its own variant. Find ids owned by `b`.
    let on_b = |prefix: &str| {
        (0..)
            .map(|i| format!("{prefix}-{i}"))
            .find(|id| node.agent::<Counter>(id.clone()).owner().as_deref() == Some("b"))
            .unwrap()
    };
    let lonely_id = (0..)
        .map(|i| format!("l-{i}"))
        .find(|id| node.agent::<Lonely>(id.clone()).owner().as_deref() == Some("b"))
        .unwrap();
    let unknown = node.agent::<Lonely>(lonely_id).request(LonelyPing {}).await;
    assert!(
        matches!(&unknown, Err(RemoteError::UnknownAgentType { node, agent_type }) if node == "b" && agent_type == "test.lonely"),
        "{unknown:?}"
    );
    let slow_id = on_b("slow");
    let late = node
        .agent::<Counter>(slow_id)
        .timeout(Duration::from_millis(300))
        .request(CounterSlow { ms: 5_000 })
        .await;
    assert!(matches!(late, Err(RemoteError::Timeout { .. })), "{late:?}");
    let crash_id = on_b("crash");
    let crashed = node
        .agent::<Counter>(crash_id.clone())
        .request(CounterCrash {})
        .await;
    assert!(
        matches!(crashed, Err(RemoteError::AgentFailed { .. })),
        "{crashed:?}"
    );
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
    // The gateway on `b` keeps serving.
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
