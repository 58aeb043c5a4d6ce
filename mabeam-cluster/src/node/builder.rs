use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use mabeam_actors::{AgentSystem, RemoteAgent};

use super::{Node, NodeError};
use crate::admin::AdminService;
use crate::connections::TransportService;
use crate::discovery::{self, Discovery, DiscoveryService};
use crate::gateway::{AgentTypes, PassivationService};
use crate::gossip::{GossipSettings, RttTable};
use crate::health::HealthService;
use crate::kernel::{Kernel, KernelParts, NodeService};
use crate::loadbalancer::{LoadBalancerService, LoadWeights};
use crate::membership::MembershipService;
use crate::placement::{PlacementService, TypePlacement};
use crate::registry::{self, RegistryService};
use crate::tls::TlsConfig;

/// Configures and starts a [`Node`].
///
/// Defaults: cluster id `mabeam`; gossip on `127.0.0.1:7000` every second; phi threshold 8;
/// a node unreachable for 10 gossip intervals is declared down; no seeds (a cluster of one
/// until others join through it); no tags; no admin endpoint; no transport; no TLS.
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
    #[cfg(feature = "testkit")]
    fault_injection: bool,
    listen_addr: Option<SocketAddr>,
    cookie: String,
    down_after: Option<Duration>,
    tags: Vec<String>,
    tls: Option<TlsConfig>,
    agent_types: AgentTypes,
    idle_timeout: Duration,
    load_weights: LoadWeights,
    services: Services,
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
            #[cfg(feature = "testkit")]
            fault_injection: false,
            listen_addr: None,
            cookie: "mabeam".to_owned(),
            down_after: None,
            tags: Vec::new(),
            agent_types: AgentTypes::default(),
            idle_timeout: Duration::from_secs(15 * 60),
            load_weights: LoadWeights::default(),
            tls: None,
            services: Services::default(),
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

    /// How long a peer may stay unreachable before this node declares it down (default: 10
    /// gossip intervals). A peer whose transport session closes while it is unreachable is
    /// declared down at once: its process is gone.
    pub fn down_after(mut self, after: Duration) -> Self {
        self.down_after = Some(after);
        self
    }

    /// Registers agent type `A`, hosted by this node: a call through the cluster to an `A`
    /// this node owns and that is not running activates it with `factory` (virtual
    /// activation). Register the same types on every node.
    pub fn agent_type<A, F>(mut self, factory: F) -> Self
    where
        A: RemoteAgent,
        F: Fn() -> A + Send + Sync + 'static,
    {
        self.agent_types.register::<A, F>(factory);
        self
    }

    /// Registers agent type `A` like [`agent_type`](Self::agent_type), placed by `placement`
    /// rather than by hash: on its first call its hash owner chooses a node with the rule
    /// (least-loaded, required tags, next to or away from other agents, round-robin), records
    /// it in its directory, and forwards every call there. Register the same types with the
    /// same rules on every node.
    ///
    /// ```no_run
    /// # #[derive(Default)] struct Trainer;
    /// # #[mabeam_actors::agent(remote, name = "trainer")] impl Trainer {
    /// #     #[action] fn step(&mut self) -> u64 { 1 } }
    /// use mabeam_cluster::placement::TypePlacement;
    ///
    /// let builder = mabeam_cluster::Node::builder()
    ///     .name("n1")
    ///     .agent_type_placed(Trainer::default, TypePlacement::least_loaded().requiring(["gpu"]));
    /// ```
    pub fn agent_type_placed<A, F>(mut self, factory: F, placement: TypePlacement) -> Self
    where
        A: RemoteAgent,
        F: Fn() -> A + Send + Sync + 'static,
    {
        self.agent_types.register_placed::<A, F>(factory, placement);
        self
    }

    /// How long an agent activated through the cluster may stay idle before it is
    /// passivated: snapshotted (if its type supports snapshots), stopped, and reactivated with
    /// its state on the next call (default 15 minutes, as Orleans' collection age).
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.idle_timeout = idle;
        self
    }

    /// How the load balancer weighs each node's CPU, memory, agent count and mailbox backlog
    /// when it scores nodes for placement (see [`LoadWeights`]; the same on every node keeps
    /// placements alike).
    pub fn load_weights(mut self, weights: LoadWeights) -> Self {
        self.load_weights = weights;
        self
    }

    /// A capability tag this node announces (e.g. `gpu`, `eu-west`); placement can require
    /// tags. Letters, digits, `-`, `_`, `.`, `:` and `/` only.
    pub fn tag(mut self, tag: impl Into<String>) -> Self {
        self.tags.push(tag.into());
        self
    }

    /// Serve the admin endpoint (membership JSON, health) on `addr`.
    pub fn admin_addr(mut self, addr: SocketAddr) -> Self {
        self.admin_addr = Some(addr);
        self
    }

    /// For tests (feature `testkit`): let the links to chosen peers be cut, gossip and
    /// transport both (see [`testkit`](crate::testkit)); the admin endpoint then accepts
    /// `POST /debug/partition` and `POST /debug/heal`.
    #[cfg(feature = "testkit")]
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

    /// Secure the transport with mutual TLS (see [`tls`](crate::tls)): the node server then
    /// accepts only TLS sessions from peers with a certificate from the CA, and the node dials
    /// its peers over TLS. Without a [`listen_addr`](Self::listen_addr) there is no transport
    /// and this has no effect.
    pub fn tls(mut self, tls: TlsConfig) -> Self {
        self.tls = Some(tls);
        self
    }

    /// Run in an existing agent system instead of starting one.
    pub fn system(mut self, system: AgentSystem) -> Self {
        self.system = Some(system);
        self
    }

    /// Adds a service of the application's (see [`NodeService`]): started after the node's
    /// own services, in the order added, and stopped before them.
    pub fn service(mut self, service: impl NodeService) -> Self {
        self.services.0.push(Box::new(service));
        self
    }

    /// Starts the node on the current tokio runtime: checks the settings, then starts the
    /// kernel with the node's services in order — membership, discovery, health, the load
    /// balancer, the transport (with a listen address), placement, the registry,
    /// passivation, the application's services, fault injection (tests only) and the admin
    /// endpoint (with an address).
    pub async fn start(self) -> Result<Node, NodeError> {
        if self.name.is_empty() {
            return Err(NodeError::NoName);
        }
        if self.gossip_interval.is_zero() {
            return Err(NodeError::ZeroGossipInterval);
        }
        let down_after = self.down_after.unwrap_or(self.gossip_interval * 10);
        if down_after < self.gossip_interval * 2 {
            return Err(NodeError::DownAfterTooShort {
                down_after,
                gossip_interval: self.gossip_interval,
            });
        }
        let mut tags = self.tags;
        tags.sort();
        tags.dedup();
        if let Some(bad) = tags.iter().find(|t| !is_valid_tag(t)) {
            return Err(NodeError::BadTag(bad.clone()));
        }
        let alone_after = if self.discovery.is_empty() {
            Duration::ZERO
        } else {
            self.gossip_interval * 5
        };
        let discovery = discovery::Setup::new(
            self.discovery,
            self.discovery_interval,
            &self.cluster_id,
            &self.name,
            self.gossip_addr,
        )?;
        #[cfg(feature = "testkit")]
        let faults = self
            .fault_injection
            .then(crate::testkit::LinkFilter::default);
        let gossip = GossipSettings {
            name: self.name.clone(),
            cluster_id: self.cluster_id,
            addr: self.gossip_addr,
            interval: self.gossip_interval,
            phi_threshold: self.phi_threshold,
            seeds: discovery.seeds(),
            #[cfg(feature = "testkit")]
            faults: faults.clone(),
            rtt: RttTable::default(),
        };
        let admin = Arc::new(OnceLock::new());
        let registry_agent = Arc::new(OnceLock::new());
        let transport = self.listen_addr.is_some();
        let mut services: Vec<Box<dyn NodeService>> = vec![
            Box::new(MembershipService::new(
                down_after,
                alone_after,
                transport,
                tags,
            )),
            Box::new(DiscoveryService::new(discovery, self.gossip_addr)),
            Box::new(HealthService::default()),
            Box::new(LoadBalancerService {
                weights: self.load_weights,
            }),
        ];
        if let Some(listen) = self.listen_addr {
            services.push(Box::new(TransportService::new(
                listen,
                self.cookie,
                self.tls,
            )));
        }
        services.push(Box::new(PlacementService::new(self.load_weights)));
        services.push(Box::new(RegistryService::new(
            registry::types_value(&self.agent_types),
            registry_agent.clone(),
        )));
        services.push(Box::new(PassivationService::new(self.idle_timeout)));
        services.extend(self.services.0);
        #[cfg(feature = "testkit")]
        if let Some(filter) = faults {
            services.push(Box::new(crate::testkit::FaultInjection { filter }));
        }
        if let Some(addr) = self.admin_addr {
            services.push(Box::new(AdminService::new(addr, admin.clone())));
        }
        let kernel = Kernel::start(
            KernelParts {
                gossip,
                system: self.system,
                types: self.agent_types,
            },
            services,
        )
        .await?;
        Ok(Node {
            kernel,
            gossip_addr: self.gossip_addr,
            admin,
            registry_agent,
            transport,
        })
    }
}

/// The application's services, in the order added.
#[derive(Default)]
struct Services(Vec<Box<dyn NodeService>>);

impl fmt::Debug for Services {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list()
            .entries(self.0.iter().map(|s| s.name()))
            .finish()
    }
}

/// A tag a node can announce: not empty; letters, digits, `-`, `_`, `.`, `:` and `/` only.
pub(crate) fn is_valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c))
}
