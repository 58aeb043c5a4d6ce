//! The `mabeam` command: run a node, or show a running cluster's membership.
//!
//! ```text
//! mabeam node --name n1 --gossip 127.0.0.1:7001 --seed 127.0.0.1:7000 --admin 127.0.0.1:8001
//! mabeam status --admin 127.0.0.1:8001
//! mabeam node --name n2 --gossip 10.0.0.7:7000 --dns mabeam.default.svc.cluster.local:7000
//! MABEAM_MULTICAST_SECRET=s3cret mabeam node --name n3 --gossip 127.0.0.1:7003 --multicast
//! ```
//!
//! Every `node` flag but `--multicast` can also come from the environment (`MABEAM_NAME`,
//! `MABEAM_GOSSIP`, `MABEAM_SEEDS` comma-separated, `MABEAM_ADMIN`, `MABEAM_DNS`,
//! `MABEAM_MULTICAST_SECRET`, ..., `MABEAM_TLS_CERT`); prefer the environment for secrets,
//! which the process list shows when given as flags.
//!
//! With mutual TLS on the transport (every node's certificate from one CA, carrying the DNS
//! name `mabeam`):
//!
//! ```text
//! mabeam node --name n1 --listen 10.0.0.1:7100 --tls-cert node.pem --tls-key node.key --tls-ca ca.pem
//! ```

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use mabeam_cluster::admin::{fetch_health, fetch_membership};
use mabeam_cluster::config::NodeConfig;
use mabeam_cluster::discovery::HostPort;
use mabeam_cluster::Node;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(name = "mabeam", version, about = "Run and inspect mabeam nodes")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
// Parsed once at start-up: the size difference between variants does not matter.
#[allow(clippy::large_enum_variant)]
enum Command {
    /// Run a node until SIGINT or SIGTERM, then leave the cluster gracefully.
    Node(NodeArgs),
    /// Start a 3-node cluster on this machine, show it converge, kill a node, show the view
    /// change, then stop the rest gracefully.
    Demo,
    /// Print the membership table of a running node.
    Status {
        /// The node's admin endpoint.
        #[arg(long, env = "MABEAM_ADMIN")]
        admin: SocketAddr,
    },
}

#[derive(Debug, clap::Args)]
struct NodeArgs {
    /// A TOML file with any of the settings below (flags and environment variables win).
    #[arg(long, env = "MABEAM_CONFIG")]
    config: Option<std::path::PathBuf>,
    /// The node's name, unique in the cluster.
    #[arg(long, env = "MABEAM_NAME")]
    name: Option<String>,
    /// Where to gossip (UDP) [default: 127.0.0.1:7000].
    #[arg(long, env = "MABEAM_GOSSIP")]
    gossip: Option<SocketAddr>,
    /// A node to join through (repeat, or comma-separate in MABEAM_SEEDS).
    #[arg(long = "seed", env = "MABEAM_SEEDS", value_delimiter = ',')]
    seeds: Vec<String>,
    /// Serve the admin endpoint (membership JSON, health) here.
    #[arg(long, env = "MABEAM_ADMIN")]
    admin: Option<SocketAddr>,
    /// Nodes only see nodes of the same cluster id [default: mabeam].
    #[arg(long, env = "MABEAM_CLUSTER_ID")]
    cluster_id: Option<String>,
    /// Gossip interval in milliseconds [default: 1000].
    #[arg(long, env = "MABEAM_GOSSIP_INTERVAL_MS")]
    gossip_interval_ms: Option<u64>,
    /// Phi-accrual threshold for declaring a silent peer dead [default: 8].
    #[arg(long, env = "MABEAM_PHI")]
    phi: Option<f64>,
    /// Serve the ractor_cluster transport (TCP sessions with every live member) here.
    #[arg(long, env = "MABEAM_LISTEN")]
    listen: Option<SocketAddr>,
    /// The secret nodes share to open transport sessions [default: mabeam].
    #[arg(long, env = "MABEAM_COOKIE")]
    cookie: Option<String>,
    /// Declare a peer down after it has been unreachable this long, in milliseconds
    /// [default: 10 gossip intervals].
    #[arg(long, env = "MABEAM_DOWN_AFTER_MS")]
    down_after_ms: Option<u64>,
    /// A capability tag to announce (repeat, or comma-separate in MABEAM_TAGS).
    #[arg(long = "tag", env = "MABEAM_TAGS", value_delimiter = ',')]
    tags: Vec<String>,
    /// Mutual TLS on the transport: this node's certificate chain (PEM). Needs --tls-key and
    /// --tls-ca.
    #[arg(long, env = "MABEAM_TLS_CERT", value_name = "FILE")]
    tls_cert: Option<std::path::PathBuf>,
    /// This node's private key (PEM).
    #[arg(long, env = "MABEAM_TLS_KEY", value_name = "FILE")]
    tls_key: Option<std::path::PathBuf>,
    /// The CA certificate(s) (PEM) every peer's certificate must chain to.
    #[arg(long, env = "MABEAM_TLS_CA", value_name = "FILE")]
    tls_ca: Option<std::path::PathBuf>,
    /// The DNS name every peer's certificate must carry (peers are dialled by IP address)
    /// [default: mabeam].
    #[arg(long, env = "MABEAM_TLS_SERVER_NAME", value_name = "NAME")]
    tls_server_name: Option<String>,
    /// Discover nodes at every address of a DNS name, with this gossip port (repeat, or
    /// comma-separate in MABEAM_DNS).
    #[arg(
        long,
        env = "MABEAM_DNS",
        value_delimiter = ',',
        value_name = "NAME:PORT"
    )]
    dns: Vec<HostPort>,
    /// Discover nodes at every target of an SRV name (repeat, or comma-separate in MABEAM_SRV).
    #[arg(long, env = "MABEAM_SRV", value_delimiter = ',', value_name = "NAME")]
    srv: Vec<String>,
    /// Discover nodes by beacons on a UDP multicast group [default group: 239.255.42.99:45892];
    /// needs --multicast-secret.
    #[arg(long, value_name = "GROUP:PORT", num_args = 0..=1)]
    #[allow(clippy::option_option)]
    multicast: Option<Option<SocketAddrV4>>,
    /// The secret multicast beacons are authenticated with (shared by the cluster's nodes).
    #[arg(long, env = "MABEAM_MULTICAST_SECRET", hide_env_values = true)]
    multicast_secret: Option<String>,
    /// The interface (its IPv4 address) to send beacons from and join the group on
    /// [default: 127.0.0.1].
    #[arg(long, env = "MABEAM_MULTICAST_INTERFACE")]
    multicast_interface: Option<Ipv4Addr>,
    /// The beacons' multicast TTL [default: 1].
    #[arg(long, env = "MABEAM_MULTICAST_TTL")]
    multicast_ttl: Option<u32>,
    /// Discovery interval in milliseconds [default: 5000].
    #[arg(long, env = "MABEAM_DISCOVERY_INTERVAL_MS")]
    discovery_interval_ms: Option<u64>,
    /// For tests only (a `testkit` build): let the admin endpoint cut and heal links.
    #[cfg(feature = "testkit")]
    #[arg(long, hide = true)]
    fault_injection: bool,
}

