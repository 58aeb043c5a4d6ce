//! [`Node`]: an agent system taking part in a cluster.

mod builder;
mod error;

pub use builder::NodeBuilder;
pub use error::NodeError;

use std::fmt;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use mabeam_actors::{AgentRef, AgentSystem, RemoteAgent};
use mabeam_core::membership::MemberStatus;

use crate::gateway::{ClusterRef, RemoteError};
use crate::kernel::{Kernel, NodeContext};
use crate::registry::{
    Claim, ClusterRegistry, ClusterRegistryHandle, RegistryError, SingletonSpec,
};
use crate::views::{
    ConnectionsReader, HealthReader, LoadBalancerReader, MembershipReader, RegistryReader,
};

/// A running node: a kernel (its incarnation, agent system, views and gateway) and its
/// services (see [`kernel`](crate::kernel)). Build one with [`Node::builder`].
pub struct Node {
    kernel: Kernel,
    gossip_addr: SocketAddr,
    admin: Arc<OnceLock<SocketAddr>>,
    registry_agent: Arc<OnceLock<AgentRef<ClusterRegistry>>>,
    /// It runs a transport.
    transport: bool,
}

impl Node {
    /// Starts configuring a node, from [`Config::default`](crate::Config::default).
    pub fn builder() -> NodeBuilder {
        NodeBuilder::new(crate::Config::default())
    }

    /// Starts configuring a node from `config` (read from a file, the environment and flags:
    /// see [`config`](crate::config)); the [`NodeBuilder`] setters can still change it.
    pub fn builder_with(config: crate::Config) -> NodeBuilder {
        NodeBuilder::new(config)
    }

    /// The node's name.
    pub fn name(&self) -> &str {
        self.ctx().name()
    }

    /// The current incarnation's generation (its start time in milliseconds since the epoch).
    /// It changes when the node rejoins after the cluster declared it down (see
    /// `cluster.self.rejoined`).
    pub fn generation(&self) -> u64 {
        self.ctx().generation()
    }

    /// What the node's services share: the views, the agent system, calls to other nodes'
    /// service protocols ([`NodeContext::call`]).
    pub fn context(&self) -> &NodeContext {
        self.kernel.ctx()
    }

    fn ctx(&self) -> &NodeContext {
        self.kernel.ctx()
    }

    /// Where it gossips.
    pub fn gossip_addr(&self) -> SocketAddr {
        self.gossip_addr
    }

