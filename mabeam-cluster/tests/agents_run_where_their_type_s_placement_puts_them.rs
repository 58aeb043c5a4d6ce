//! Per-type placement across real node processes on 127.0.0.1, with different tags per node
//! (`a`: cpu, `b`: gpu, `c`: cpu + ssd, and `c` loaded with ballast agents):
//! - a type requiring `gpu` runs on `b`, whichever node calls;
//! - the two halves of each pair (anti-affinity) run on different nodes;
//! - least-loaded workers avoid the loaded node `c`;
//! - calls and casts from every node reach one activation of each agent (the hash owner's
//!   directory), a cast before a call from one node first;
//! - when `c` is killed, the agents it hosted are placed again elsewhere, and the agents whose
//!   directory entries `c` kept (as their hash owner) are found again, with their state, on
//!   their new hash owner (rebuilt from the hosts' reports).
//!
//! This test has its own `main` (`harness = false`): it is node `a`, and re-runs its own binary
//! with `--node NAME SEED` for nodes `b` and `c`, which call every agent too.

#[path = "support/peers.rs"]
mod peers;

use std::collections::BTreeMap;
use std::sync::OnceLock;
use std::time::Duration;

use mabeam_actors::agent;
use mabeam_cluster::gateway::RemoteError;
use mabeam_cluster::loadbalancer::LoadWeights;
use mabeam_cluster::placement::TypePlacement;
use mabeam_cluster::{MemberStatus, Node};
use peers::{free_tcp, free_udp, Peer, PATIENCE};

const TRAINERS: usize = 6;
const PAIRS: usize = 8;
const WORKERS: usize = 12;
/// Agents node `c` runs besides the cluster's, so the load balancer scores it heavy.
const BALLAST: usize = 2_000;

/// What each node casts to every worker (a digit of its own), before adding 1 with a call.
fn cast_by(node: &str) -> u64 {
    match node {
        "a" => 100,
        "b" => 1_000,
        _ => 10_000,
    }
}

/// Every worker's count once all three nodes cast and called.
const WORKER_TOTAL: u64 = 11_103;

/// This process's node name, for the agents to say where they run.
static NODE: OnceLock<String> = OnceLock::new();

fn here() -> String {
    NODE.get().cloned().unwrap_or_default()
}

