//! Real node processes driven by a script, for the registry tests: the test binary (its own
//! `main`, `harness = false`) is the coordinator, and re-runs itself with `--node NAME [SEED]`
//! for each node. A node reads one command per line on stdin and answers one line on stdout
//! (`ok ...` or `err ...`); it exits when its stdin closes, so no node outlives the test, and
//! the coordinator kills every node it started when it is dropped (even on a failed
//! assertion). Every wait is bounded by [`PATIENCE`] (a safety net, not a timing assertion).
//! Nodes gossip every 100 ms on 127.0.0.1, with fault injection on, and log their registry
//! decisions to stderr, which the coordinator keeps (see [`NodeProc::log`]).
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Arc, Mutex, PoisonError};
use std::time::{Duration, Instant};

use mabeam_actors::agent;
use mabeam_cluster::Node;

#[path = "ports.rs"]
mod ports;

pub use ports::PATIENCE;
use ports::{free_tcp, free_udp};

/// The agent every test node hosts.
#[derive(Default)]
pub struct Counter {
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

// ---- The node side.

/// Whether this process was started as a node (then call [`run_node`] and return).
pub fn is_node() -> bool {
    std::env::args().any(|a| a == "--node")
}

/// The start of a test's `main`. As a node, runs it and returns `None`; asked to list tests,
/// returns `None`; otherwise starts the nodes `names`, the first one the seed of the others,
/// and returns them.
pub fn start_nodes(names: &[&str]) -> Option<Vec<NodeProc>> {
    if is_node() {
        run_node();
        return None;
    }
    if std::env::args().any(|a| a == "--list") {
        return None;
    }
    let (first, rest) = names.split_first()?;
    let first = NodeProc::spawn(first, None);
    let seed = first.gossip;
    let mut nodes = vec![first];
    nodes.extend(rest.iter().map(|name| NodeProc::spawn(name, Some(seed))));
    Some(nodes)
}

/// Runs this process as a node until its stdin closes.
pub fn run_node() {
    let args: Vec<String> = std::env::args().collect();
    let at = args.iter().position(|a| a == "--node").unwrap();
    let name = args[at + 1].clone();
    let seed = args.get(at + 2).cloned();
    tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::new(
            "warn,mabeam_cluster::registry=info",
        ))
        .with_writer(std::io::stderr)
        .with_ansi(false)
        .init();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    runtime.block_on(serve(name, seed));
}

async fn serve(name: String, seed: Option<String>) {
    let admin = free_tcp();
    let mut builder = Node::builder()
        .name(&name)
        .gossip_addr(free_udp())
        .listen_addr(free_tcp())
        .admin_addr(admin)
        .fault_injection(true)
        .gossip_interval(Duration::from_millis(100))
        .agent_type(Counter::default);
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    let node = builder.start().await.expect("the node starts");
    // Commands arrive from a thread reading stdin; the channel closes with stdin.
    let (tx, mut commands) = tokio::sync::mpsc::unbounded_channel::<String>();
    std::thread::spawn(move || {
        for line in std::io::stdin().lock().lines() {
            let Ok(line) = line else { break };
            if tx.send(line).is_err() {
                break;
            }
        }
    });
    println!("ready {} {}", node.gossip_addr(), admin);
    while let Some(command) = commands.recv().await {
        if command.trim() == "leave" {
            node.shutdown().await;
            println!("ok");
            std::process::exit(0);
        }
        let words: Vec<&str> = command.split_whitespace().collect();
        let answer = match execute(&node, admin, &words).await {
            Ok(answer) => format!("ok {answer}"),
            Err(err) => format!("err {err}"),
        };
        println!("{}", answer.trim_end());
    }
    // The coordinator is gone: exit without ceremony.
    std::process::exit(0);
}

