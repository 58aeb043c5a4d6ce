//! A cluster of real `mabeam node` processes on 127.0.0.1, for tests: start, watch every
//! node's view through its admin endpoint, kill -9, SIGSTOP/SIGCONT, SIGTERM, and optionally
//! read their logs. Every wait is bounded, and every process is killed (and every kept log
//! removed) when the cluster is dropped (even on a failed test).
#![allow(dead_code, unreachable_pub, missing_docs)]

use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::path::PathBuf;
use std::process::Stdio;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::time::Duration;

use mabeam_cluster::admin::{fetch_membership, MembershipReport};
use mabeam_cluster::MemberStatus;
use tokio::process::{Child, Command};

/// The longest any wait lasts before the test fails (a safety net, not a timing assertion).
pub const PATIENCE: Duration = Duration::from_secs(40);
/// Gossip interval of test nodes.
pub const GOSSIP_MS: u64 = 100;

pub struct NodeProc {
    pub name: String,
    pub gossip: SocketAddr,
    pub admin: SocketAddr,
    pub listen: SocketAddr,
    child: Option<Child>,
}

impl NodeProc {
    fn pid(&self) -> Option<u32> {
        self.child.as_ref().and_then(Child::id)
    }

    pub fn is_running(&self) -> bool {
        self.child.is_some()
    }
}

pub struct Cluster {
    pub nodes: Vec<NodeProc>,
    seed: Option<SocketAddr>,
    /// Where nodes write their logs, after [`Cluster::keep_logs`].
    logs: Option<PathBuf>,
}

/// A free UDP port and two free TCP ports on 127.0.0.1.
fn free_addrs() -> (SocketAddr, SocketAddr, SocketAddr) {
    let udp = UdpSocket::bind("127.0.0.1:0").expect("a free UDP port");
    let admin = TcpListener::bind("127.0.0.1:0").expect("a free TCP port");
    let listen = TcpListener::bind("127.0.0.1:0").expect("a free TCP port");
    (
        udp.local_addr().unwrap(),
        admin.local_addr().unwrap(),
        listen.local_addr().unwrap(),
    )
}

impl Cluster {
    pub fn new() -> Self {
        Self {
            nodes: Vec::new(),
            seed: None,
            logs: None,
        }
    }

    /// Keeps the log (stderr, at `RUST_LOG=warn`) of every node started from now on, for
    /// [`Cluster::log`]. The files are removed with the cluster.
    pub fn keep_logs(&mut self) {
        static NEXT: AtomicUsize = AtomicUsize::new(0);
        let dir = std::env::temp_dir().join(format!(
            "mabeam-test-logs-{}-{}",
            std::process::id(),
            NEXT.fetch_add(1, Ordering::Relaxed)
        ));
        std::fs::create_dir_all(&dir).expect("create a log directory");
        self.logs = Some(dir);
    }

    /// What node `i` has logged so far (nothing unless it started after
    /// [`Cluster::keep_logs`]).
    pub fn log(&self, i: usize) -> String {
        self.logs
            .as_ref()
            .and_then(|dir| {
                std::fs::read_to_string(dir.join(format!("{}.log", self.nodes[i].name))).ok()
            })
            .unwrap_or_default()
    }