/// A placed counter that says where it runs: `$name` is its type name.
macro_rules! placed_type {
    ($(#[$doc:meta])* $ty:ident, $name:literal) => {
        $(#[$doc])*
        #[derive(Default)]
        struct $ty {
            n: u64,
        }

        #[agent(remote, name = $name)]
        impl $ty {
            #[action]
            fn add(&mut self, by: u64) -> u64 {
                self.n += by;
                self.n
            }

            #[action]
            fn host(&self) -> String {
                here()
            }
        }
    };
}

placed_type!(
    /// Needs a GPU: placed on the least-loaded node tagged `gpu`.
    Trainer,
    "test.trainer"
);
placed_type!(
    /// `pN-a` and `pN-b` never run on one node.
    Half,
    "test.half"
);
placed_type!(
    /// Placed on the least-loaded node.
    Worker,
    "test.worker"
);

/// Dead weight on node `c` (counted in its gossiped agent count).
#[derive(Default)]
struct Ballast;

#[agent(name = "test.ballast")]
impl Ballast {
    #[action]
    fn ping(&self) -> u64 {
        1
    }
}

fn sibling(id: &str) -> String {
    match id.strip_suffix("-a") {
        Some(pair) => format!("{pair}-b"),
        None => format!("{}-a", id.trim_end_matches("-b")),
    }
}

fn trainers() -> Vec<String> {
    (0..TRAINERS).map(|i| format!("t{i}")).collect()
}

fn halves() -> Vec<String> {
    (0..PAIRS)
        .flat_map(|i| [format!("p{i}-a"), format!("p{i}-b")])
        .collect()
}

fn workers() -> Vec<String> {
    (0..WORKERS).map(|i| format!("w{i}")).collect()
}

async fn start(name: &str, seed: Option<String>) -> Node {
    NODE.set(name.to_owned()).expect("one node per process");
    let tags: &[&str] = match name {
        "a" => &["cpu"],
        "b" => &["gpu"],
        _ => &["cpu", "ssd"],
    };
    let mut builder = Node::builder()
        .name(name)
        .gossip_addr(free_udp())
        .listen_addr(free_tcp())
        .gossip_interval(Duration::from_millis(100))
        // Only the agent count weighs, so the ballast decides and CPU noise does not.
        .load_weights(
            LoadWeights::default()
                .cpu_percent(0)
                .memory_mib(0)
                .backlog(0),
        )
        .agent_type_placed(
            Trainer::default,
            TypePlacement::least_loaded().requiring(["gpu"]),
        )
        .agent_type_placed(
            Half::default,
            TypePlacement::away_from::<Half>(|id| vec![sibling(id)]),
        )
        .agent_type_placed(Worker::default, TypePlacement::least_loaded());
    for tag in tags {
        builder = builder.tag(*tag);
    }
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    let node = builder.start().await.expect("the node starts");
    if name == "c" {
        for i in 0..BALLAST {
            node.system()
                .spawn(format!("ballast-{i}"), Ballast::default)
                .await
                .expect("a ballast agent starts");
        }
    }
    node
}

/// Waits until `node` is meshed with `n` nodes and its load balancer scores `c` (with its
/// ballast) far above the others.
async fn until_ready(node: &Node, n: usize) {
    peers::until_meshed(node, n).await;
    let scored = node.load_balancer().wait_for(|scores| {
        let loads: BTreeMap<&str, u64> = scores
            .candidates
            .iter()
            .map(|c| (c.node.as_str(), c.load))
            .collect();
        loads.len() == n
            && loads.get("c").is_some_and(|c| *c > BALLAST as u64)
            && loads
                .iter()
                .all(|(node, load)| *node == "c" || *load < BALLAST as u64 / 2)
    });
    if tokio::time::timeout(PATIENCE, scored).await.is_err() {
        panic!(
            "{}: the load balancer never scored `c` with its ballast: {:?}",
            node.name(),
            node.load_balancer().scores()
        );
    }
}

/// Adds 1 to every placed agent from `node`, and checks where each one runs.
async fn call_everything(node: &Node) -> BTreeMap<String, String> {
    let name = node.name().to_owned();
    let mut hosts = BTreeMap::new();
    for id in trainers() {
        let agent = node.agent::<Trainer>(id.clone());
        agent
            .request(TrainerAdd { by: 1 })
            .await
            .unwrap_or_else(|err| panic!("{name}: add to trainer {id}: {err}"));
        let host = agent.request(TrainerHost {}).await.unwrap();
        assert_eq!(host, "b", "{name}: trainer {id} needs the gpu node");
        hosts.insert(format!("trainer/{id}"), host);
    }
    for id in halves() {
        let agent = node.agent::<Half>(id.clone());
        agent
            .request(HalfAdd { by: 1 })
            .await
            .unwrap_or_else(|err| panic!("{name}: add to half {id}: {err}"));
        hosts.insert(
            format!("half/{id}"),
            agent.request(HalfHost {}).await.unwrap(),
        );
    }
    for id in workers() {
        let agent = node.agent::<Worker>(id.clone());
        // A cast, then a call from the same node: the call sees the cast.
        let by = cast_by(&name);
        agent
            .cast(WorkerAdd { by })
            .await
            .unwrap_or_else(|err| panic!("{name}: cast to worker {id}: {err}"));
        let n = agent
            .request(WorkerAdd { by: 1 })
            .await
            .unwrap_or_else(|err| panic!("{name}: add to worker {id}: {err}"));
        assert_eq!(n / by % 10, 1, "{name}: worker {id} at {n} misses its cast");
        let host = agent.request(WorkerHost {}).await.unwrap();
        assert_ne!(host, "c", "{name}: worker {id} on the loaded node");
        hosts.insert(format!("worker/{id}"), host);
    }
    for i in 0..PAIRS {
        let (a, b) = (
            &hosts[&format!("half/p{i}-a")],
            &hosts[&format!("half/p{i}-b")],
        );
        assert_ne!(a, b, "{name}: the halves of pair p{i} share a node");
    }
    hosts
}

/// Nodes `b` and `c`: join, wait for `go` (node `a` has placed everything), call everything,
/// print where each agent runs, and stay until killed.
async fn run_peer(name: &str, seed: String) {
    let node = start(name, Some(seed)).await;
    until_ready(&node, 3).await;
    println!("{name}: ready");
    tokio::task::spawn_blocking(|| {
        let mut line = String::new();
        std::io::stdin().read_line(&mut line)
    })
    .await
    .unwrap()
    .expect("a `go` from node a");
    let hosts = call_everything(&node).await;
    for (agent, host) in hosts {
        println!("{name}: {agent} on {host}");
    }
    println!("{name}: done");
    std::future::pending::<()>().await;
}

/// Where each agent runs, as a peer printed it (`NAME: AGENT on HOST` lines) before `done`.
fn hosts_seen_by(peer: &Peer) -> BTreeMap<String, String> {
    peer.lines_until(": done")
        .iter()
        .filter_map(|line| {
            let (agent, host) = line.split_once(": ")?.1.split_once(" on ")?;
            Some((agent.to_owned(), host.to_owned()))
        })
        .collect()
}

async fn until_down(node: &Node, peer: &str) {
    let down = node.membership().wait_for(|members| {
        members
            .iter()
            .any(|m| m.node == peer && m.status == MemberStatus::Down)
    });
    if tokio::time::timeout(PATIENCE, down).await.is_err() {
        panic!("{peer} never went down: {:?}", node.membership().members());
    }
}

/// `call`, retried while it fails only because a node still holds the killed `c` up (each
/// node declares it down on its own; until then, a call it forwards there fails).
async fn after_c_left<T, F, Fut>(what: &str, call: F) -> T
where
    F: Fn() -> Fut,
    Fut: std::future::Future<Output = Result<T, RemoteError>>,
{
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        match call().await {
            Err(RemoteError::NodeUnreachable { node, .. })
                if node == "c" && tokio::time::Instant::now() < deadline =>
            {
                tokio::time::sleep(Duration::from_millis(50)).await;
            }
            other => return other.unwrap_or_else(|err| panic!("{what}: {err}")),
        }
    }
}

async fn scenario() {
    let node = start("a", None).await;
    let seed = node.gossip_addr();
    let mut peers = vec![Peer::start("b", seed), Peer::start("c", seed)];
    until_ready(&node, 3).await;

    // `a` calls every agent first (placing them), then `b` and `c` call them all too.
    let here = call_everything(&node).await;
    for peer in &mut peers {
        peer.send("go");
    }
    for (peer, name) in peers.iter().zip(["b", "c"]) {
        assert_eq!(
            hosts_seen_by(peer),
            here,
            "{name} sees the agents where `a` sees them"
        );
    }
    // One activation each: three adds reached the same agent.
    for id in trainers() {
        let n = node
            .agent::<Trainer>(id.clone())
            .request(TrainerAdd { by: 0 })
            .await;
        assert_eq!(n, Ok(3), "trainer {id}");
    }
    for id in halves() {
        let n = node
            .agent::<Half>(id.clone())
            .request(HalfAdd { by: 0 })
            .await;
        assert_eq!(n, Ok(3), "half {id}");
    }
    for id in workers() {
        let n = node
            .agent::<Worker>(id.clone())
            .request(WorkerAdd { by: 0 })
            .await;
        assert_eq!(n, Ok(WORKER_TOTAL), "worker {id}");
    }
    // The halves spread: with 8 pairs apart on 3 nodes, every node hosts some.
    let half_hosts: std::collections::BTreeSet<&String> = here
        .iter()
        .filter(|(agent, _)| agent.starts_with("half/"))
        .map(|(_, host)| host)
        .collect();
    assert_eq!(half_hosts.len(), 3, "{here:?}");
    // Agents `a` hosts are in its registry, the others are not.
    for (agent, host) in &here {
        let id = agent.split_once('/').unwrap().1;
        assert_eq!(
            node.system().registry().contains(id),
            host == "a",
            "{agent} on {host}"
        );
    }

    // `c` is killed: what it hosted is placed again (state lost: no replication yet), what
    // it kept directory entries for is found again on the new hash owners, state intact.
    drop(peers.remove(1)); // killed and reaped
    until_down(&node, "c").await;
    for id in halves() {
        let half = node.agent::<Half>(id.clone());
        let n = after_c_left(&id, || half.request(HalfAdd { by: 0 })).await;
        let host = half.request(HalfHost {}).await.unwrap();
        assert_ne!(host, "c");
        if here[&format!("half/{id}")] == "c" {
            assert_eq!(n, 0, "half {id} was on c: placed again, fresh");
        } else {
            assert_eq!(n, 3, "half {id} kept its activation on {host}");
            assert_eq!(host, here[&format!("half/{id}")]);
        }
    }
    for id in trainers() {
        let trainer = node.agent::<Trainer>(id.clone());
        let n = after_c_left(&id, || trainer.request(TrainerAdd { by: 0 })).await;
        assert_eq!(n, 3, "trainer {id} after c left");
    }
    for id in workers() {
        let worker = node.agent::<Worker>(id.clone());
        let n = after_c_left(&id, || worker.request(WorkerAdd { by: 0 })).await;
        assert_eq!(n, WORKER_TOTAL, "worker {id} after c left");
    }
    drop(peers);
    println!("agents_run_where_their_type_s_placement_puts_them: ok");
}

fn main() {
    peers::main(
        |name, seed| async move { run_peer(&name, seed).await },
        scenario,
    );
}
