//! Node processes for the cluster benches: the bench binary re-runs itself with `--node ...`
//! to become one `mabeam_cluster::Node` (gossip every [`GOSSIP_MS`], phi threshold 8, the
//! default `down_after`, a ractor_cluster transport), on 127.0.0.1.

use std::io::Read;
use std::net::{SocketAddr, TcpListener, UdpSocket};
use std::process::{Child, Command, Stdio};
use std::time::Duration;

use mabeam_cluster::Node;

/// Gossip interval of bench nodes.
pub const GOSSIP_MS: u64 = 100;

/// Runs a node from the arguments [`spawn_cluster`] passes after `--node` (name, gossip
/// address, seed, admin address, listen address) until the process is killed. Call it from
/// `main` when the arguments contain `--node`.
pub fn run_node(args: &[String]) {
    let gossip: SocketAddr = args[1].parse().expect("gossip address");
    let admin: SocketAddr = args[3].parse().expect("admin address");
    let listen: SocketAddr = args[4].parse().expect("listen address");
    let rt = tokio::runtime::Builder::new_multi_thread()
        .worker_threads(1)
        .enable_all()
        .build()
        .expect("runtime");
    rt.block_on(async move {
        let _node = Node::builder()
            .name(args[0].clone())
            .gossip_addr(gossip)
            .seed(args[2].clone())
            .admin_addr(admin)
            .listen_addr(listen)
            .gossip_interval(Duration::from_millis(GOSSIP_MS))
            .start()
            .await
            .expect("node starts");
        std::future::pending::<()>().await;
    });
}

/// A node process, killed when dropped.
#[derive(Debug)]
pub struct Proc {
    /// The process.
    pub child: Child,
    /// Its admin endpoint.
    pub admin: SocketAddr,
}

impl Drop for Proc {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A free UDP port on 127.0.0.1.
pub fn free_udp() -> SocketAddr {
    UdpSocket::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free UDP port")
}

/// A free TCP port on 127.0.0.1.
pub fn free_tcp() -> SocketAddr {
    TcpListener::bind("127.0.0.1:0")
        .and_then(|s| s.local_addr())
        .expect("a free TCP port")
}

/// Starts `n` node processes named `n0`.. (this binary with `--node`); the first is
/// everyone's seed.
pub fn spawn_cluster(n: usize) -> Vec<Proc> {
    let exe = std::env::current_exe().expect("own path");
    let seed = free_udp();
    (0..n)
        .map(|i| {
            let gossip = if i == 0 { seed } else { free_udp() };
            let admin = free_tcp();
            let child = Command::new(&exe)
                .arg("--node")
                .arg(format!("n{i}"))
                .arg(gossip.to_string())
                .arg(seed.to_string())
                .arg(admin.to_string())
                .arg(free_tcp().to_string())
                .env("RUST_LOG", "error")
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .expect("spawn node");
            Proc { child, admin }
        })
        .collect()
}

/// A peer process of a two-process bench: this binary re-run with some arguments, killed when
/// dropped. It also ends on its own when the bench ends, however that happens (see
/// [`exit_with_parent`]).
#[derive(Debug)]
pub struct Peer(Child);

impl Peer {
    /// Re-runs this binary with `args` (logging errors only, its stderr shared, its stdout
    /// dropped).
    pub fn spawn(args: &[&str]) -> Self {
        let child = Command::new(std::env::current_exe().expect("own path"))
            .args(args)
            .env("RUST_LOG", "error")
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("spawn a peer process");
        Self(child)
    }

    /// Its process id.
    pub fn id(&self) -> u32 {
        self.0.id()
    }
}

impl Drop for Peer {
    fn drop(&mut self) {
        let _ = self.0.kill();
        let _ = self.0.wait();
    }
}

/// In a [`Peer`]: exits the process once the bench closes our stdin (it ended, or was
/// killed), so a killed bench leaves no orphan.
pub fn exit_with_parent() {
    std::thread::spawn(|| {
        let mut buf = [0u8; 64];
        while matches!(std::io::stdin().read(&mut buf), Ok(n) if n > 0) {}
        std::process::exit(0);
    });
}
