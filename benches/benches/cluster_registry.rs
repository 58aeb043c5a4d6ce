//! The cluster registry on real node processes on 127.0.0.1, and its local lookup.
//!
//! Each round starts 3 node processes (this binary re-run with `--node ...`, each a
//! `mabeam_cluster::Node` with gossip every 100 ms and a ractor_cluster transport, hosting a
//! counter agent type) and measures:
//! - **name visibility**: from asking node `n0` to register a cluster-wide name until
//!   `whereis` answers it on every other node (each node polls every 1 ms and reports when it
//!   first saw it; the processes share the machine's clock). Spec: within 2 gossip intervals
//!   (p99);
//! - **singleton failover**: a singleton runs on a node that is then killed (kill -9); from
//!   the kill until a survivor is declared the node down, and until a call from a survivor
//!   succeeds again (polled every 1 ms). Spec: callable again ≤ 2 s after detection.
//!
//! Then, in this process: `Node::whereis` on one node holding 1 000 names against a plain
//! `DashMap<String, Arc<Claim>>` get of the same names (the `Arc` cloned out, as `whereis`
//! returns one, and borrowed). Spec: local lookup ≤ 1.5× a `DashMap` get.
//!
//! `cargo bench -p mabeam-benches --bench cluster_registry` (about 30 s).

use std::hint::black_box;
use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::{mpsc, Arc};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

use mabeam_actors::agent;
use mabeam_benches::node_procs::{free_tcp, free_udp};
use mabeam_cluster::registry::Claim;
use mabeam_cluster::{MemberStatus, Node};

const GOSSIP_MS: u64 = 100;
const ROUNDS: usize = 5;
const NAMES_PER_ROUND: usize = 20;
const PATIENCE: Duration = Duration::from_secs(60);

#[derive(Default)]
struct Counter {
    n: u64,
}

#[agent(remote, name = "bench.counter")]
impl Counter {
    #[action]
    fn add(&mut self, by: u64) -> u64 {
        self.n += by;
        self.n
    }
}

fn micros() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_micros() as u64)
}

async fn start_node(name: &str, seed: Option<String>) -> Node {
    let mut builder = Node::builder()
        .name(name)
        .gossip_addr(free_udp())
        .listen_addr(free_tcp())
        .gossip_interval(Duration::from_millis(GOSSIP_MS))
        .agent_type(Counter::default);
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    builder.start().await.expect("the node starts")
}

