//! Agents across a cluster: three node processes on 127.0.0.1 call the same agents through
//! `node.agent::<Counter>(id)`, and all see one agent per id, running on its owner.
//!
//! It shows, in order:
//! - a `Counter` written with `#[agent(remote)]` and registered on every node with
//!   `NodeBuilder::agent_type` (virtual activation: the first call activates it on its owner);
//! - three nodes: this process is node `a`; it re-runs its own binary as nodes `b` and `c`
//!   (ractor_cluster's `pg` groups are process-wide, so nodes that call each other live in
//!   separate processes). Every address is `127.0.0.1` with a port the system picked;
//! - `node.agent::<Counter>("c-42")` from each node: the same handle type and the same request
//!   structs as a local `AgentRef`; a call takes the local path on the owner and goes through
//!   the owner's gateway from anywhere else;
//! - which node owns each agent (rendezvous hashing over the members not declared down), that
//!   it runs there and nowhere else, and that every node reads the same count;
//! - a clean exit: `b` and `c` leave when `a` closes their stdin (or dies), and are killed if
//!   they do not within a few seconds.
//!
//! `a` drives the others through a tiny line protocol on their stdin (`add ID BY`, `get ID`,
//! `owner ID`, `here ID`) and prints the transcript.
//!
//! Run it with:
//!
//! ```text
//! cargo run --release -p mabeam-examples --example cluster_agents
//! RUST_LOG=info cargo run --release -p mabeam-examples --example cluster_agents   # node logs too
//! ```

use std::io::{BufRead, BufReader, IsTerminal, Write};
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mabeam_actors::agent;
use mabeam_cluster::gateway::GATEWAY_GROUP;
use mabeam_cluster::{MemberStatus, Node};
use tracing_subscriber::EnvFilter;

/// The longest any wait lasts before the example gives up.
const PATIENCE: Duration = Duration::from_secs(30);
/// The agents every node calls.
const AGENTS: [&str; 4] = ["c-42", "c-7", "c-1000", "c-2024"];

// ---------------------------------------------------------------------------------------------
// The agent, the same on every node
// ---------------------------------------------------------------------------------------------

#[derive(Default)]
struct Counter {
    n: u64,
}

// `remote`: calls can reach it from other nodes (its requests have a wire form).
#[agent(remote, name = "example.counter")]
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

// ---------------------------------------------------------------------------------------------
// A node
// ---------------------------------------------------------------------------------------------

fn free_udp() -> SocketAddr {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free UDP port")
}

fn free_tcp() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free TCP port")
}

/// Starts a node on 127.0.0.1 that hosts `Counter`s (joining through `seed`, if any).
async fn start_node(
    name: &str,
    seed: Option<SocketAddr>,
) -> Result<Node, Box<dyn std::error::Error>> {
    let mut builder = Node::builder()
        .name(name)
        .gossip_addr(free_udp())
        // The ractor_cluster transport calls travel on.
        .listen_addr(free_tcp())
        .gossip_interval(Duration::from_millis(100))
        .agent_type(Counter::default);
    if let Some(seed) = seed {
        builder = builder.seed(seed.to_string());
    }
    Ok(builder.start().await?)
}

