//! A service an application adds to its nodes, written here with only mabeam-cluster's public
//! API, serves its own wire protocol, admin route and gossip key across three real node
//! processes on 127.0.0.1:
//!
//! - every node calls the `Greeter`'s protocol on every node, itself included, and each
//!   answers with its own greeting;
//! - a request the service cannot read comes back as the service's own typed error
//!   (`RemoteError::Decode`), and a protocol no node serves as `RemoteError::UnknownProtocol`;
//! - every node reads every node's greeter gossip key;
//! - each node's `GET /greeter` (fetched over HTTP) reports whom that node greeted and how many
//!   requests it refused: one greeting from each node, one refusal from each.
//!
//! This test has its own `main` (`harness = false`): it is node `a`, and re-runs its own binary
//! with `--node NAME SEED` for nodes `b` and `c`, which run the same checks and say on stdout
//! where their admin endpoint is and whether their checks passed.

#[path = "support/peers.rs"]
mod peers;

use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use async_trait::async_trait;
use mabeam_cluster::{
    AdminResponse, AdminRoute, Node, NodeContext, NodeService, Protocol, RemoteError, ServiceError,
};
use serde::{Deserialize, Serialize};

use peers::{free_tcp, free_udp, until_meshed, Peer};

/// The greeter's wire protocol.
const GREETER: &str = "test.greeter";
/// The gossip key where each node's greeter announces itself.
const MOTD: &str = "test.greeter.motd";
/// How long one call may take (a safety net).
const CALL: Duration = Duration::from_secs(10);
const NODES: [&str; 3] = ["a", "b", "c"];

/// What a node's greeter has served: whom it greeted, how often, and how many requests it
/// could not read. Its admin route answers with this and the node's name.
#[derive(Debug, Default, Clone, PartialEq, Eq, Serialize, Deserialize)]
struct Served {
    greeted: BTreeMap<String, u64>,
    refused: u64,
}

#[derive(Debug, PartialEq, Eq, Serialize, Deserialize)]
struct Report {
    node: String,
    served: Served,
}

/// A request is the caller's name in UTF-8; the answer `hello CALLER, from NODE`.
#[derive(Debug)]
struct Greeter {
    node: String,
    served: Arc<Mutex<Served>>,
}

impl Greeter {
    fn new(node: &str) -> Self {
        Self {
            node: node.to_owned(),
            served: Arc::default(),
        }
    }
}

/// The caller named in a request, or the error the greeter answers when it cannot read it.
fn caller(request: Vec<u8>) -> Result<String, RemoteError> {
    String::from_utf8(request).map_err(|err| RemoteError::Decode {
        what: "a greeting request (the caller's name in UTF-8)".to_owned(),
        reason: err.to_string(),
    })
}

#[async_trait]
impl NodeService for Greeter {
    fn name(&self) -> &'static str {
        "greeter"
    }

    fn gossip_keys(&self) -> Vec<(String, String)> {
        vec![(MOTD.to_owned(), format!("{} greets", self.node))]
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        if ctx.name() != self.node {
            return Err(ServiceError::failed(format!(
                "a greeter for `{}` on node `{}`",
                self.node,
                ctx.name()
            )));
        }
        Ok(())
    }

    fn protocol(&self) -> Option<Protocol> {
        let (node, served) = (self.node.clone(), self.served.clone());
        Some(Protocol::new(GREETER, move |request: Vec<u8>| {
            let (node, served) = (node.clone(), served.clone());
            async move {
                let mut served = served.lock().unwrap_or_else(PoisonError::into_inner);
                match caller(request) {
                    Ok(caller) => {
                        let answer = format!("hello {caller}, from {node}");
                        *served.greeted.entry(caller).or_default() += 1;
                        Ok(answer.into_bytes())
                    }
                    Err(err) => {
                        served.refused += 1;
                        Err(err)
                    }
                }
            }
        }))
    }

    fn admin_routes(&self) -> Vec<AdminRoute> {
        let (node, served) = (self.node.clone(), self.served.clone());
        vec![AdminRoute::get("/greeter", move |_body: Vec<u8>| {
            let report = Report {
                node: node.clone(),
                served: served
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .clone(),
            };
            async move { AdminResponse::ok(&report) }
        })]
    }
}

async fn start(name: &str, seed: Option<String>) -> (Node, SocketAddr) {
    let admin = free_tcp();
    let mut builder = Node::builder()
        .name(name)
        .gossip_addr(free_udp())
        .listen_addr(free_tcp())
        .admin_addr(admin)
        .gossip_interval(Duration::from_millis(100))
        .service(Greeter::new(name));
    if let Some(seed) = seed {
        builder = builder.seed(seed);
    }
    (builder.start().await.expect("the node starts"), admin)
}

