use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chitchat::transport::UdpTransport;
use chitchat::{
    spawn_chitchat, ChitchatConfig, ChitchatId, FailureDetectorConfig, ProtocolVersion,
};
use mabeam_actors::AgentSystem;

use super::{Node, NodeError};
use crate::connections::{Connections, ConnectionsReader, LISTEN_KEY};
use crate::discovery::{self, Discovery};
use crate::fault::{FilteredUdp, LinkFilter};
use crate::health::{Health, HealthReader, Thresholds};
use crate::{admin, Membership, MembershipReader};
use ractor::Actor;
use ractor_cluster::node::NodeConnectionMode;
use ractor_cluster::NodeServer;

/// Configures and starts a [`Node`].
///
/// Defaults: cluster id `mabeam`; gossip on `127.0.0.1:7000` every second; phi threshold 8;
/// no seeds nor other discovery (a cluster of one until others join through it), discovery
/// rounds every 5 s; no admin endpoint.
///
/// ```no_run
/// # async fn demo() -> Result<(), mabeam_cluster::NodeError> {
/// let node = mabeam_cluster::Node::builder()
///     .name("n1")
///     .gossip_addr("127.0.0.1:7001".parse().unwrap())
///     .seed("127.0.0.1:7000")
///     .start()
///     .await?;
/// node.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use]
pub struct NodeBuilder {
    name: String,
    cluster_id: String,
    gossip_addr: SocketAddr,
    discovery: Vec<Discovery>,
    discovery_interval: Duration,
    gossip_interval: Duration,
    phi_threshold: f64,
    admin_addr: Option<SocketAddr>,
    system: Option<AgentSystem>,
    fault_injection: bool,
    listen_addr: Option<SocketAddr>,
    cookie: String,
}

impl NodeBuilder {
    pub(super) fn new() -> Self {
        Self {
            name: String::new(),
            cluster_id: "mabeam".to_owned(),
            gossip_addr: SocketAddr::from(([127, 0, 0, 1], 7000)),
            discovery: Vec::new(),
            discovery_interval: Duration::from_secs(5),
            gossip_interval: Duration::from_secs(1),
            phi_threshold: 8.0,
            admin_addr: None,
            system: None,
            fault_injection: false,
            listen_addr: None,
            cookie: "mabeam".to_owned(),
        }
    }

