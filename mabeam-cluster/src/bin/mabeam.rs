//! The `mabeam` command: run a node, or show a running cluster's membership.
//!
//! ```text
//! mabeam node --name n1 --gossip 127.0.0.1:7001 --seed 127.0.0.1:7000 --admin 127.0.0.1:8001
//! mabeam status --admin 127.0.0.1:8001
//! ```
//!
//! Every `node` flag can also come from the environment (`MABEAM_NAME`, `MABEAM_GOSSIP`,
//! `MABEAM_SEEDS` comma-separated, `MABEAM_ADMIN`, ...).

use std::net::SocketAddr;
use std::process::ExitCode;
use std::time::Duration;

use clap::{Parser, Subcommand};
use mabeam_cluster::admin::fetch_membership;
use mabeam_cluster::Node;
use tracing_subscriber::EnvFilter;

#[derive(Debug, Parser)]
#[command(name = "mabeam", version, about = "Run and inspect mabeam nodes")]
struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// Run a node until SIGINT or SIGTERM, then leave the cluster gracefully.
    Node(NodeArgs),
    /// Print the membership table of a running node.
    Status {
        /// The node's admin endpoint.
        #[arg(long, env = "MABEAM_ADMIN")]
        admin: SocketAddr,
    },
}

#[derive(Debug, clap::Args)]
struct NodeArgs {
    /// The node's name, unique in the cluster.
    #[arg(long, env = "MABEAM_NAME")]
    name: String,
    /// Where to gossip (UDP).
    #[arg(long, env = "MABEAM_GOSSIP", default_value = "127.0.0.1:7000")]
    gossip: SocketAddr,
    /// A node to join through (repeat, or comma-separate in MABEAM_SEEDS).
    #[arg(long = "seed", env = "MABEAM_SEEDS", value_delimiter = ',')]
    seeds: Vec<String>,
    /// Serve the admin endpoint (membership JSON, health) here.
    #[arg(long, env = "MABEAM_ADMIN")]
    admin: Option<SocketAddr>,
    /// Nodes only see nodes of the same cluster id.
    #[arg(long, env = "MABEAM_CLUSTER_ID", default_value = "mabeam")]
    cluster_id: String,
    /// Gossip interval in milliseconds.
    #[arg(long, env = "MABEAM_GOSSIP_INTERVAL_MS", default_value_t = 1000)]
    gossip_interval_ms: u64,
    /// Phi-accrual threshold for declaring a silent peer dead.
    #[arg(long, env = "MABEAM_PHI", default_value_t = 8.0)]
    phi: f64,
}

async fn run_node(args: NodeArgs) -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Node::builder()
        .name(args.name)
        .cluster_id(args.cluster_id)
        .gossip_addr(args.gossip)
        .gossip_interval(Duration::from_millis(args.gossip_interval_ms))
        .phi_threshold(args.phi);
    for seed in args.seeds {
        builder = builder.seed(seed);
    }
    if let Some(admin) = args.admin {
        builder = builder.admin_addr(admin);
    }
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

async fn status(admin: SocketAddr) -> Result<(), Box<dyn std::error::Error>> {
    let report = fetch_membership(admin).await?;
    println!("membership as seen by {}:", report.node);
    println!(
        "  {:<16} {:<9} {:<22} GENERATION",
        "NODE", "STATUS", "GOSSIP"
    );
    for m in report.members {
        let status = serde_json::to_value(m.status)?;
        println!(
            "  {:<16} {:<9} {:<22} {}",
            m.node,
            status.as_str().unwrap_or("?"),
            m.gossip_addr,
            m.generation
        );
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
    };
    match result {
        Ok(()) => ExitCode::SUCCESS,
        Err(err) => {
            eprintln!("mabeam: {err}");
            ExitCode::FAILURE
        }
    }
}
