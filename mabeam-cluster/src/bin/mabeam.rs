//! The `mabeam` command: run a node, or show a running cluster's membership.
//!
//! ```text
//! mabeam node --name n1 --gossip 127.0.0.1:7001 --seed 127.0.0.1:7000 --admin 127.0.0.1:8001
//! mabeam status --admin 127.0.0.1:8001
//! mabeam node --name n2 --gossip 10.0.0.7:7000 --dns mabeam.default.svc.cluster.local:7000
//! MABEAM_MULTICAST_SECRET=s3cret mabeam node --name n3 --gossip 127.0.0.1:7003 --multicast
//! ```
//!
//! The `node` settings are one type, [`mabeam_cluster::Config`]: every flag can also come from
//! the environment (`MABEAM_NAME`, `MABEAM_GOSSIP`, `MABEAM_SEEDS` comma-separated,
//! `MABEAM_ADMIN`, `MABEAM_DNS`, `MABEAM_MULTICAST_GROUP` for `--multicast`,
//! `MABEAM_MULTICAST_SECRET`, ..., `MABEAM_TLS_CERT`) and from a TOML file (`--config FILE`, or
//! `MABEAM_CONFIG`), with the same defaults everywhere. Flags beat environment variables, which
//! beat the file, which beats the defaults. Prefer the environment or the file for secrets
//! (`--cookie`, `--multicast-secret`), which the process list shows when given as flags.
//!
//! ```text
//! MABEAM_NAME=n4 mabeam node --config /etc/mabeam/node.toml --gossip-interval-ms 200
//! ```
//!
//! With mutual TLS on the transport (every node's certificate from one CA, carrying the DNS
//! name `mabeam`):
//!
//! ```text
//! mabeam node --name n1 --listen 10.0.0.1:7100 --tls-cert node.pem --tls-key node.key --tls-ca ca.pem
//! ```

use std::net::SocketAddr;
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::Duration;

use clap::{ArgMatches, CommandFactory, FromArgMatches, Parser, Subcommand};
use mabeam_cluster::admin::{fetch_health, fetch_membership};
use mabeam_cluster::{Config, Node};
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
    /// A TOML file with any of the settings below, by their long names with `_` for `-`
    /// (`seeds` and `tags` for the lists; environment variables and flags win).
    #[arg(long, env = "MABEAM_CONFIG", value_name = "FILE")]
    config: Option<PathBuf>,
    /// Defaults, environment and flags (the matches tell which was which).
    #[command(flatten)]
    settings: Config,
    /// For tests only (a `testkit` build): let the admin endpoint cut and heal links.
    #[cfg(feature = "testkit")]
    #[arg(long, hide = true)]
    fault_injection: bool,
}

/// Runs a node; `matches` are the `node` subcommand's, which say where each setting came from.
async fn run_node(args: NodeArgs, matches: &ArgMatches) -> Result<(), Box<dyn std::error::Error>> {
    let config = match &args.config {
        Some(path) => Config::from_file(path)?.overridden_by(matches)?,
        None => args.settings,
    };
    if config.name.is_none() {
        return Err("a node needs a name: --name, MABEAM_NAME or `name` in the config file".into());
    }
    let builder = Node::builder_with(config);
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
    let matches = Cli::command().get_matches();
    let cli = Cli::from_arg_matches(&matches).unwrap_or_else(|err| err.exit());
    let result = match cli.command {
        Command::Node(args) => {
            let node = matches
                .subcommand_matches("node")
                .expect("the node subcommand has matches");
            run_node(args, node).await
        }
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
