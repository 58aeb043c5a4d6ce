//! For tests with their own `main` (`harness = false`) that are node `a` themselves and re-run
//! their binary with `--node NAME SEED` for the other nodes: free 127.0.0.1 ports, waiting
//! until the nodes are meshed, and peer processes whose stdout lines the test reads. Every
//! wait is bounded by [`PATIENCE`] (a safety net, not a timing assertion); a peer is killed
//! when dropped, even on a failed assertion.
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::io::{BufRead, BufReader, Write};
use std::net::SocketAddr;
use std::process::{Child, ChildStdin, Command, Stdio};
use std::sync::mpsc;
use std::time::{Duration, Instant};

use mabeam_cluster::Node;

#[path = "ports.rs"]
mod ports;

pub use ports::{free_tcp, free_udp, PATIENCE};

/// Waits until `node` sees `n` members up and has a transport session with each of the
/// others whose gateway it knows ([`Node::ready`]), for at most [`PATIENCE`].
pub async fn until_meshed(node: &Node, n: usize) {
    if tokio::time::timeout(PATIENCE, node.ready(n)).await.is_err() {
        panic!(
            "{}: not meshed with {n} nodes within {PATIENCE:?}: members {:?}, sessions (gateway \
             known or not) {:?}",
            node.name(),
            node.membership().members(),
            // The sessions as they are now.
            node.connections().wait_for(|_| true).await
        );
    }
}

/// Waits (bounded) until `check` holds.
pub async fn wait_until(what: &str, check: impl Fn() -> bool) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    while !check() {
        assert!(tokio::time::Instant::now() < deadline, "never: {what}");
        tokio::time::sleep(Duration::from_millis(50)).await;
    }
}

/// A peer node process (this binary with `--node NAME SEED`), its stdin, and the lines it
/// prints.
pub struct Peer {
    child: Child,
    stdin: ChildStdin,
    lines: mpsc::Receiver<String>,
}

impl Peer {
    /// Starts node `name` joining through `seed`. Its log level is `PEER_LOG` (default
    /// `error`); its stderr is the test's.
    pub fn start(name: &str, seed: SocketAddr) -> Self {
        let mut child = Command::new(std::env::current_exe().unwrap())
            .args(["--node", name, &seed.to_string()])
            .env(
                "RUST_LOG",
                std::env::var("PEER_LOG").unwrap_or_else(|_| "error".to_owned()),
            )
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn a peer node");
        let stdin = child.stdin.take().expect("piped stdin");
        let out = child.stdout.take().expect("piped stdout");
        let (tx, lines) = mpsc::channel();
        std::thread::spawn(move || {
            for line in BufReader::new(out).lines().map_while(Result::ok) {
                if tx.send(line).is_err() {
                    return;
                }
            }
        });
        Self {
            child,
            stdin,
            lines,
        }
    }

    /// Writes `line` to its stdin.
    pub fn send(&mut self, line: &str) {
        writeln!(self.stdin, "{line}").expect("a line to a peer");
    }

    /// The next line it prints that starts with `prefix`.
    pub fn expect(&self, prefix: &str) -> String {
        let deadline = Instant::now() + PATIENCE;
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no line starting with {prefix:?}"));
            if line.starts_with(prefix) {
                return line;
            }
        }
    }
}

impl Peer {
    /// The lines it prints before the next one that ends with `suffix` (within two
    /// [`PATIENCE`]s: the peer may have much to do first).
    pub fn lines_until(&self, suffix: &str) -> Vec<String> {
        let deadline = Instant::now() + PATIENCE * 2;
        let mut before = Vec::new();
        loop {
            let left = deadline.saturating_duration_since(Instant::now());
            let line = self
                .lines
                .recv_timeout(left)
                .unwrap_or_else(|_| panic!("no line ending with {suffix:?}"));
            if line.ends_with(suffix) {
                return before;
            }
            before.push(line);
        }
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Logs of a peer process to stderr, at the level `RUST_LOG` names.
pub fn log_to_stderr() {
    let _ = tracing_subscriber::fmt()
        .with_env_filter(tracing_subscriber::EnvFilter::from_default_env())
        .with_writer(std::io::stderr)
        .try_init();
}

/// The test's `main`: with `--node NAME SEED` this process is a peer and runs `peer`;
/// otherwise it is node `a` and runs `scenario` (bounded by three [`PATIENCE`]s).
pub fn main<P, S>(peer: impl FnOnce(String, String) -> P, scenario: impl FnOnce() -> S)
where
    P: std::future::Future<Output = ()>,
    S: std::future::Future<Output = ()>,
{
    let args: Vec<String> = std::env::args().collect();
    let runtime = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap();
    if let Some(at) = args.iter().position(|a| a == "--node") {
        runtime.block_on(peer(args[at + 1].clone(), args[at + 2].clone()));
        return;
    }
    if args.iter().any(|a| a == "--list") {
        return;
    }
    runtime
        .block_on(async { tokio::time::timeout(PATIENCE * 3, scenario()).await })
        .expect("the scenario finished in time");
}