/// What every node checks, calling every node (itself included).
async fn greet_everyone(node: &Node) -> Result<(), String> {
    let (ctx, me) = (node.context(), node.name());
    for peer in NODES {
        let hello = ctx.call(peer, GREETER, me.as_bytes().to_vec(), CALL).await;
        let expected = format!("hello {me}, from {peer}").into_bytes();
        check(hello == Ok(expected), || {
            format!("greeting {peer}: {hello:?}")
        })?;

        let garbage = vec![0xff, 0xfe];
        let refused = ctx.call(peer, GREETER, garbage.clone(), CALL).await;
        let expected = caller(garbage).map(String::into_bytes);
        check(refused == expected, || {
            format!("an unreadable request to {peer}: {refused:?}, expected {expected:?}")
        })?;

        let nobody = ctx.call(peer, "test.nobody", Vec::new(), CALL).await;
        let expected = Err(RemoteError::UnknownProtocol {
            node: peer.to_owned(),
            protocol: "test.nobody".to_owned(),
        });
        check(nobody == expected, || {
            format!("an unknown protocol on {peer}: {nobody:?}")
        })?;

        // Announced from the peer's first gossip round, before it announced `up`: a node
        // that holds the peer up has it.
        let motd = ctx.gossip_value(peer, MOTD).await;
        check(motd == Some(format!("{peer} greets")), || {
            format!("{peer}'s gossip key: {motd:?}")
        })?;
    }
    Ok(())
}

fn check(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(what())
    }
}

/// Nodes `b` and `c`: say where the admin endpoint is, run the checks, say how they went, and
/// stay until killed.
async fn run_peer(name: &str, seed: String) {
    peers::log_to_stderr();
    let (node, admin) = start(name, Some(seed)).await;
    println!("{name}> admin {admin}");
    until_meshed(&node, 3).await;
    match greet_everyone(&node).await {
        Ok(()) => println!("{name}> done"),
        Err(err) => println!("{name}> failed: {err}"),
    }
    std::future::pending::<()>().await;
}

async fn scenario() {
    let (node, admin) = start("a", None).await;
    let seed = node.gossip_addr();
    let peers = [Peer::start("b", seed), Peer::start("c", seed)];
    let mut admins = vec![("a", admin)];
    for (peer, name) in peers.iter().zip(["b", "c"]) {
        let line = peer.expect(&format!("{name}> admin "));
        let addr = line.rsplit(' ').next().unwrap().parse().unwrap();
        admins.push((name, addr));
    }
    until_meshed(&node, 3).await;
    greet_everyone(&node)
        .await
        .unwrap_or_else(|err| panic!("a: {err}"));
    for (peer, name) in peers.iter().zip(["b", "c"]) {
        assert_eq!(peer.expect(&format!("{name}> ")), format!("{name}> done"));
    }

    // Every node has been called by every node: one greeting and one refusal each.
    let everyone: BTreeMap<String, u64> = NODES.iter().map(|n| (n.to_string(), 1)).collect();
    for (name, admin) in admins {
        let (status, body) = get(admin, "/greeter").await;
        assert_eq!(status, 200, "{name}: GET /greeter: {body}");
        let report: Report = serde_json::from_str(&body).unwrap_or_else(|err| {
            panic!("{name}: GET /greeter answered {body:?}: {err}");
        });
        assert_eq!(
            report,
            Report {
                node: name.to_owned(),
                served: Served {
                    greeted: everyone.clone(),
                    refused: 3,
                },
            },
            "{name}'s greeter"
        );
    }
    println!("a_service_added_from_outside_serves_its_protocol_across_nodes: ok");
}

/// A minimal HTTP GET: the status and the body.
async fn get(addr: SocketAddr, path: &str) -> (u16, String) {
    use tokio::io::{AsyncReadExt, AsyncWriteExt};
    let mut stream = tokio::net::TcpStream::connect(addr).await.unwrap();
    let request = format!("GET {path} HTTP/1.1\r\nHost: {addr}\r\nConnection: close\r\n\r\n");
    stream.write_all(request.as_bytes()).await.unwrap();
    let mut answer = String::new();
    stream.read_to_string(&mut answer).await.unwrap();
    let (head, body) = answer
        .split_once("\r\n\r\n")
        .unwrap_or_else(|| panic!("GET {path}: no HTTP answer: {answer:?}"));
    let status = head
        .split_whitespace()
        .nth(1)
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| panic!("GET {path}: no status in {head:?}"));
    (status, body.to_owned())
}

fn main() {
    peers::main(
        |name, seed| async move { run_peer(&name, seed).await },
        scenario,
    );
}