async fn execute(node: &Node, admin: SocketAddr, words: &[&str]) -> Result<String, String> {
    let num = |s: &str| s.parse::<u64>().map_err(|e| e.to_string());
    let shown = |r: Result<u64, mabeam_cluster::gateway::RemoteError>| {
        r.map(|n| n.to_string()).map_err(|e| e.to_string())
    };
    match words {
        ["ready", n] => {
            let n = num(n)? as usize;
            // Less than the coordinator waits for an answer, so it reads why.
            let patience = PATIENCE * 3 / 4;
            match tokio::time::timeout(patience, node.ready(n)).await {
                Ok(()) => Ok(String::new()),
                Err(_) => Err(format!(
                    "not ready with {n} nodes within {patience:?}: members {:?}, sessions {:?}",
                    node.membership().members(),
                    node.connections().connected()
                )),
            }
        }
        ["start_singleton", name] => node
            .start_singleton::<Counter>(*name)
            .await
            .map(|_| String::new())
            .map_err(|e| e.to_string()),
        ["start_per_node", name] => node
            .start_per_node::<Counter>(*name)
            .await
            .map(|_| String::new())
            .map_err(|e| e.to_string()),
        ["runs", id] => Ok(if node.system().registry().contains(id) {
            "yes"
        } else {
            "no"
        }
        .to_owned()),
        ["route", id] => Ok(node
            .agent::<Counter>(*id)
            .owner()
            .unwrap_or_else(|| "none".to_owned())),
        ["whereis", name] => Ok(node
            .whereis(name)
            .map_or("none".to_owned(), |c| format!("{}/{}", c.node, c.agent))),
        ["add", id, by] => shown(
            node.agent::<Counter>(*id)
                .request(CounterAdd { by: num(by)? })
                .await,
        ),
        ["get", id] => shown(node.agent::<Counter>(*id).request(CounterGet {}).await),
        ["add_on", on, id, by] => shown(
            node.agent_on::<Counter>(*on, *id)
                .request(CounterAdd { by: num(by)? })
                .await,
        ),
        ["get_on", on, id] => shown(
            node.agent_on::<Counter>(*on, *id)
                .request(CounterGet {})
                .await,
        ),
        ["spawn", id] => node
            .system()
            .spawn(*id, Counter::default)
            .await
            .map(|_| String::new())
            .map_err(|e| e.to_string()),
        ["register", name, agent] => node
            .register_name(*name, *agent)
            .await
            .map(|_| String::new())
            .map_err(|e| e.to_string()),
        ["cut", peers @ ..] => {
            let peers: Vec<SocketAddr> = peers
                .iter()
                .map(|p| {
                    p.parse()
                        .map_err(|e: std::net::AddrParseError| e.to_string())
                })
                .collect::<Result<_, _>>()?;
            mabeam_cluster::testkit::cut_links(admin, &peers)
                .await
                .map(|_| String::new())
                .map_err(|e| e.to_string())
        }
        ["heal"] => mabeam_cluster::testkit::heal_links(admin)
            .await
            .map(|_| String::new())
            .map_err(|e| e.to_string()),
        _ => Err(format!("unknown command {words:?}")),
    }
}

// ---- The coordinator side.

/// One node process.
pub struct NodeProc {
    pub name: String,
    pub gossip: SocketAddr,
    child: Child,
    stdin: Option<ChildStdin>,
    replies: mpsc::Receiver<String>,
    log: Arc<Mutex<String>>,
    alive: bool,
}

impl NodeProc {
    /// Starts node `name`, joining through `seed` (none: it starts a cluster), and waits until
    /// it is ready.
    pub fn spawn(name: &str, seed: Option<SocketAddr>) -> Self {
        let mut command = Command::new(std::env::current_exe().unwrap());
        command.args(["--node", name]);
        if let Some(seed) = seed {
            command.arg(seed.to_string());
        }
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped())
            .spawn()
            .expect("spawn a node process");
        let (tx, replies) = mpsc::channel();
        let out = child.stdout.take().unwrap();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines() {
                let Ok(line) = line else { break };
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let log = Arc::new(Mutex::new(String::new()));
        let err = child.stderr.take().unwrap();
        let sink = log.clone();
        std::thread::spawn(move || {
            for line in BufReader::new(err).lines() {
                let Ok(line) = line else { break };
                let mut log = sink.lock().unwrap_or_else(PoisonError::into_inner);
                log.push_str(&line);
                log.push('\n');
            }
        });
        let stdin = child.stdin.take();
        let mut node = Self {
            name: name.to_owned(),
            gossip: "127.0.0.1:0".parse().unwrap(),
            child,
            stdin,
            replies,
            log,
            alive: true,
        };
        let ready = node.reply();
        let gossip = ready
            .strip_prefix("ready ")
            .and_then(|rest| rest.split_whitespace().next())
            .unwrap_or_else(|| panic!("{name}: not a ready line: {ready}"));
        node.gossip = gossip.parse().unwrap();
        node
    }

    /// Sends a command without waiting for its answer (take it with [`NodeProc::reply`]).
    pub fn send(&mut self, command: &str) {
        let stdin = self.stdin.as_mut().expect("a live node");
        writeln!(stdin, "{command}").expect("write a command");
        stdin.flush().expect("flush a command");
    }

