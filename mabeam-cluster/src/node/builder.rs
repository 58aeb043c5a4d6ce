use std::net::SocketAddr;
use std::time::Duration;

use std::sync::Arc;

use mabeam_actors::{AgentSystem, RemoteAgent};
use ractor::Actor;
use ractor_cluster::node::NodeConnectionMode;
use ractor_cluster::{IncomingEncryptionMode, NodeServer};

use super::{Node, NodeError};
use crate::config::{Config, Secret};
use crate::connections::{Connections, ConnectionsReader, LISTEN_KEY};
use crate::discovery::{self, Discovery};
use crate::fault::LinkFilter;
use crate::gateway::{AgentTypes, Gateway, GatewayArgs, NodeLink};
use crate::gossip::{Gossip, GossipSettings, RttTable};
use crate::health::{Health, HealthReader, Thresholds};
use crate::loadbalancer::{LoadBalancer, LoadBalancerReader, LoadWeights};
use crate::membership::{JOINING, STATUS_KEY, TAGS_KEY};
use crate::placement::{DirectoryAgent, Placer, TypePlacement};
use crate::registry::{self, ClusterRegistry, RegistryReader};
use crate::tls::TlsConfig;
use crate::{admin, Membership, MembershipReader};

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
    fault_injection: bool,
    tls: Option<TlsConfig>,
    agent_types: AgentTypes,
    load_weights: LoadWeights,
}