/// A node process: one command per stdin line, one answer per stdout line.
fn run_node(args: &[String]) {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let node = start_node(&args[0], args.get(1).cloned()).await;
        println!("ready {}", node.gossip_addr());
        let (tx, mut commands) = tokio::sync::mpsc::unbounded_channel::<String>();
        std::thread::spawn(move || {
            for line in std::io::stdin().lock().lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        while let Some(command) = commands.recv().await {
            let words: Vec<&str> = command.split_whitespace().collect();
            let answer = match &words[..] {
                ["up", n] => {
                    let up = node
                        .membership()
                        .members()
                        .iter()
                        .filter(|m| m.status == MemberStatus::Up)
                        .count();
                    let meshed =
                        up.to_string() == *n && node.connections().connected().len() + 1 == up;
                    meshed.to_string()
                }
                ["spawn", id] => node
                    .system()
                    .spawn(*id, Counter::default)
                    .await
                    .is_ok()
                    .to_string(),
                ["register", name, agent] => {
                    node.register_name(*name, *agent).await.is_ok().to_string()
                }
                ["await", name] => loop {
                    if node.whereis(name).is_some() {
                        break micros().to_string();
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                },
                ["start_singleton", name] => node
                    .start_singleton::<Counter>(*name)
                    .await
                    .is_ok()
                    .to_string(),
                ["host", name] => node
                    .whereis(name)
                    .map_or("none".to_owned(), |c| c.node.clone()),
                ["await_down", peer] => loop {
                    if node.membership().status(peer) == Some(MemberStatus::Down) {
                        break micros().to_string();
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                },
                ["await_call", name] => loop {
                    let singleton = node.agent::<Counter>(*name);
                    if singleton.request(CounterAdd { by: 1 }).await.is_ok() {
                        break micros().to_string();
                    }
                    tokio::time::sleep(Duration::from_millis(1)).await;
                },
                _ => "unknown".to_owned(),
            };
            println!("{answer}");
        }
        std::process::exit(0);
    });
}

/// A node process, killed when dropped.
struct Proc {
    name: String,
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
    gossip: String,
}

impl Proc {
    fn spawn(name: &str, seed: Option<&str>) -> Self {
        let mut command = Command::new(std::env::current_exe().expect("own path"));
        command.args(["--node", name]).args(seed);
        let mut child = command
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::null())
            .spawn()
            .expect("spawn a node");
        let (tx, lines) = mpsc::channel();
        let out = child.stdout.take().expect("stdout");
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    break;
                }
            }
        });
        let stdin = child.stdin.take().expect("stdin");
        let mut proc = Self {
            name: name.to_owned(),
            child,
            stdin,
            lines,
            gossip: String::new(),
        };
        let ready = proc.reply();
        proc.gossip = ready.trim_start_matches("ready ").to_owned();
        proc
    }

    fn send(&mut self, command: &str) {
        writeln!(self.stdin, "{command}").expect("a command");
    }

    fn reply(&mut self) -> String {
        self.lines
            .recv_timeout(PATIENCE)
            .unwrap_or_else(|_| panic!("{}: no answer", self.name))
    }

    fn ask(&mut self, command: &str) -> String {
        self.send(command);
        self.reply()
    }
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn wait(what: &str, mut done: impl FnMut() -> bool) {
    let start = Instant::now();
    while !done() {
        assert!(
            start.elapsed() < PATIENCE,
            "not within {PATIENCE:?}: {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}

fn percentile(values: &mut [u64], p: f64) -> u64 {
    values.sort_unstable();
    let i = ((values.len() as f64 - 1.0) * p).round() as usize;
    values[i]
}

/// One 3-node round: name visibility samples (µs, the slowest node per name) and the
/// singleton failover (µs from the kill to down, and to a successful call).
fn round(round: usize, visible: &mut Vec<u64>, down: &mut Vec<u64>, callable: &mut Vec<u64>) {
    let first = Proc::spawn("n0", None);
    let seed = first.gossip.clone();
    let mut nodes = vec![
        first,
        Proc::spawn("n1", Some(&seed)),
        Proc::spawn("n2", Some(&seed)),
    ];
    wait("3 nodes meshed", || {
        nodes.iter_mut().all(|n| n.ask("up 3") == "true")
    });
    for i in 0..NAMES_PER_ROUND {
        let name = format!("name-{round}-{i}");
        let agent = format!("agent-{round}-{i}");
        assert_eq!(nodes[0].ask(&format!("spawn {agent}")), "true");
        for node in &mut nodes[1..] {
            node.send(&format!("await {name}"));
        }
        let asked = micros();
        assert_eq!(nodes[0].ask(&format!("register {name} {agent}")), "true");
        let slowest = nodes[1..]
            .iter_mut()
            .map(|n| n.reply().parse::<u64>().expect("micros") - asked)
            .max()
            .unwrap();
        visible.push(slowest);
    }

    let name = format!("leader-{round}");
    assert_eq!(nodes[0].ask(&format!("start_singleton {name}")), "true");
    let mut host = String::new();
    wait("the singleton runs", || {
        host = nodes[0].ask(&format!("host {name}"));
        host != "none"
            && nodes[1..]
                .iter_mut()
                .all(|n| n.ask(&format!("host {name}")) == host)
    });
    let at = nodes.iter().position(|n| n.name == host).expect("a host");
    let mut killed = nodes.remove(at);
    for node in &mut nodes {
        node.send(&format!("await_down {host}"));
    }
    let kill_at = micros();
    killed.child.kill().expect("kill -9");
    drop(killed);
    let downs: Vec<u64> = nodes
        .iter_mut()
        .map(|n| n.reply().parse::<u64>().expect("micros") - kill_at)
        .collect();
    let survivor = &mut nodes[0];
    let called = survivor.ask(&format!("await_call {name}"));
    let c = called.parse::<u64>().expect("micros") - kill_at;
    let d = *downs.iter().max().unwrap();
    println!(
        "round {round}: name visible on every node in p50 {} ms; singleton on {host} killed: \
         down everywhere after {} ms, callable again after {} ms",
        percentile(
            &mut visible[visible.len() - NAMES_PER_ROUND..].to_vec(),
            0.5
        ) / 1000,
        d / 1000,
        c / 1000
    );
    down.push(d);
    callable.push(c);
}

/// ns per lookup of `lookup` over `names`, the median of 7 batches.
fn ns_per_lookup(names: &[String], mut lookup: impl FnMut(&str) -> bool) -> f64 {
    let mut batches = Vec::new();
    for _ in 0..7 {
        let start = Instant::now();
        let mut found = 0usize;
        for _ in 0..200 {
            for name in names {
                found += usize::from(lookup(black_box(name)));
            }
        }
        black_box(found);
        batches.push(start.elapsed().as_nanos() as f64 / (200 * names.len()) as f64);
    }
    batches.sort_by(f64::total_cmp);
    batches[3]
}

fn lookups() {
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .expect("runtime");
    let names: Vec<String> = (0..1_000).map(|i| format!("service-{i}")).collect();
    let node = rt.block_on(async {
        let node = start_node("solo", None).await;
        for (i, name) in names.iter().enumerate() {
            let agent = format!("agent-{i}");
            node.system()
                .spawn(agent.as_str(), Counter::default)
                .await
                .expect("spawn");
            node.register_name(name.as_str(), agent)
                .await
                .expect("register");
        }
        node
    });
    let map: dashmap::DashMap<String, Arc<Claim>> = names
        .iter()
        .map(|n| (n.clone(), node.whereis(n).expect("registered")))
        .collect();
    // Callers run inside a tokio worker, as everywhere in these benches.
    let (whereis, cloned, borrowed) = rt.block_on(async {
        tokio::spawn(async move {
            let whereis = ns_per_lookup(&names, |n| node.whereis(n).is_some());
            let cloned = ns_per_lookup(&names, |n| map.get(n).map(|c| c.clone()).is_some());
            let borrowed = ns_per_lookup(&names, |n| map.get(n).is_some());
            (whereis, cloned, borrowed)
        })
        .await
        .expect("the lookups")
    });
    println!("\n==== registry: local lookup, 1 000 names ====");
    println!(
        "FIGURE whereis_lookup: {whereis:.0} ns; DashMap get + Arc clone {cloned:.0} ns ({:.2}x); \
         DashMap get {borrowed:.0} ns ({:.2}x) (target <= 1.5x) {}",
        whereis / cloned,
        whereis / borrowed,
        if whereis <= 1.5 * borrowed {
            "MET"
        } else {
            "MISSED"
        }
    );
}

fn main() {
    let args: Vec<String> = std::env::args().collect();
    if let Some(at) = args.iter().position(|a| a == "--node") {
        return run_node(&args[at + 1..]);
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    let (mut visible, mut down, mut callable) = (Vec::new(), Vec::new(), Vec::new());
    for r in 1..=ROUNDS {
        round(r, &mut visible, &mut down, &mut callable);
    }
    let interval = GOSSIP_MS as f64 * 1000.0;
    let p50 = percentile(&mut visible, 0.5);
    let p99 = percentile(&mut visible, 0.99);
    println!("\n==== registry: 3 node processes, gossip {GOSSIP_MS} ms, {ROUNDS} rounds ====");
    println!(
        "FIGURE name_visible_everywhere: p50 {:.1} ms ({:.2} intervals), p99 {:.1} ms ({:.2} \
         intervals) over {} names (target p99 <= 2 intervals) {}",
        p50 as f64 / 1000.0,
        p50 as f64 / interval,
        p99 as f64 / 1000.0,
        p99 as f64 / interval,
        visible.len(),
        if p99 as f64 <= 2.0 * interval {
            "MET"
        } else {
            "MISSED"
        }
    );
    let d = percentile(&mut down, 0.5);
    let c = percentile(&mut callable, 0.5);
    println!(
        "FIGURE singleton_failover: kill -9 -> down {} ms, -> callable {} ms; {} ms after \
         detection (medians; target <= 2 s after detection) {}",
        d / 1000,
        c / 1000,
        c.saturating_sub(d) / 1000,
        if c.saturating_sub(d) <= 2_000_000 {
            "MET"
        } else {
            "MISSED"
        }
    );
    lookups();
}
