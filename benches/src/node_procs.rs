//! Node processes for the cluster benches: the bench binary re-runs itself with `--node ...`
//! to become one `mabeam_cluster::Node` (gossip every [`GOSSIP_MS`], phi threshold 8, the
//! default `down_after`, a ractor_cluster transport), on 127.0.0.1.

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