async fn run_node(args: NodeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let file = match &args.config {
        Some(path) => NodeConfig::from_file(path)?,
        None => NodeConfig::default(),
    };
    let given = NodeConfig {
        name: args.name,
        cluster_id: args.cluster_id,
        gossip: args.gossip,
        seeds: args.seeds,
        admin: args.admin,
        gossip_interval_ms: args.gossip_interval_ms,
        phi: args.phi,
        listen: args.listen,
        cookie: args.cookie,
        down_after_ms: args.down_after_ms,
        tags: args.tags,
        tls_cert: args.tls_cert,
        tls_key: args.tls_key,
        tls_ca: args.tls_ca,
        tls_server_name: args.tls_server_name,
        dns: args.dns,
        srv: args.srv,
        multicast: args.multicast.map(|_| true),
        multicast_group: args.multicast.flatten(),
        multicast_secret: args.multicast_secret,
        multicast_interface: args.multicast_interface,
        multicast_ttl: args.multicast_ttl,
        discovery_interval_ms: args.discovery_interval_ms,
    };
    let config = file.overridden_by(given);
    if config.name.is_none() {
        return Err("a node needs a name: --name, MABEAM_NAME or `name` in the config file".into());
    }
    let builder = config.apply(Node::builder())?;
    #[cfg(feature = "testkit")]
    let builder = builder.fault_injection(args.fault_injection);
    let node = builder.start().await?;
    println!(
        "node {} (generation {}) gossiping on {}{}",
        node.name(),
        node.generation(),
        node.gossip_addr(),
        node.admin_addr()
            .map(|a| format!(", admin on http://{a}"))
            .unwrap_or_default()
    );
    let mut terminate = tokio::signal::unix::signal(tokio::signal::unix::SignalKind::terminate())?;
    tokio::select! {
        _ = tokio::signal::ctrl_c() => {}
        _ = terminate.recv() => {}
    }
    println!("leaving the cluster");
    node.shutdown().await;
    Ok(())
}

/// Waits (at most 30 s) until `node`'s view satisfies `done`.
async fn await_view(
    admin: SocketAddr,
    done: impl Fn(&mabeam_cluster::admin::MembershipReport) -> bool,
) -> Result<(), Box<dyn std::error::Error>> {
    let deadline = tokio::time::Instant::now() + Duration::from_secs(30);
    loop {
        if let Ok(report) = fetch_membership(admin).await {
            if done(&report) {
                return Ok(());
            }
        }
        if tokio::time::Instant::now() > deadline {
            return Err("the cluster did not reach the expected view within 30 s".into());
        }
        tokio::time::sleep(Duration::from_millis(100)).await;
    }
}

