//! What per-type placement costs a call, between two node processes on 127.0.0.1, every
//! variant in the same run (informational: the spec sets no target for it).
//!
//! This process is node `a` (tag `a`); it re-runs its own binary with `--node SEED` as node `b`
//! (tag `b`). Both register `Echo` (hash placement) and two placed types whose rule requires
//! a tag, so the host is known: `OnA` runs on `a`, `OnB` on `b`. Every call is made from `a`:
//!
//! 1. `hash → b`: an `Echo` whose hash owner is `b` (one hop; the baseline);
//! 2. `placed, owner a → host b`: an `OnB` whose hash owner is `a`: `a`'s directory, then a
//!    relay to `b` over the placement service's `mabeam.directory` protocol (one hop);
//! 3. `placed, owner b = host b`: an `OnB` whose hash owner is `b`: the gateway's fast path (the
//!    agent is active there, so no directory lookup) (one hop);
//! 4. `placed, owner b → host a`: an `OnA` whose hash owner is `b`: to `b`, whose directory
//!    relays back to `a` (two hops).
//!
//! Then, in-process, the pure parts: a directory lookup among 100 000 entries against a
//! `HashMap` get, and `score_nodes` + `choose` over 5 and 50 nodes.
//!
//! `cargo bench -p mabeam-benches --bench placement` (about 20 s plus the build).

use std::collections::HashMap;
use std::time::{Duration, Instant};

use mabeam_actors::agent;
use mabeam_benches::node_procs::{exit_with_parent, free_tcp, free_udp, Peer};
use mabeam_benches::{fmt_ns, median, print_latency_table};
use mabeam_cluster::gateway::ClusterRef;
use mabeam_cluster::placement::TypePlacement;
use mabeam_cluster::{MemberStatus, Node};
use mabeam_core::health::Thresholds;
use mabeam_core::membership::{Incarnation, Member};
use mabeam_core::placement::{
    choose, score_nodes, AgentKey, Directory, LoadWeights, PlacementKey, PlacementSpec, RoundRobin,
    Strategy,
};

/// The longest a wait for the mesh lasts (a safety net, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(30);
const ROUNDS: usize = 60;
const BLOCK: usize = 50;

macro_rules! echo_type {
    ($name:ident, $type_name:literal) => {
        #[derive(Default)]
        struct $name {
            n: u64,
        }

        #[agent(remote, name = $type_name)]
        impl $name {
            #[action]
            fn add(&mut self, by: u64) -> u64 {
                self.n += by;
                self.n
            }
        }
    };
}

echo_type!(Echo, "bench.echo");
echo_type!(OnA, "bench.on_a");
echo_type!(OnB, "bench.on_b");

async fn start_node(name: &str, seed: Option<String>) -> Node {
    let mut builder = Node::builder()
        .name(name)
        .tag(name)
        .gossip_addr(free_udp())
        .listen_addr(free_tcp())
        .gossip_interval(Duration::from_millis(100))
        .agent_type(Echo::default)
        .agent_type_placed(OnA::default, TypePlacement::hash().requiring(["a"]))
        .agent_type_placed(OnB::default, TypePlacement::hash().requiring(["b"]));
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    builder.start().await.expect("the node starts")
}

/// Node `b`, until killed or until `a` closes our stdin.
fn run_b(seed: String) {
    exit_with_parent();
    mabeam_benches::runtime().block_on(async move {
        let _node = start_node("b", Some(seed)).await;
        std::future::pending::<()>().await;
    });
}

/// Waits until `a` sees both nodes up with a session with `b` and its gateway
/// ([`Node::ready`]), and both nodes scored by its load balancer.
async fn until_meshed(node: &Node) {
    if tokio::time::timeout(PATIENCE, node.ready(2)).await.is_err() {
        panic!(
            "not meshed within {PATIENCE:?}: members {:?}, sessions {:?}",
            node.membership().members(),
            node.connections().connected()
        );
    }
    let scored = node
        .load_balancer()
        .wait_for(|scores| scores.candidates.len() == 2);
    if tokio::time::timeout(PATIENCE, scored).await.is_err() {
        panic!(
            "the load balancer did not score both nodes within {PATIENCE:?}: {:?}",
            node.load_balancer().scores()
        );
    }
}

/// The first `x-N` handle of type `A` whose hash owner is `owner`.
fn owned_by<A: mabeam_actors::RemoteAgent>(node: &Node, owner: &str) -> ClusterRef<A> {
    (0..1000)
        .map(|i| node.agent::<A>(format!("x-{i}")))
        .find(|r| r.owner().as_deref() == Some(owner))
        .unwrap_or_else(|| panic!("no id owned by {owner}"))
}

