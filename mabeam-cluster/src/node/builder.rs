use std::collections::HashMap;
use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use mabeam_actors::{AgentSystem, RemoteAgent};

use super::{Node, NodeError};
use crate::config::{Config, Secret};
use crate::discovery::{self, Discovery};
use crate::gossip::schema::is_valid_tag;
use crate::gossip::{GossipSettings, RttTable};
use crate::hosting::AgentTypes;
use crate::kernel::{Kernel, KernelParts, NodeService};
use crate::loadbalancer::LoadWeights;
use crate::placement::TypePlacement;
use crate::registry;
use crate::services::{
    AdminService, DiscoveryService, HealthService, LoadBalancerService, MembershipService,
    PassivationService, PlacementService, RegistryService, TransportService,
};
use crate::tls::TlsConfig;

/// Configures and starts a [`Node`].
///
/// The plain settings live in a [`Config`] (the same type the TOML file, the `MABEAM_*`
/// variables and `mabeam node` flags fill): [`Node::builder`] starts from
/// [`Config::default`], [`Node::builder_with`] from a given one, and each setter writes one of
/// its fields. The builder adds what is not plain data: agent types, an existing agent system,
/// loaded TLS, discovery strategies beyond the config's, load weights.
///
/// Defaults (see [`Config`]): cluster id `mabeam`; gossip on `127.0.0.1:7000` every second;
/// phi threshold 8; a node unreachable for 10 gossip intervals is declared down; no seeds (a
/// cluster of one until others join through it); no tags; no admin endpoint; no transport; no
/// TLS.
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
    config: Config,
    /// Strategies given as [`Discovery`] values, after the config's own.
    discovery: Vec<Discovery>,
    system: Option<AgentSystem>,
    #[cfg(feature = "testkit")]
    fault_injection: bool,
    tls: Option<TlsConfig>,
    agent_types: AgentTypes,
    /// The placement rules of the types registered with one.
    placements: HashMap<&'static str, TypePlacement>,
    load_weights: LoadWeights,
    services: Services,
}

impl NodeBuilder {
    pub(super) fn new(config: Config) -> Self {
        Self {
            config,
            discovery: Vec::new(),
            system: None,
            #[cfg(feature = "testkit")]
            fault_injection: false,
            tls: None,
            agent_types: AgentTypes::default(),
            placements: HashMap::new(),
            load_weights: LoadWeights::default(),
            services: Services::default(),
        }
    }

    /// Replaces every plain setting with `config`'s (what the setters below wrote is
    /// replaced too; agent types, the system, TLS given with [`tls`](Self::tls), discovery
    /// strategies given with [`discovery`](Self::discovery) and load weights are kept).
    pub fn config(mut self, config: Config) -> Self {
        self.config = config;
        self
    }