/// Waits until `node` sees all three nodes up, has a transport session with the other two,
/// and knows their gateways.
async fn until_cluster_ready(node: &Node) -> Result<(), String> {
    let deadline = Instant::now() + PATIENCE;
    loop {
        let up = node
            .membership()
            .members()
            .iter()
            .filter(|m| m.status == MemberStatus::Up)
            .count();
        let sessions = node.connections().connected().len();
        let gateways = ractor::pg::get_members(&GATEWAY_GROUP.to_owned()).len();
        if up == 3 && sessions == 2 && gateways == 3 {
            return Ok(());
        }
        if Instant::now() > deadline {
            return Err(format!(
                "{}: no cluster after {PATIENCE:?} ({up} up, {sessions} sessions, {gateways} gateways)",
                node.name()
            ));
        }
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// Runs one command of the line protocol on `node`; the answer is one line.
async fn command(node: &Node, line: &str) -> String {
    let words: Vec<&str> = line.split_whitespace().collect();
    let answer = match words.as_slice() {
        ["add", id, by] => match by.parse::<u64>() {
            Ok(by) => node
                .agent::<Counter>(*id)
                .request(CounterAdd { by })
                .await
                .map(|n| n.to_string()),
            Err(err) => return format!("error: bad amount {by:?}: {err}"),
        },
        ["get", id] => node
            .agent::<Counter>(*id)
            .request(CounterGet {})
            .await
            .map(|n| n.to_string()),
        ["owner", id] => Ok(node.agent::<Counter>(*id).owner().unwrap_or_default()),
        ["here", id] => Ok(node.system().registry().is_running(id).to_string()),
        _ => return format!("error: unknown command {line:?}"),
    };
    answer.unwrap_or_else(|err| format!("error: {err}"))
}

/// Nodes `b` and `c`: join, say `ready`, answer commands from stdin until it closes, leave.
async fn run_peer(name: &str, seed: SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
    // Stdin first: when it closes (node `a` is done, or gone), this node leaves, whatever it
    // is doing.
    let (tx, mut rx) = tokio::sync::mpsc::unbounded_channel();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    let node = start_node(name, Some(seed)).await?;
    tokio::select! {
        ready = until_cluster_ready(&node) => ready?,
        _ = rx.recv() => {
            node.shutdown().await;
            return Err(format!("{name}: stdin closed (or a command came) before the cluster formed").into());
        }
    }
    println!("ready");
    while let Some(line) = rx.recv().await {
        println!("{}", command(&node, &line).await);
    }
    node.shutdown().await;
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// Node `a`: starts the others and drives the example
// ---------------------------------------------------------------------------------------------

/// A node process started by `a`, driven through its stdin, stopped when dropped.
struct Peer {
    name: &'static str,
    child: Child,
    stdin: Option<ChildStdin>,
    lines: mpsc::Receiver<String>,
}

impl Peer {
    fn spawn(name: &'static str, seed: SocketAddr) -> std::io::Result<Self> {
        let mut child = Command::new(std::env::current_exe()?)
            .args(["--node", name, &seed.to_string()])
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()?;
        let stdin = child.stdin.take();
        let stdout = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(stdout).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        Ok(Self {
            name,
            child,
            stdin,
            lines,
        })
    }

    /// The next line it prints (within `PATIENCE`).
    fn next_line(&self) -> Result<String, String> {
        self.lines
            .recv_timeout(PATIENCE)
            .map_err(|_| format!("{}: no answer within {PATIENCE:?}", self.name))
    }

    /// Sends one command and waits for its answer (the peer answers in a blocking read: this
    /// runs on a blocking thread, see `ask`).
    fn ask_blocking(&mut self, line: &str) -> Result<String, String> {
        let stdin = self.stdin.as_mut().ok_or("stdin closed")?;
        writeln!(stdin, "{line}").map_err(|e| format!("{}: {e}", self.name))?;
        self.next_line()
    }

    /// Closes its stdin (it leaves the cluster and exits), and kills it if it is still
    /// running after a few seconds.
    fn stop(&mut self) {
        drop(self.stdin.take());
        let deadline = Instant::now() + Duration::from_secs(10);
        while Instant::now() < deadline {
            if let Ok(Some(_)) = self.child.try_wait() {
                return;
            }
            std::thread::sleep(Duration::from_millis(50));
        }
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        self.stop();
    }
}

/// Asks `peer` from a blocking thread, so node `a`'s runtime keeps serving calls meanwhile.
async fn ask(peer: &mut Peer, line: String) -> Result<String, String> {
    tokio::task::block_in_place(|| peer.ask_blocking(&line))
}

async fn run_a() -> Result<(), Box<dyn std::error::Error>> {
    let a = start_node("a", None).await?;
    println!(
        "a: started, gossip {}; starting nodes b and c as child processes",
        a.gossip_addr()
    );
    let mut peers = [
        Peer::spawn("b", a.gossip_addr())?,
        Peer::spawn("c", a.gossip_addr())?,
    ];
    until_cluster_ready(&a).await?;
    for peer in &peers {
        let ready = tokio::task::block_in_place(|| peer.next_line())?;
        if ready != "ready" {
            return Err(format!("{}: {ready}", peer.name).into());
        }
    }
    let members: Vec<String> = a
        .membership()
        .members()
        .iter()
        .map(|m| format!("{} {}", m.node, m.status))
        .collect();
    println!(
        "a: cluster formed: {}; sessions with {:?}\n",
        members.join(", "),
        a.connections().connected()
    );

    // The same agent, called from every node. Each node computes its owner alone, from the
    // membership it sees: they agree.
    let c42 = a.agent::<Counter>("c-42");
    let owner = c42.owner().unwrap_or_default();
    let mut owners = vec![owner.clone()];
    for peer in peers.iter_mut() {
        owners.push(ask(peer, "owner c-42".to_owned()).await?);
    }
    println!(
        "c-42: owner computed by a, b, c: {} (rendezvous hash over the members)",
        owners.join(", ")
    );
    let path = |caller: &str| {
        if caller == owner {
            "local path, no encoding".to_owned()
        } else {
            format!("through {owner}'s gateway")
        }
    };
    let n = c42.request(CounterAdd { by: 1 }).await?;
    println!("  a: {:<16} -> {n:<4} ({})", "c-42.add(1)", path("a"));
    for (peer, by) in peers.iter_mut().zip([10, 100]) {
        let n = ask(peer, format!("add c-42 {by}")).await?;
        let call = format!("c-42.add({by})");
        println!(
            "  {}: {call:<16} -> {n:<4} ({})",
            peer.name,
            path(peer.name)
        );
    }

    // More agents: each runs on its owner only, and every node reads the same count.
    println!("\nagent    owner  runs on  a reads  b reads  c reads");
    for id in AGENTS {
        let agent = a.agent::<Counter>(id);
        if id != "c-42" {
            agent.request(CounterAdd { by: 1 }).await?;
            for (peer, by) in peers.iter_mut().zip([10, 100]) {
                ask(peer, format!("add {id} {by}")).await?;
            }
        }
        let mut runs_on = Vec::new();
        if a.system().registry().is_running(id) {
            runs_on.push("a");
        }
        let mut reads = vec![agent.request(CounterGet {}).await?.to_string()];
        for peer in peers.iter_mut() {
            if ask(peer, format!("here {id}")).await? == "true" {
                runs_on.push(peer.name);
            }
            reads.push(ask(peer, format!("get {id}")).await?);
        }
        let owner = agent.owner().unwrap_or_default();
        println!(
            "{id:<8} {owner:<6} {:<8} {:<8} {:<8} {}",
            runs_on.join(","),
            reads[0],
            reads[1],
            reads[2]
        );
        if runs_on != [owner.as_str()] || reads.iter().any(|r| r != "111") {
            return Err(
                format!("{id}: expected one copy on {owner} reading 111 everywhere").into(),
            );
        }
    }

    println!("\na: done; b and c leave when their stdin closes");
    for peer in &mut peers {
        drop(peer.stdin.take());
    }
    tokio::task::block_in_place(|| peers.iter_mut().for_each(Peer::stop));
    a.shutdown().await;
    println!("a: left the cluster");
    Ok(())
}

fn main() -> Result<(), Box<dyn std::error::Error>> {
    // Node logs go to stderr: warnings only, unless RUST_LOG says otherwise (and not
    // ractor_cluster's warning for every session that closes when the nodes leave).
    tracing_subscriber::fmt()
        .with_env_filter(
            EnvFilter::try_from_default_env()
                .unwrap_or_else(|_| "warn,ractor_cluster=error".into()),
        )
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()?;
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--node") {
        let (name, seed) = (&args[at + 1], args[at + 2].parse()?);
        return runtime.block_on(run_peer(name, seed));
    }
    runtime.block_on(async {
        tokio::time::timeout(PATIENCE * 2, run_a())
            .await
            .map_err(|_| "the example did not finish in time")?
    })
}