    /// The node's name, unique in the cluster.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = name.into();
        self
    }

    /// Nodes only gossip with nodes of the same cluster id.
    pub fn cluster_id(mut self, id: impl Into<String>) -> Self {
        self.cluster_id = id.into();
        self
    }

    /// Where to gossip (UDP).
    pub fn gossip_addr(mut self, addr: SocketAddr) -> Self {
        self.gossip_addr = addr;
        self
    }

    /// A node to join through (`host:port`; host names are resolved and re-resolved). A seed
    /// that is down is retried, not fatal. Shorthand for
    /// `.discovery(Discovery::seed(seed))`.
    pub fn seed(self, seed: impl Into<String>) -> Self {
        self.discovery(Discovery::seed(seed))
    }

    /// Another way to find the cluster's nodes (seeds, DNS and SRV names, multicast beacons;
    /// see [`Discovery`]); a node may have several. Checked by [`start`](Self::start).
    pub fn discovery(mut self, strategy: Discovery) -> Self {
        self.discovery.push(strategy);
        self
    }

    /// How often discovery runs its strategies and contacts what they found (default 5 s).
    pub fn discovery_interval(mut self, interval: Duration) -> Self {
        self.discovery_interval = interval;
        self
    }

    /// How often to gossip; failure detection scales with it.
    pub fn gossip_interval(mut self, interval: Duration) -> Self {
        self.gossip_interval = interval;
        self
    }

    /// The phi-accrual threshold above which a silent peer is considered dead.
    pub fn phi_threshold(mut self, phi: f64) -> Self {
        self.phi_threshold = phi;
        self
    }

    /// Serve the admin endpoint (membership JSON, health) on `addr`.
    pub fn admin_addr(mut self, addr: SocketAddr) -> Self {
        self.admin_addr = Some(addr);
        self
    }

    /// For tests: gossip through a [`LinkFilter`](crate::fault::LinkFilter) that can cut links
    /// (see [`fault`](crate::fault)); the admin endpoint then accepts `POST /debug/partition`
    /// and `POST /debug/heal`. Never enable it in production.
    pub fn fault_injection(mut self, enabled: bool) -> Self {
        self.fault_injection = enabled;
        self
    }

    /// Serve the ractor_cluster transport (TCP, cookie-authenticated sessions) on `addr`; the
    /// node then keeps a session with every live member (see [`connections`](crate::connections)).
    pub fn listen_addr(mut self, addr: SocketAddr) -> Self {
        self.listen_addr = Some(addr);
        self
    }

    /// The secret nodes must share to open transport sessions (default `mabeam`).
    pub fn cookie(mut self, cookie: impl Into<String>) -> Self {
        self.cookie = cookie.into();
        self
    }

    /// Run in an existing agent system instead of starting one.
    pub fn system(mut self, system: AgentSystem) -> Self {
        self.system = Some(system);
        self
    }

    /// Starts the node on the current tokio runtime.
    pub async fn start(self) -> Result<Node, NodeError> {
        if self.name.is_empty() {
            return Err(NodeError::NoName);
        }
        if self.gossip_interval.is_zero() {
            return Err(NodeError::ZeroGossipInterval);
        }
        let discovery = discovery::Setup::new(
            self.discovery,
            self.discovery_interval,
            &self.cluster_id,
            &self.name,
            self.gossip_addr,
        )?;
        let owns_system = self.system.is_none();
        let system = match self.system {
            Some(system) => system,
            None => AgentSystem::builder().name(&self.name).start().await?,
        };
        let generation = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map_or(0, |d| d.as_millis() as u64);
        let config = ChitchatConfig {
            chitchat_id: ChitchatId::new(self.name.clone(), generation, self.gossip_addr),
            cluster_id: self.cluster_id,
            gossip_interval: self.gossip_interval,
            listen_addr: self.gossip_addr,
            seed_nodes: discovery.seeds(),
            failure_detector_config: FailureDetectorConfig {
                phi_threshold: self.phi_threshold,
                initial_interval: self.gossip_interval,
                max_interval: self.gossip_interval * 10,
                ..FailureDetectorConfig::default()
            },
            marked_for_deletion_grace_period: Duration::from_secs(3600),
            catchup_callback: None,
            extra_liveness_predicate: None,
            protocol_version: ProtocolVersion::V1,
        };
        let faults = self.fault_injection.then(LinkFilter::default);
        let spawned = match &faults {
            Some(filter) => {
                let transport = FilteredUdp {
                    filter: filter.clone(),
                };
                spawn_chitchat(config, Vec::new(), &transport).await
            }
            None => spawn_chitchat(config, Vec::new(), &UdpTransport).await,
        };
        let gossip = Arc::new(spawned.map_err(|err| NodeError::Gossip {
            addr: self.gossip_addr,
            reason: err.to_string(),
        })?);
        let live = gossip
            .with_chitchat(|chitchat| chitchat.live_nodes_watcher())
            .await;
        let membership = MembershipReader::default();
        let shared = membership.clone();
        system
            .spawn("mabeam.membership", move || {
                Membership::new(live.clone(), shared.clone())
            })
            .await?;
        discovery
            .spawn(&system, &self.name, self.gossip_addr, gossip.clone())
            .await?;
        let health = HealthReader::default();
        let health_state = health.clone();
        let chitchat = gossip.chitchat();
        let name = self.name.clone();
        let period = self.gossip_interval * 5;
        let reader = membership.clone();
        system
            .spawn("mabeam.health", move || {
                Health::new(
                    name.clone(),
                    period,
                    chitchat.clone(),
                    reader.clone(),
                    Thresholds::default(),
                    health_state.clone(),
                )
            })
            .await?;
        let connections = ConnectionsReader::default();
        let transport = match self.listen_addr {
            Some(listen) => {
                let server = NodeServer::new(
                    listen.port(),
                    self.cookie.clone(),
                    self.name.clone(),
                    listen.ip().to_string(),
                    None,
                    Some(NodeConnectionMode::Isolated),
                )
                .with_listen_addr(listen.ip());
                let (server, _) =
                    Actor::spawn(None, server, ())
                        .await
                        .map_err(|err| NodeError::Transport {
                            addr: listen,
                            reason: err.to_string(),
                        })?;
                gossip
                    .with_chitchat(|chitchat| {
                        chitchat
                            .self_node_state()
                            .set(LISTEN_KEY, listen.to_string())
                    })
                    .await;
                let (name, chitchat, reader, shared) = (
                    self.name.clone(),
                    gossip.chitchat(),
                    membership.clone(),
                    connections.clone(),
                );
                let server_ref = server.clone();
                let tick = self.gossip_interval;
                system
                    .spawn("mabeam.connections", move || {
                        Connections::new(
                            name.clone(),
                            tick,
                            server_ref.clone(),
                            chitchat.clone(),
                            reader.clone(),
                            shared.clone(),
                        )
                    })
                    .await?;
                Some(server)
            }
            None => None,
        };
        let admin = match self.admin_addr {
            Some(addr) => {
                let state = admin::AdminState {
                    node: self.name.clone(),
                    membership: membership.clone(),
                    faults: faults.clone(),
                    health: health.clone(),
                    connections: connections.clone(),
                };
                let (bound, task) = admin::serve(addr, state)
                    .await
                    .map_err(|source| NodeError::Admin { addr, source })?;
                Some((bound, task))
            }
            None => None,
        };
        tracing::info!(node = %self.name, generation, gossip = %self.gossip_addr, "node started");
        Ok(Node {
            name: self.name,
            generation,
            gossip_addr: self.gossip_addr,
            gossip_interval: self.gossip_interval,
            system,
            owns_system,
            gossip,
            membership,
            health,
            connections,
            transport,
            admin,
        })
    }
}