    /// Where its admin endpoint listens, if it has one.
    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.admin.get().copied()
    }

    /// Its agent system.
    pub fn system(&self) -> &AgentSystem {
        self.ctx().system()
    }

    /// Its membership view (read without a mailbox hop).
    pub fn membership(&self) -> &MembershipReader {
        self.ctx().membership()
    }

    /// Its latest health report (read without a mailbox hop).
    pub fn health(&self) -> &HealthReader {
        self.ctx().health()
    }

    /// The load balancer's latest scoring of the nodes placement may use (read without a
    /// mailbox hop).
    pub fn load_balancer(&self) -> &LoadBalancerReader {
        self.ctx().load_balancer()
    }

    /// A location-transparent handle on agent `id` of type `A` (registered on every node with
    /// [`NodeBuilder::agent_type`]): calls reach it on whichever node owns it, activating it
    /// there if needed.
    pub fn agent<A: RemoteAgent>(&self, id: impl Into<String>) -> ClusterRef<A> {
        ClusterRef::new(id.into(), self.ctx().path().clone())
    }

    /// A handle on agent `id` of type `A` *on `node`*, whatever placement says: for reaching
    /// a given node's copy of a one-per-node agent (a call to an agent that does not run there
    /// activates it there, unless it is a singleton or one-per-node agent).
    pub fn agent_on<A: RemoteAgent>(
        &self,
        node: impl Into<String>,
        id: impl Into<String>,
    ) -> ClusterRef<A> {
        ClusterRef::new(id.into(), self.ctx().path().clone()).pinned_to(node.into())
    }

    /// Gives local agent `agent` the cluster-wide name `name` (Erlang's
    /// `global:register_name`). Refused when the name is held as far as this node knows.
    /// Two nodes registering one name at once both succeed here; once their claims meet, the
    /// conflict policy keeps one (the highest epoch, then the oldest registration) and the
    /// other node stops its agent (see [`registry`](crate::registry)). The name is withdrawn
    /// when the agent stops.
    pub async fn register_name(
        &self,
        name: impl Into<String>,
        agent: impl Into<String>,
    ) -> Result<(), RegistryError> {
        self.registry_agent()?
            .register(name.into(), agent.into())
            .await
            .map_err(|err| RegistryError::Unavailable(err.to_string()))?
    }

    /// Gives up this node's registration of `name`; false if it held none.
    pub async fn unregister_name(&self, name: impl Into<String>) -> bool {
        let Ok(registry) = self.registry_agent() else {
            return false;
        };
        registry.unregister(name.into()).await.unwrap_or(false)
    }

    /// Where cluster-wide `name` is held (node and agent id): a registered agent, or a
    /// singleton. Answered locally, from what this node last learned through gossip.
    pub fn whereis(&self, name: &str) -> Option<Arc<Claim>> {
        self.registry().whereis(name)
    }

    /// The cluster registry as this node sees it (names, singletons, what runs here).
    pub fn registry(&self) -> &RegistryReader {
        self.ctx().registry()
    }

    fn registry_agent(&self) -> Result<&AgentRef<ClusterRegistry>, RegistryError> {
        self.registry_agent.get().ok_or_else(|| {
            RegistryError::Unavailable("the registry service is not running".to_owned())
        })
    }

    /// Starts the cluster singleton `name` of type `A` (the seeds' `start_singleton`): one
    /// runs in the cluster, on the rendezvous owner of its key among the `up` nodes hosting
    /// `A`, and moves when that changes (a fresh `A` from the type's factory: state does not
    /// move with it). Every node learns it, so starting it from several nodes is harmless.
    /// Returns a handle that reaches it from here; `node.agent::<A>(name)` on any node does
    /// too.
    pub async fn start_singleton<A: RemoteAgent>(
        &self,
        name: impl Into<String>,
    ) -> Result<ClusterRef<A>, RegistryError> {
        let name = name.into();
        self.start_managed(SingletonSpec::cluster(name.clone(), A::agent_type()))
            .await?;
        Ok(self.agent(name))
    }

    /// Starts the one-per-node agent `name` of type `A` (the seeds' `start_replicated`):
    /// every node hosting `A` runs its own, nodes joining later too. Returns a handle on this
    /// node's copy (or, when this node does not host `A`, another node's); reach a given
    /// node's copy with [`Node::agent_on`].
    pub async fn start_per_node<A: RemoteAgent>(
        &self,
        name: impl Into<String>,
    ) -> Result<ClusterRef<A>, RegistryError> {
        let name = name.into();
        self.start_managed(SingletonSpec::per_node(name.clone(), A::agent_type()))
            .await?;
        Ok(self.agent(name))
    }

    async fn start_managed(&self, spec: SingletonSpec) -> Result<(), RegistryError> {
        self.registry_agent()?
            .start(spec)
            .await
            .map_err(|err| RegistryError::Unavailable(err.to_string()))?
    }

    /// How many agents are active on this node through the cluster (activated by calls).
    pub fn active_agents(&self) -> usize {
        self.ctx().host().activations().live_count()
    }

    /// How many agents this node has passivated (their snapshots wait for the next call).
    pub fn passivated_agents(&self) -> usize {
        self.ctx().host().activations().passivated_count()
    }

    /// Publishes `signal` cluster-wide: on this node's bus and on the bus of every node it has
    /// a session with, where matching subscribers get it as if it were local (its payload
    /// encoded once). Control-lane signals overtake queued bulk traffic to each node; they
    /// wait at most for the batch in flight. Returns the peers it was sent to.
    ///
    /// ```no_run
    /// # async fn demo(node: &mabeam_cluster::Node) -> Result<(), Box<dyn std::error::Error>> {
    /// use mabeam_core::{Lane, Signal, Topic};
    ///
    /// let stop = Signal::builder(Topic::new("jobs.stop")?).lane(Lane::Control).build();
    /// let peers = node.publish(stop).await?;
    /// println!("sent to {peers:?}");
    /// # Ok(()) }
    /// ```
    pub async fn publish(&self, signal: mabeam_core::Signal) -> Result<Vec<String>, RemoteError> {
        self.ctx().link().publish(signal).await
    }

    /// Passivates now every agent activated through the cluster that has been idle for at
    /// least `idle` — as the background sweep does every quarter of
    /// [`idle_timeout`](NodeBuilder::idle_timeout) — and returns how many it passivated. Each
    /// is snapshotted (if its type supports snapshots) and stopped; the next call reactivates
    /// it with its state. An agent in a call right now is left alone.
    /// `passivate_idle(Duration::ZERO)` passivates every agent not in a call.
    pub async fn passivate_idle(&self, idle: Duration) -> usize {
        self.ctx()
            .host()
            .activations()
            .sweep(self.ctx().system(), idle)
            .await
    }

    /// The gossip addresses this node's discovery currently knows of (itself excluded): every
    /// lookup strategy's latest result and the addresses of fresh multicast beacons. Empty
    /// when the node has no discovery strategy.
    pub async fn discovered(&self) -> Vec<SocketAddr> {
        use crate::discovery::{DiscoveryAgent, DiscoveryAgentHandle};
        let Ok(agent) = self
            .system()
            .agent::<DiscoveryAgent>(crate::discovery::AGENT_NAME)
        else {
            return Vec::new();
        };
        agent.discovered().await.unwrap_or_default()
    }

    /// The peers it has an authenticated transport session with.
    pub fn connections(&self) -> &ConnectionsReader {
        self.ctx().sessions()
    }

    /// Waits until this node is `up` with at least `members` members `up` in its view
    /// (itself included) and — when it runs a transport — a session with each of them whose
    /// gateway it knows, so calls to agents anywhere can go out. Told by the views, not
    /// polled; wrap it in `tokio::time::timeout` to bound the wait.
    ///
    /// ```no_run
    /// # async fn demo(node: &mabeam_cluster::Node) {
    /// node.ready(3).await; // a cluster of three, every link up
    /// # }
    /// ```
    pub async fn ready(&self, members: usize) {
        let ctx = self.ctx();
        loop {
            let (version, view) = ctx
                .membership()
                .wait_for_versioned(|view| {
                    view.iter().filter(|m| m.status == MemberStatus::Up).count() >= members
                        && view
                            .iter()
                            .any(|m| m.node == ctx.name() && m.status == MemberStatus::Up)
                })
                .await;
            if !self.transport {
                return;
            }
            let up: Vec<&str> = view
                .iter()
                .filter(|m| m.status == MemberStatus::Up && m.node != ctx.name())
                .map(|m| m.node.as_str())
                .collect();
            // The sessions, unless the membership changes first (then look again).
            tokio::select! {
                _ = ctx.sessions().wait_for(|sessions| {
                    up.iter().all(|peer| sessions.get(*peer).is_some_and(|s| s.gateway))
                }) => return,
                _ = ctx.membership().changed_since(version) => {}
            }
        }
    }

    /// Leaves the cluster gracefully: announces the leave (peers mark this node `leaving`,
    /// then `removed`, never `down`), waits until every peer it hears has acknowledged the
    /// announcement (at least three gossip rounds, at most 30 or 10 s), then stops the
    /// services in reverse start order, the gateway, gossip and the agent system (or, for a
    /// system given to [`NodeBuilder::system`], only the node's own agents).
    pub async fn shutdown(self) {
        self.kernel.stop().await;
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("name", &self.name())
            .field("generation", &self.generation())
            .field("gossip_addr", &self.gossip_addr)
            .finish_non_exhaustive()
    }
}
