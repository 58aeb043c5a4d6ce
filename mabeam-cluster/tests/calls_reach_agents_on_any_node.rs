//! Location transparency across real node processes on 127.0.0.1: an agent called through
//! `Node::agent` runs on its owner (activated there on first call), calls from every node see
//! the same state, and each failure reaches the caller as its own `RemoteError` variant — an
//! unknown agent type, a panicking action (the gateway keeps serving), a timeout.
//!
//! This test has its own `main` (`harness = false`): it is node `a`, and re-runs its own binary
//! with `--node NAME SEED` for nodes `b` and `c`, which call every counter too, then exit.

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use mabeam_actors::agent;
use mabeam_cluster::gateway::RemoteError;
use mabeam_cluster::{MemberStatus, Node};

/// The longest any wait lasts (a safety net, not a timing assertion).
const PATIENCE: Duration = Duration::from_secs(40);
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

fn free_udp() -> SocketAddr {
    UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
}

fn free_tcp() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
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

/// Waits until `node` sees `n` members up with a transport session to each of the others.
async fn until_meshed(node: &Node, n: usize) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let up = node
            .membership()
            .members()
            .iter()
            .filter(|m| m.status == MemberStatus::Up)
            .count();
        let gateways = ractor::pg::get_members(&mabeam_cluster::gateway::GATEWAY_GROUP.to_owned());
        if up == n && node.connections().connected().len() == n - 1 && gateways.len() == n {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "{}: not meshed: {:?}, sessions {:?}, {} gateways",
            node.name(),
            node.membership().members(),
            node.connections().connected(),
            gateways.len()
        );
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Nodes `b` and `c`: join, add 10 to every counter from here, and exit.
async fn run_peer(name: &str, seed: String) {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .try_init();
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

fn spawn_peer(name: &str, seed: SocketAddr) -> Child {
    Command::new(std::env::current_exe().unwrap())
        .args(["--node", name, &seed.to_string()])
        .env(
            "RUST_LOG",
            std::env::var("PEER_LOG").unwrap_or("error".into()),
        )
        .stdout(Stdio::piped())
        .stderr(Stdio::inherit())
        .spawn()
        .expect("spawn a peer node")
}

/// Kills the peer processes even when the test fails.
struct Peers(Vec<Child>);

impl Drop for Peers {
    fn drop(&mut self) {
        for child in &mut self.0 {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

fn wait_done(peers: &mut Peers) {
    use std::io::{BufRead, BufReader};
    for child in &mut peers.0 {
        let out = child.stdout.take().expect("piped stdout");
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                if line.is_ok_and(|l| l.ends_with(": done")) {
                    let _ = tx.send(());
                    return;
                }
            }
        });
        rx.recv_timeout(PATIENCE)
            .expect("a peer finished its calls");
    }
}

async fn scenario() {
    let node = start("a", None, true).await;
    let seed = node.gossip_addr();
    let mut peers = Peers(vec![spawn_peer("b", seed), spawn_peer("c", seed)]);
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
    wait_done(&mut peers);
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
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if let Some(at) = args.iter().position(|a| a == "--node") {
        runtime.block_on(run_peer(&args[at + 1], args[at + 2].clone()));
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    runtime
        .block_on(async { tokio::time::timeout(PATIENCE * 3, scenario()).await })
        .expect("the scenario finished in time");
}
