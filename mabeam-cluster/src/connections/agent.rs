use std::collections::{BTreeMap, HashMap};
use std::net::SocketAddr;
use std::time::Duration;

use futures::Stream;
use mabeam_actors::agent;
use mabeam_core::membership::MemberStatus;
use ractor::ActorRef;
use ractor_cluster::{ClientConnectErr, NodeId, NodeServerMessage, NodeSessionMessage};

use crate::gossip::{newest_per_node, schema, Gossip};
use crate::tls::TlsConfig;
use crate::views::{ConnectionsReader, MembershipReader, Session};

/// Failed dial rounds after which a peer is reported (once) as unreachable over the transport.
const WARN_AFTER: u32 = 3;

/// The longest a dial (TCP connect, and the TLS handshake with TLS) may take. A peer that
/// accepts the connection but never answers (a frozen process) must not hold up the agent.
const DIAL_TIMEOUT: Duration = Duration::from_secs(5);

/// The connection manager agent; see the [module docs](crate::connections).
pub(crate) struct Connections {
    server: ActorRef<NodeServerMessage>,
    gossip: Gossip,
    membership: MembershipReader,
    shared: ConnectionsReader,
    failed_rounds: HashMap<String, u32>,
    tls: Option<TlsConfig>,
}

impl std::fmt::Debug for Connections {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Connections")
            .field("me", &self.gossip.name())
            .field("connected", &self.shared.connected())
            .finish_non_exhaustive()
    }
}

impl Connections {
    pub(crate) fn new(
        server: ActorRef<NodeServerMessage>,
        gossip: Gossip,
        membership: MembershipReader,
        shared: ConnectionsReader,
    ) -> Self {
        Self {
            server,
            gossip,
            membership,
            shared,
            failed_rounds: HashMap::new(),
            tls: None,
        }
    }

    /// Dial peers over TLS (or, with `None`, plain TCP).
    pub(crate) fn with_tls(mut self, tls: Option<TlsConfig>) -> Self {
        self.tls = tls;
        self
    }

    /// Opens a connection to `peer` at `addr` and hands it to the node server, which then runs
    /// the cookie handshake. A failed TLS handshake is logged with the peer and its address.
    async fn dial(&self, peer: &str, addr: SocketAddr) {
        let dial = async {
            match &self.tls {
                Some(tls) => {
                    ractor_cluster::client_connect_enc(
                        &self.server,
                        addr,
                        tls.connector(),
                        tls.peer_name(),
                    )
                    .await
                }
                None => ractor_cluster::client_connect(&self.server, addr).await,
            }
        };
        match tokio::time::timeout(DIAL_TIMEOUT, dial).await {
            Ok(Ok(())) => {}
            Ok(Err(ClientConnectErr::Encryption(err))) => {
                tracing::warn!(%peer, %addr, %err, "TLS handshake with a peer failed");
            }
            Ok(Err(err)) => tracing::debug!(%peer, %addr, %err, "dial failed"),
            Err(_) => tracing::debug!(%peer, %addr, timeout = ?DIAL_TIMEOUT, "dial timed out"),
        }
    }

    /// Authenticated sessions by peer node name.
    async fn sessions(&self) -> BTreeMap<String, (NodeId, ActorRef<NodeSessionMessage>)> {
        let Ok(sessions) = ractor::call_t!(self.server, NodeServerMessage::GetSessions, 1_000)
        else {
            return BTreeMap::new();
        };
        sessions
            .into_values()
            .filter_map(|s| {
                let name = s.peer_name.as_ref()?.name.clone();
                // ractor_cluster names a node `name@host`.
                let node = name.split('@').next().unwrap_or(&name).to_owned();
                Some((node, (s.node_id, s.actor)))
            })
            .collect()
    }

    /// Every node's advertised listen address (its newest incarnation's).
    async fn listen_addrs(&self) -> BTreeMap<String, SocketAddr> {
        let chitchat = self.gossip.chitchat();
        let chitchat = chitchat.lock().await;
        newest_per_node(&chitchat, schema::listen_addr)
    }
}

#[agent(name = "mabeam.connections", vis = "pub(crate)")]
impl Connections {
    /// The peers with an authenticated session.
    #[action]
    fn connected(&self) -> Vec<String> {
        self.shared.connected()
    }

    #[sensor(stream = "ticks")]
    async fn on_tick(&mut self, _tick: ()) {
        let sessions = self.sessions().await;
        let addrs = self.listen_addrs().await;
        for member in self.membership.members() {
            let me = self.gossip.name();
            if member.node == me {
                continue;
            }
            let session = sessions.get(&member.node);
            match member.status {
                MemberStatus::Joining | MemberStatus::Up
                    if session.is_none() && me < member.node.as_str() =>
                {
                    let Some(addr) = addrs.get(&member.node).copied() else {
                        continue;
                    };
                    let failed = self.failed_rounds.entry(member.node.clone()).or_default();
                    *failed += 1;
                    if *failed == WARN_AFTER {
                        tracing::warn!(
                            peer = %member.node, %addr, attempts = WARN_AFTER,
                            "no authenticated session with a live peer (wrong cookie or TLS certificate?)"
                        );
                    }
                    // Exponential backoff: dial on rounds 1, 2, 4, 8, 16, then every 32nd.
                    let due =
                        failed.is_power_of_two() && *failed <= 32 || failed.is_multiple_of(32);
                    if due {
                        self.dial(&member.node, addr).await;
                    }
                }
                MemberStatus::Joining | MemberStatus::Up => {
                    if session.is_some() {
                        self.failed_rounds.remove(&member.node);
                    }
                }
                MemberStatus::Down | MemberStatus::Removed => {
                    if let Some((_, session)) = session {
                        tracing::info!(peer = %member.node, status = ?member.status, "closing the session of a peer that is gone");
                        session.stop(Some("peer declared down by membership".into()));
                    }
                }
                // A suspected peer keeps its session: if the process is gone the session
                // closes by itself, and that closing is what confirms it is down.
                MemberStatus::Leaving | MemberStatus::Unreachable => {}
            }
        }
        // Whether the peer's gateway is known here (calls can go out then).
        let gateways: Vec<NodeId> = ractor::pg::get_members(&crate::link::GATEWAY_GROUP.to_owned())
            .iter()
            .map(|cell| cell.get_id())
            .filter(|id| !id.is_local())
            .map(|id| id.node())
            .collect();
        self.shared.set(
            sessions
                .into_iter()
                .map(|(n, (node_id, _))| {
                    let gateway = gateways.contains(&node_id);
                    (n, Session { node_id, gateway })
                })
                .collect(),
        );
    }

    fn ticks(&self) -> impl Stream<Item = ()> + Send + 'static {
        let period = self.gossip.interval();
        futures::stream::unfold(true, move |first| async move {
            if !first {
                tokio::time::sleep(period).await;
            }
            Some(((), false))
        })
    }
}