    /// The node's name, unique in the cluster.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.config.name = Some(name.into());
        self
    }

    /// Nodes only gossip with nodes of the same cluster id.
    pub fn cluster_id(mut self, id: impl Into<String>) -> Self {
        self.config.cluster_id = id.into();
        self
    }

    /// Where to gossip (UDP).
    pub fn gossip_addr(mut self, addr: SocketAddr) -> Self {
        self.config.gossip = addr;
        self
    }

    /// A node to join through (`host:port`; host names are resolved and re-resolved). A seed
    /// that is down is retried, not fatal. Same as `.discovery(Discovery::seed(seed))`.
    pub fn seed(mut self, seed: impl Into<String>) -> Self {
        self.config.seeds.push(seed.into());
        self
    }

    /// Another way to find the cluster's nodes (seeds, DNS and SRV names, multicast beacons;
    /// see [`Discovery`]); a node may have several, besides those its [`Config`] names.
    /// Checked by [`start`](Self::start).
    pub fn discovery(mut self, strategy: Discovery) -> Self {
        self.discovery.push(strategy);
        self
    }

    /// How often discovery runs its strategies and contacts what they found (default 5 s;
    /// kept in whole milliseconds, rounded up).
    pub fn discovery_interval(mut self, interval: Duration) -> Self {
        self.config.discovery_interval_ms = millis(interval);
        self
    }

    /// How often to gossip; failure detection scales with it (kept in whole milliseconds,
    /// rounded up).
    pub fn gossip_interval(mut self, interval: Duration) -> Self {
        self.config.gossip_interval_ms = millis(interval);
        self
    }

    /// The phi-accrual threshold above which a silent peer is considered dead.
    pub fn phi_threshold(mut self, phi: f64) -> Self {
        self.config.phi = phi;
        self
    }

    /// How long a peer may stay unreachable before this node declares it down (default: 10
    /// gossip intervals; kept in whole milliseconds, rounded up). A peer whose transport
    /// session closes while it is unreachable is declared down at once: its process is gone.
    pub fn down_after(mut self, after: Duration) -> Self {
        self.config.down_after_ms = Some(millis(after));
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
        self.agent_types.register::<A>(factory);
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
        self.agent_types.register::<A>(factory);
        self.placements.insert(A::agent_type(), placement);
        self
    }

    /// How long an agent activated through the cluster may stay idle before it is
    /// passivated: snapshotted (if its type supports snapshots), stopped, and reactivated with
    /// its state on the next call (default 15 minutes, as Orleans' collection age; kept in
    /// whole milliseconds, rounded up).
    pub fn idle_timeout(mut self, idle: Duration) -> Self {
        self.config.idle_timeout_ms = millis(idle);
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
        self.config.tags.push(tag.into());
        self
    }

    /// Serve the admin endpoint (membership JSON, health) on `addr`.
    pub fn admin_addr(mut self, addr: SocketAddr) -> Self {
        self.config.admin = Some(addr);
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
        self.config.listen = Some(addr);
        self
    }

    /// The secret nodes must share to open transport sessions (default `mabeam`).
    pub fn cookie(mut self, cookie: impl Into<String>) -> Self {
        self.config.cookie = Secret::new(cookie);
        self
    }

    /// Secure the transport with mutual TLS (see [`tls`](crate::tls)): the node server then
    /// accepts only TLS sessions from peers with a certificate from the CA, and the node dials
    /// its peers over TLS. Without a [`listen_addr`](Self::listen_addr) there is no transport
    /// and this has no effect. Takes the place of TLS files named in the [`Config`].
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

    /// Starts the node on the current tokio runtime. The settings are checked first (name,
    /// intervals, tags, TLS files, discovery), so a bad one is an error before anything runs.
    /// Then the kernel starts the node's services in order — membership, discovery, health,
    /// the load balancer, the transport (with a listen address), placement, the registry,
    /// passivation, the application's services, fault injection (tests only) and the admin
    /// endpoint (with an address).
    pub async fn start(self) -> Result<Node, NodeError> {
        let NodeBuilder {
            config,
            discovery: more_discovery,
            system,
            #[cfg(feature = "testkit")]
            fault_injection,
            tls,
            agent_types,
            placements,
            load_weights,
            services: Services(added),
        } = self;
        let name = config.name.clone().unwrap_or_default();
        if name.is_empty() {
            return Err(NodeError::NoName);
        }
        let gossip_interval = config.gossip_interval();
        if gossip_interval.is_zero() {
            return Err(NodeError::ZeroGossipInterval);
        }
        let down_after = config.down_after();
        if down_after < gossip_interval * 2 {
            return Err(NodeError::DownAfterTooShort {
                down_after,
                gossip_interval,
            });
        }
        let mut tags = config.tags.clone();
        tags.sort();
        tags.dedup();
        if let Some(bad) = tags.iter().find(|t| !is_valid_tag(t)) {
            return Err(NodeError::BadTag(bad.clone()));
        }
        let tls = match tls {
            Some(tls) => Some(tls),
            None => config.tls()?,
        };
        let mut strategies = config.discovery();
        strategies.extend(more_discovery);
        let alone_after = if strategies.is_empty() {
            Duration::ZERO
        } else {
            gossip_interval * 5
        };
        let (gossip_addr, listen_addr, admin_addr) = (config.gossip, config.listen, config.admin);
        let discovery = discovery::Setup::new(
            strategies,
            config.discovery_interval(),
            &config.cluster_id,
            &name,
            gossip_addr,
        )?;
        #[cfg(feature = "testkit")]
        let faults = fault_injection.then(crate::link_filter::LinkFilter::default);
        let gossip = GossipSettings {
            name: name.clone(),
            cluster_id: config.cluster_id.clone(),
            addr: gossip_addr,
            interval: gossip_interval,
            phi_threshold: config.phi,
            seeds: discovery.seeds(),
            #[cfg(feature = "testkit")]
            faults: faults.clone(),
            rtt: RttTable::default(),
        };
        let admin = Arc::new(OnceLock::new());
        let registry_agent = Arc::new(OnceLock::new());
        let transport = listen_addr.is_some();
        let mut services: Vec<Box<dyn NodeService>> = vec![
            Box::new(MembershipService::new(
                down_after,
                alone_after,
                transport,
                tags,
            )),
            Box::new(DiscoveryService::new(discovery, gossip_addr)),
            Box::new(HealthService::default()),
            Box::new(LoadBalancerService {
                weights: load_weights,
            }),
        ];
        if let Some(listen) = listen_addr {
            services.push(Box::new(TransportService::new(
                listen,
                config.cookie.expose().to_owned(),
                tls,
            )));
        }
        services.push(Box::new(PlacementService::new(load_weights)));
        services.push(Box::new(RegistryService::new(
            registry::types_value(&agent_types),
            registry_agent.clone(),
        )));
        services.push(Box::new(PassivationService::new(config.idle_timeout())));
        // An application's service may not announce the node's own keys.
        for service in &added {
            if let Some((key, _)) = service
                .gossip_keys()
                .into_iter()
                .find(|(key, _)| crate::gossip::schema::is_reserved(key))
            {
                return Err(NodeError::Service {
                    service: service.name(),
                    source: crate::ServiceError::ReservedKey(key),
                });
            }
        }
        services.extend(added);
        #[cfg(feature = "testkit")]
        if let Some(filter) = faults {
            services.push(Box::new(crate::services::FaultInjection { filter }));
        }
        if let Some(addr) = admin_addr {
            services.push(Box::new(AdminService::new(addr, admin.clone())));
        }
        let kernel = Kernel::start(
            KernelParts {
                gossip,
                system,
                types: agent_types,
                placements,
            },
            services,
        )
        .await?;
        Ok(Node {
            kernel,
            gossip_addr,
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

/// `duration` in whole milliseconds, rounded up (so a positive duration stays positive).
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX)
}