    /// Waits until node `i`'s log satisfies `check`; panics with the log after [`PATIENCE`].
    pub async fn wait_until_logged(&self, i: usize, what: &str, check: impl Fn(&str) -> bool) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let log = self.log(i);
            if check(&log) {
                return;
            }
            if tokio::time::Instant::now() > deadline {
                panic!(
                    "not logged within {PATIENCE:?}: {what}\nlog of {}:\n{log}",
                    self.nodes[i].name
                );
            }
            tokio::time::sleep(Duration::from_millis(GOSSIP_MS)).await;
        }
    }

    /// Starts `n` nodes; the first is everyone's seed.
    pub async fn start(n: usize) -> Self {
        let mut cluster = Self::new();
        for i in 0..n {
            cluster.add(&format!("n{i}"));
        }
        cluster
    }

    /// Starts `n` nodes and waits until every one sees all of them up; also their names.
    pub async fn start_converged(n: usize) -> (Self, Vec<String>) {
        let cluster = Self::start(n).await;
        let names: Vec<String> = cluster.nodes.iter().map(|n| n.name.clone()).collect();
        cluster
            .wait_until(&format!("{n} up"), |v| all_up(v, &names))
            .await;
        (cluster, names)
    }

    /// Starts one more node, joining through the first node.
    pub fn add(&mut self, name: &str) -> usize {
        self.add_with(name, None, &[])
    }

    /// Starts one more node with its own seed (`host:port`, e.g. a DNS name) and extra flags.
    pub fn add_with(&mut self, name: &str, seed: Option<String>, extra: &[&str]) -> usize {
        let (gossip, admin, listen) = free_addrs();
        let seed = seed.unwrap_or_else(|| self.seed.get_or_insert(gossip).to_string());
        let child = self.spawn(name, gossip, admin, listen, Some(&seed), extra);
        self.nodes.push(NodeProc {
            name: name.to_owned(),
            gossip,
            admin,
            listen,
            child: Some(child),
        });
        self.nodes.len() - 1
    }

    /// Starts one more node without a seed: it finds the others (or is found) through the
    /// discovery flags in `extra`. Its warnings go to a log, read with [`Cluster::log`].
    pub fn add_unseeded(&mut self, name: &str, extra: &[&str]) -> usize {
        if self.logs.is_none() {
            self.keep_logs();
        }
        let (gossip, admin, listen) = free_addrs();
        let child = self.spawn(name, gossip, admin, listen, None, extra);
        self.nodes.push(NodeProc {
            name: name.to_owned(),
            gossip,
            admin,
            listen,
            child: Some(child),
        });
        self.nodes.len() - 1
    }

    /// Waits until node `i` has logged a line satisfying `check`; panics with the log after
    /// [`PATIENCE`].
    pub async fn wait_for_log(&self, i: usize, what: &str, check: impl Fn(&str) -> bool) {
        self.wait_until_logged(i, what, |log| log.lines().any(&check))
            .await;
    }

    /// Starts node `i` again (a new process: a new generation) on the same addresses.
    pub fn restart(&mut self, i: usize) {
        assert!(!self.nodes[i].is_running(), "stop the node first");
        let (name, gossip, admin, listen) = {
            let n = &self.nodes[i];
            (n.name.clone(), n.gossip, n.admin, n.listen)
        };
        let seed = self.seed.expect("a cluster has a seed").to_string();
        self.nodes[i].child = Some(self.spawn(&name, gossip, admin, listen, Some(&seed), &[]));
    }

    fn spawn(
        &mut self,
        name: &str,
        gossip: SocketAddr,
        admin: SocketAddr,
        listen: SocketAddr,
        seed: Option<&str>,
        extra: &[&str],
    ) -> Child {
        let stderr = match &self.logs {
            Some(dir) => std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(dir.join(format!("{name}.log")))
                .map(Stdio::from)
                .expect("open the node's log"),
            None => Stdio::null(),
        };
        Command::new(env!("CARGO_BIN_EXE_mabeam"))
            .args(["node", "--name", name])
            .args(["--gossip", &gossip.to_string()])
            .args(seed.map(|seed| ["--seed", seed]).into_iter().flatten())
            .args(extra)
            .args(["--admin", &admin.to_string()])
            .args(["--listen", &listen.to_string()])
            .args(["--gossip-interval-ms", &GOSSIP_MS.to_string()])
            // A little more tolerance than production's 8: these tests share 2 cores with
            // many node processes, and assert outcomes, not detection speed.
            .args(["--phi", "12"])
            .arg("--fault-injection")
            .env("RUST_LOG", "warn")
            .env("NO_COLOR", "1")
            .stdout(Stdio::null())
            .stderr(stderr)
            .kill_on_drop(true)
            .spawn()
            .expect("spawn a mabeam node")
    }

    fn signal(&self, i: usize, signal: &str) {
        let pid = self.nodes[i].pid().expect("the node is running");
        let status = std::process::Command::new("kill")
            .args([signal, &pid.to_string()])
            .status()
            .expect("run kill");
        assert!(status.success(), "kill {signal} {pid}");
    }

    /// kill -9.
    pub async fn kill(&mut self, i: usize) {
        let mut child = self.nodes[i].child.take().expect("the node is running");
        child.kill().await.expect("kill -9");
    }

    /// SIGSTOP: the process freezes with its sockets open.
    pub fn freeze(&self, i: usize) {
        self.signal(i, "-STOP");
    }

    /// SIGCONT.
    pub fn thaw(&self, i: usize) {
        self.signal(i, "-CONT");
    }

    /// SIGTERM: the node leaves gracefully; waits for the process to exit.
    pub async fn terminate(&mut self, i: usize) {
        self.signal(i, "-TERM");
        let mut child = self.nodes[i].child.take().expect("the node is running");
        let status = tokio::time::timeout(PATIENCE, child.wait())
            .await
            .expect("the node exits after SIGTERM")
            .expect("wait for the node");
        assert!(
            status.success(),
            "a gracefully stopped node exits 0, got {status}"
        );
    }

    /// Cuts the cluster into `sides`: every node stops gossiping with every node of another
    /// side (both directions).
    pub async fn partition(&self, sides: &[&[usize]]) {
        for (s, side) in sides.iter().enumerate() {
            let others: Vec<SocketAddr> = sides
                .iter()
                .enumerate()
                .filter(|(o, _)| *o != s)
                .flat_map(|(_, other)| other.iter().map(|&j| self.nodes[j].gossip))
                .collect();
            for &i in side.iter() {
                mabeam_cluster::testkit::cut_links(self.nodes[i].admin, &others)
                    .await
                    .expect("cut links");
            }
        }
    }

    /// Restores every link on every running node.
    pub async fn heal(&self) {
        for node in self.nodes.iter().filter(|n| n.is_running()) {
            mabeam_cluster::testkit::heal_links(node.admin)
                .await
                .expect("heal links");
        }
    }

    /// The views of the nodes `which` (`None` for one not answering).
    pub async fn views(&self, which: &[usize]) -> Vec<(String, Option<MembershipReport>)> {
        let mut views = Vec::new();
        for node in which.iter().map(|&i| &self.nodes[i]) {
            views.push((node.name.clone(), fetch_membership(node.admin).await.ok()));
        }
        views
    }

    /// Waits until every running node's view satisfies `check`; panics with the last views
    /// after [`PATIENCE`].
    pub async fn wait_until(&self, what: &str, check: impl Fn(&MembershipReport) -> bool) {
        let running: Vec<usize> = (0..self.nodes.len())
            .filter(|&i| self.nodes[i].is_running())
            .collect();
        self.wait_until_on(&running, what, check).await;
    }

    /// Waits until the views of the nodes `which` satisfy `check`.
    pub async fn wait_until_on(
        &self,
        which: &[usize],
        what: &str,
        check: impl Fn(&MembershipReport) -> bool,
    ) {
        let deadline = tokio::time::Instant::now() + PATIENCE;
        loop {
            let views = self.views(which).await;
            if views.iter().all(|(_, v)| v.as_ref().is_some_and(&check)) {
                return;
            }
            if tokio::time::Instant::now() > deadline {
                panic!("not reached within {PATIENCE:?}: {what}\nviews: {views:#?}");
            }
            tokio::time::sleep(Duration::from_millis(GOSSIP_MS)).await;
        }
    }
}