async fn demo() -> Result<(), Box<dyn std::error::Error>> {
    use mabeam_cluster::MemberStatus;

    let exe = std::env::current_exe()?;
    let mut nodes = Vec::new();
    let mut seed = None;
    for i in 0..3 {
        let gossip = std::net::UdpSocket::bind("127.0.0.1:0")?.local_addr()?;
        let admin = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let listen = std::net::TcpListener::bind("127.0.0.1:0")?.local_addr()?;
        let seed = *seed.get_or_insert(gossip);
        let child = tokio::process::Command::new(&exe)
            .args(["node", "--name", &format!("n{i}")])
            .args(["--gossip", &gossip.to_string(), "--seed", &seed.to_string()])
            .args(["--admin", &admin.to_string(), "--gossip-interval-ms", "100"])
            .args(["--listen", &listen.to_string()])
            .env("RUST_LOG", "warn")
            .stdout(std::process::Stdio::null())
            .kill_on_drop(true)
            .spawn()?;
        println!("started n{i}: gossip {gossip}, admin http://{admin}");
        nodes.push((child, admin));
    }
    let first = nodes[0].1;
    let up = |r: &mabeam_cluster::admin::MembershipReport, n: usize| {
        r.members
            .iter()
            .filter(|m| m.status == MemberStatus::Up)
            .count()
            == n
    };
    await_view(first, |r| up(r, 3)).await?;
    println!("\n== converged");
    status(first).await?;

    println!("\n== kill -9 n2");
    nodes[2].0.kill().await?;
    await_view(first, |r| {
        r.members
            .iter()
            .any(|m| m.node == "n2" && m.status == MemberStatus::Down)
    })
    .await?;
    status(first).await?;

    println!("\n== n1 leaves gracefully (SIGTERM)");
    let pid = nodes[1].0.id().ok_or("n1 has exited")?;
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()?;
    nodes[1].0.wait().await?;
    await_view(first, |r| {
        r.members
            .iter()
            .any(|m| m.node == "n1" && m.status == MemberStatus::Removed)
    })
    .await?;
    status(first).await?;

    let pid = nodes[0].0.id().ok_or("n0 has exited")?;
    std::process::Command::new("kill")
        .args(["-TERM", &pid.to_string()])
        .status()?;
    nodes[0].0.wait().await?;
    println!("\ndone");
    Ok(())
}

async fn status(admin: SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
    let report = fetch_membership(admin).await?;
    let health = fetch_health(admin).await.ok();
    let of = |node: &str| {
        health
            .as_ref()
            .and_then(|h| h.nodes.iter().find(|n| n.node == node))
    };
    println!("membership as seen by {}:", report.node);
    println!(
        "  {:<12} {:<12} {:<22} {:<14} {:>8} {:>5} {:>8} {:>6} {:>7}  TAGS",
        "NODE", "STATUS", "GOSSIP", "GENERATION", "RTT", "CPU%", "RSS", "AGENTS", "BACKLOG"
    );
    for m in report.members {
        let node = of(&m.node);
        let metrics = node.and_then(|n| n.metrics);
        let or_dash = |v: Option<String>| v.unwrap_or_else(|| "-".to_owned());
        println!(
            "  {:<12} {:<12} {:<22} {:<14} {:>8} {:>5} {:>8} {:>6} {:>7}  {}",
            m.node,
            m.status,
            m.gossip_addr,
            m.generation,
            or_dash(
                node.and_then(|n| n.rtt_micros)
                    .map(|us| format!("{:.1}ms", us as f64 / 1000.0))
            ),
            or_dash(metrics.map(|m| m.cpu_percent.to_string())),
            or_dash(metrics.map(|m| format!("{}M", m.rss_bytes >> 20))),
            or_dash(metrics.map(|m| m.agents.to_string())),
            or_dash(metrics.map(|m| m.largest_backlog.to_string())),
            m.tags.join(",")
        );
    }
    if !report.connected.is_empty() {
        println!("transport sessions: {}", report.connected.join(", "));
    }
    if let Some(health) = health {
        println!(
            "health: {}",
            serde_json::to_value(health.status)?.as_str().unwrap_or("?")
        );
        for reason in health.reasons {
            println!("  - {reason}");
        }
    }
    Ok(())
}

#[tokio::main]
async fn main() -> ExitCode {
    tracing_subscriber::fmt()
        .with_env_filter(EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .with_writer(std::io::stderr)
        .init();
    let result = match Cli::parse().command {
        Command::Node(args) => run_node(args).await,
        Command::Status { admin } => status(admin).await,
        Command::Demo => demo().await,
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("mabeam: {err}");
            ExitCode::FAILURE
        }
    }
}