async fn cluster(node: Node) {
    let hash = owned_by::<Echo>(&node, "b");
    let relayed = owned_by::<OnB>(&node, "a");
    let fast = owned_by::<OnB>(&node, "b");
    let two_hops = owned_by::<OnA>(&node, "b");
    // First calls activate (and place) the agents; warm up the paths.
    for _ in 0..200 {
        hash.request(EchoAdd { by: 1 }).await.expect("hash call");
        relayed
            .request(OnBAdd { by: 1 })
            .await
            .expect("relayed call");
        fast.request(OnBAdd { by: 1 })
            .await
            .expect("fast-path call");
        two_hops
            .request(OnAAdd { by: 1 })
            .await
            .expect("two-hop call");
    }
    let (clock, lat) = mabeam_benches::interleaved_calls!(
        ROUNDS,
        BLOCK,
        hash.request(EchoAdd { by: 1 }).await.expect("hash call"),
        relayed
            .request(OnBAdd { by: 1 })
            .await
            .expect("relayed call"),
        fast.request(OnBAdd { by: 1 })
            .await
            .expect("fast-path call"),
        two_hops
            .request(OnAAdd { by: 1 })
            .await
            .expect("two-hop call"),
    );
    let names = [
        "hash -> b",
        "placed, owner a -> host b",
        "placed, owner b = host b",
        "placed, owner b -> host a",
    ];
    println!(
        "\n== remote calls from a, {} each, interleaved (clock {clock:.0} ns) ==",
        ROUNDS * BLOCK
    );
    print_latency_table(&names, &lat);
    let base = median(&lat[0]).unwrap_or(f64::NAN);
    for (name, series) in names.iter().zip(&lat).skip(1) {
        let p50 = median(series).unwrap_or(f64::NAN);
        println!("  p50 {name:<28} / hash: {:.2}x", p50 / base);
    }
    node.shutdown().await;
}

fn member(node: &str) -> Member {
    Member {
        node: node.to_owned(),
        generation: 1,
        gossip_addr: "127.0.0.1:1".parse().expect("an address"),
        status: MemberStatus::Up,
        tags: vec!["gpu".to_owned()],
    }
}

/// Nanoseconds per call of `f`, the median of 15 timed runs of `n` calls.
fn ns_per(n: usize, mut f: impl FnMut(usize)) -> f64 {
    let mut runs = Vec::new();
    for _ in 0..15 {
        let t = Instant::now();
        for i in 0..n {
            f(i);
        }
        runs.push(t.elapsed().as_nanos() as f64 / n as f64);
    }
    median(&runs).unwrap_or(f64::NAN)
}

fn pure() {
    println!("\n== pure parts (in-process) ==");
    let members: Vec<Member> = ["a"].into_iter().map(member).collect();
    let mut directory = Directory::new("a");
    directory.membership_changed(&members);
    let keys: Vec<AgentKey> = (0..100_000)
        .map(|i| AgentKey::new("bench.worker", format!("w-{i}")))
        .collect();
    let mut map = HashMap::new();
    for key in &keys {
        directory.record(key.clone(), Incarnation::new("b", 1));
        map.insert(key.clone(), Incarnation::new("b", 1));
    }
    let n = keys.len();
    // Alternated, so neither side always runs on a colder cache; the last pair counts.
    let (mut lookup, mut get) = (f64::NAN, f64::NAN);
    for _ in 0..3 {
        get = ns_per(n, |i| {
            std::hint::black_box(map.get(&keys[(i * 7919) % n]));
        });
        lookup = ns_per(n, |i| {
            std::hint::black_box(directory.lookup(&keys[(i * 7919) % n]));
        });
    }
    println!(
        "  directory lookup (100k entries) {:>9}   HashMap get {:>9}   {:.2}x",
        fmt_ns(lookup),
        fmt_ns(get),
        lookup / get
    );
    for nodes in [5, 50] {
        let members: Vec<Member> = (0..nodes).map(|i| member(&format!("n{i}"))).collect();
        let weights = LoadWeights::default();
        let limits = Thresholds::default();
        let score = ns_per(2_000, |_| {
            std::hint::black_box(score_nodes(&members, None, &weights, &limits));
        });
        let candidates = score_nodes(&members, None, &weights, &limits);
        let mut turn = RoundRobin::default();
        let place = ns_per(2_000, |i| {
            let spec = PlacementSpec::hash(PlacementKey::new("bench.worker", &i.to_string()))
                .with_strategy(Strategy::LeastLoaded)
                .requiring(["gpu"]);
            std::hint::black_box(choose(&spec, &candidates, &mut turn, |_| None));
        });
        println!(
            "  {nodes:>2} nodes: score_nodes {:>9}   choose(least-loaded, a tag) {:>9}",
            fmt_ns(score),
            fmt_ns(place)
        );
    }
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--node") {
        run_b(args[at + 1].clone());
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let rt = mabeam_benches::runtime();
    let node = rt.block_on(start_node("a", None));
    let _b = Peer::spawn(&["--node", &node.gossip_addr().to_string()]);
    mabeam_benches::in_worker(&rt, async move {
        until_meshed(&node).await;
        cluster(node).await;
    });
    pure();
}