impl Drop for Cluster {
    fn drop(&mut self) {
        if let Some(dir) = &self.logs {
            if std::thread::panicking() {
                eprintln!("node logs kept in {}", dir.display());
            } else {
                let _ = std::fs::remove_dir_all(dir);
            }
        }
    }
}

/// Whether `view`'s node has transport sessions with exactly `peers` (other than itself).
pub fn connected_to(view: &MembershipReport, peers: &[&str]) -> bool {
    let mut connected = view.connected.clone();
    connected.sort();
    let mut expected: Vec<String> = peers
        .iter()
        .filter(|p| **p != view.node)
        .map(|p| p.to_string())
        .collect();
    expected.sort();
    connected == expected
}

/// The generation of `node` in `view`.
pub fn generation_of(view: &MembershipReport, node: &str) -> Option<u64> {
    view.members
        .iter()
        .find(|m| m.node == node)
        .map(|m| m.generation)
}

/// The status of `node` in `view`.
pub fn status_of(view: &MembershipReport, node: &str) -> Option<MemberStatus> {
    view.members
        .iter()
        .find(|m| m.node == node)
        .map(|m| m.status)
}

/// Whether `view` has exactly `names` as `up` members (and no other `up` member).
pub fn all_up(view: &MembershipReport, names: &[String]) -> bool {
    let up: Vec<&str> = view
        .members
        .iter()
        .filter(|m| m.status == MemberStatus::Up)
        .map(|m| m.node.as_str())
        .collect();
    up.len() == names.len() && names.iter().all(|n| up.contains(&n.as_str()))
}