impl NodeBuilder {
    pub(super) fn new(config: Config) -> Self {
        Self {
            config,
            discovery: Vec::new(),
            system: None,
            fault_injection: false,
            tls: None,
            agent_types: AgentTypes::default(),
            load_weights: LoadWeights::default(),
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

    /// Starts the node on the current tokio runtime. The settings are checked first (name,
    /// intervals, tags, TLS files, discovery), so a bad one is an error before anything runs.
    pub async fn start(self) -> Result<Node, NodeError> {
        let NodeBuilder {
            config,
            discovery: more_discovery,
            system,
            fault_injection,
            tls,
            mut agent_types,
            load_weights,
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
        if let Some(bad) = tags.iter().find(|t| !super::is_valid_tag(t)) {
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
        let owns_system = system.is_none();
        let system = match system {
            Some(system) => system,
            None => AgentSystem::builder().name(&name).start().await?,
        };
        let faults = fault_injection.then(LinkFilter::default);
        let mut key_values = vec![(STATUS_KEY.to_owned(), JOINING.to_owned())];
        if !tags.is_empty() {
            key_values.push((TAGS_KEY.to_owned(), tags.join(",")));
        }
        if let Some(listen) = listen_addr {
            key_values.push((LISTEN_KEY.to_owned(), listen.to_string()));
        }
        key_values.push((
            registry::TYPES_KEY.to_owned(),
            registry::types_value(&agent_types),
        ));
        let settings = GossipSettings {
            name: name.clone(),
            cluster_id: config.cluster_id.clone(),
            addr: gossip_addr,
            interval: gossip_interval,
            phi_threshold: config.phi,
            seeds: discovery.seeds(),
            faults: faults.clone(),
            rtt: RttTable::default(),
        };
        let gossip =
            Gossip::start(settings, key_values)
                .await
                .map_err(|err| NodeError::Gossip {
                    addr: gossip_addr,
                    reason: err.to_string(),
                })?;
        let generation = gossip.generation();
        let connections = ConnectionsReader::default();
        let membership = MembershipReader::default();
        let links = listen_addr.is_some().then(|| connections.clone());
        let (shared, from) = (membership.clone(), gossip.clone());
        system
            .spawn("mabeam.membership", move || {
                Membership::new(
                    from.clone(),
                    down_after,
                    alone_after,
                    links.clone(),
                    shared.clone(),
                )
            })
            .await?;
        discovery
            .spawn(&system, &name, gossip_addr, gossip.clone())
            .await?;
        let health = HealthReader::default();
        let (health_state, from, reader) = (health.clone(), gossip.clone(), membership.clone());
        let period = gossip_interval * 5;
        system
            .spawn("mabeam.health", move || {
                Health::new(
                    period,
                    from.clone(),
                    reader.clone(),
                    Thresholds::default(),
                    health_state.clone(),
                )
            })
            .await?;
        let load = LoadBalancerReader::default();
        let (scores, reader, health_reader, weights, node) = (
            load.clone(),
            membership.clone(),
            health.clone(),
            load_weights,
            name.clone(),
        );
        let every = gossip_interval;
        system
            .spawn("mabeam.loadbalancer", move || {
                LoadBalancer::new(
                    node.clone(),
                    every,
                    reader.clone(),
                    health_reader.clone(),
                    weights,
                    scores.clone(),
                )
            })
            .await?;
        let transport = match listen_addr {
            Some(listen) => {
                let server = NodeServer::new(
                    listen.port(),
                    config.cookie.expose().to_owned(),
                    name.clone(),
                    listen.ip().to_string(),
                    tls.as_ref()
                        .map(|tls| IncomingEncryptionMode::Tls(tls.acceptor())),
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
                let (from, reader, shared) =
                    (gossip.clone(), membership.clone(), connections.clone());
                let server_ref = server.clone();
                let tls = tls.clone();
                system
                    .spawn("mabeam.connections", move || {
                        Connections::new(
                            server_ref.clone(),
                            from.clone(),
                            reader.clone(),
                            shared.clone(),
                        )
                        .with_tls(tls.clone())
                    })
                    .await?;
                Some(server)
            }
            None => None,
        };
        let admin = match admin_addr {
            Some(addr) => {
                let state = admin::AdminState {
                    node: name.clone(),
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
        tracing::info!(node = %name, generation, gossip = %gossip_addr, "node started");
        if let (Some(listen), Some(tls)) = (listen_addr, &tls) {
            tracing::info!(%listen, server_name = tls.server_name(), "transport: mutual TLS");
        }
        let placer = Arc::new(Placer::new(
            gossip.clone(),
            membership.clone(),
            connections.clone(),
            load.clone(),
            load_weights,
            agent_types.placements(),
        ));
        agent_types.set_placer(placer.clone());
        // After the placer: the registry starts agents with the same agent types.
        let registry = RegistryReader::default();
        let (from, reader, types, shared) = (
            gossip.clone(),
            membership.clone(),
            agent_types.clone(),
            registry.clone(),
        );
        let registry_agent = system
            .spawn(registry::AGENT_NAME, move || {
                ClusterRegistry::new(from.clone(), reader.clone(), types.clone(), shared.clone())
            })
            .await?;
        let every = gossip_interval;
        system
            .spawn("mabeam.directory", move || {
                DirectoryAgent::new(placer.clone(), every)
            })
            .await?;
        let link = Arc::new(NodeLink::new(
            name.clone(),
            system.clone(),
            membership.clone(),
            connections.clone(),
            agent_types.clone(),
            registry.clone(),
        ));
        let passivation = {
            let (activations, system, idle) = (
                agent_types.activations.clone(),
                system.clone(),
                config.idle_timeout(),
            );
            let every = (idle / 4).max(Duration::from_millis(50));
            tokio::spawn(async move {
                loop {
                    tokio::time::sleep(every).await;
                    activations.sweep(&system, idle).await;
                }
            })
        };
        let (gateway, _) = Actor::spawn(
            None,
            Gateway,
            GatewayArgs {
                node: name.clone(),
                system: system.clone(),
                types: agent_types,
            },
        )
        .await
        .map_err(|err| NodeError::Gateway(err.to_string()))?;
        Ok(Node {
            registry,
            registry_agent,
            passivation,
            link,
            gateway,
            name,
            gossip_addr,
            gossip_interval,
            system,
            owns_system,
            gossip,
            membership,
            health,
            load,
            connections,
            transport,
            admin,
        })
    }
}

/// `duration` in whole milliseconds, rounded up (so a positive duration stays positive).
fn millis(duration: Duration) -> u64 {
    u64::try_from(duration.as_nanos().div_ceil(1_000_000)).unwrap_or(u64::MAX)
}