    /// The next line the node writes.
    pub fn reply(&mut self) -> String {
        self.replies.recv_timeout(PATIENCE).unwrap_or_else(|_| {
            panic!(
                "{}: no answer within {PATIENCE:?}; its log:\n{}",
                self.name,
                self.log()
            )
        })
    }

    /// Runs a command; its answer after `ok ` (panics on `err`).
    pub fn ask(&mut self, command: &str) -> String {
        self.send(command);
        let reply = self.reply();
        match reply.strip_prefix("ok") {
            Some(rest) => rest.trim().to_owned(),
            None => panic!("{}: {command}: {reply}", self.name),
        }
    }

    /// Runs a command; the whole answer line (`ok ...` or `err ...`).
    pub fn try_ask(&mut self, command: &str) -> String {
        self.send(command);
        self.reply()
    }

    /// What the node has logged so far.
    pub fn log(&self) -> String {
        self.log
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Leaves the cluster gracefully (`Node::shutdown`) and waits for the process to end.
    pub fn leave(&mut self) {
        assert_eq!(self.ask("leave"), "");
        let deadline = Instant::now() + PATIENCE;
        while self.child.try_wait().expect("wait for a node").is_none() {
            assert!(Instant::now() < deadline, "{} did not exit", self.name);
            std::thread::sleep(Duration::from_millis(50));
        }
        self.stdin = None;
        self.alive = false;
    }

    /// kill -9.
    pub fn kill(&mut self) {
        self.stdin = None;
        let _ = self.child.kill();
        let _ = self.child.wait();
        self.alive = false;
    }

    pub fn is_alive(&self) -> bool {
        self.alive
    }
}

impl Drop for NodeProc {
    fn drop(&mut self) {
        if self.alive {
            self.kill();
        }
    }
}

/// Polls `check` until it gives a value; panics with `what` and the last reason it gave
/// after [`PATIENCE`].
pub fn wait_until<T>(what: &str, mut check: impl FnMut() -> Result<T, String>) -> T {
    let deadline = Instant::now() + PATIENCE;
    loop {
        match check() {
            Ok(value) => return value,
            Err(reason) if Instant::now() > deadline => {
                panic!("not within {PATIENCE:?}: {what}\nlast seen: {reason}")
            }
            Err(_) => std::thread::sleep(Duration::from_millis(100)),
        }
    }
}

/// Waits until every live node sees all the live nodes up, with a session and a gateway each
/// ([`Node::ready`] on each node, bounded there by [`PATIENCE`]).
pub fn wait_meshed(nodes: &mut [NodeProc]) {
    let n = nodes.iter().filter(|n| n.is_alive()).count();
    for node in nodes.iter_mut().filter(|node| node.is_alive()) {
        node.ask(&format!("ready {n}"));
    }
}

/// The live nodes running agent `id`.
pub fn running(nodes: &mut [NodeProc], id: &str) -> Vec<String> {
    nodes
        .iter_mut()
        .filter(|node| node.is_alive())
        .filter_map(|node| (node.ask(&format!("runs {id}")) == "yes").then(|| node.name.clone()))
        .collect()
}

/// Waits until singleton `name` runs on exactly one live node, and every live node routes
/// calls to it there and names it as the holder; returns that node.
pub fn wait_one_singleton(nodes: &mut [NodeProc], name: &str) -> String {
    wait_until(
        &format!("{name} runs on one node, where every node finds it"),
        || {
            let hosts = running(nodes, name);
            let routes: Vec<(String, String, String)> = nodes
                .iter_mut()
                .filter(|node| node.is_alive())
                .map(|node| {
                    (
                        node.name.clone(),
                        node.ask(&format!("route {name}")),
                        node.ask(&format!("whereis {name}")),
                    )
                })
                .collect();
            let seen = || format!("runs on {hosts:?}; (node, route, holder): {routes:?}");
            let [host] = &hosts[..] else {
                return Err(seen());
            };
            let found = routes
                .iter()
                .all(|(_, route, holder)| route == host && *holder == format!("{host}/{name}"));
            if found {
                Ok(host.clone())
            } else {
                Err(seen())
            }
        },
    )
}

/// Node `name` among `nodes`.
pub fn by_name<'a>(nodes: &'a mut [NodeProc], name: &str) -> &'a mut NodeProc {
    nodes.iter_mut().find(|n| n.name == name).unwrap()
}
