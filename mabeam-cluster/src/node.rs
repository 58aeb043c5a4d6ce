//! [`Node`]: an agent system taking part in a cluster.

mod builder;
mod error;

pub use builder::NodeBuilder;
pub use error::NodeError;

use std::fmt;
use std::net::SocketAddr;
use std::time::Duration;

use mabeam_actors::AgentSystem;
use tokio::task::JoinHandle;

use std::sync::Arc;

use mabeam_actors::RemoteAgent;

use crate::connections::ConnectionsReader;
use crate::gateway::{ClusterRef, GatewayMsg, NodeLink, RemoteError};
use crate::gossip::Gossip;
use crate::health::HealthReader;
use crate::loadbalancer::LoadBalancerReader;
use crate::membership::{LEAVING, LEAVING_SEEN_KEY, STATUS_KEY};
use crate::registry::{
    Claim, ClusterRegistry, ClusterRegistryHandle, RegistryError, RegistryReader, SingletonSpec,
};
use crate::MembershipReader;
use mabeam_core::membership::Incarnation;

/// A running node: its agent system, its gossip membership and (optionally) its admin
/// endpoint. Build one with [`Node::builder`].
pub struct Node {
    name: String,
    gossip_addr: SocketAddr,
    gossip_interval: Duration,
    system: AgentSystem,
    /// The node started the system (rather than being given one), so it stops it too.
    owns_system: bool,
    gossip: Gossip,
    membership: MembershipReader,
    health: HealthReader,
    load: LoadBalancerReader,
    connections: ConnectionsReader,
    transport: Option<ractor::ActorRef<ractor_cluster::NodeServerMessage>>,
    admin: Option<(SocketAddr, JoinHandle<()>)>,
    link: Arc<NodeLink>,
    passivation: JoinHandle<()>,
    gateway: ractor::ActorRef<GatewayMsg>,
    registry: RegistryReader,
    registry_agent: mabeam_actors::AgentRef<ClusterRegistry>,
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
        &self.name
    }

    /// The current incarnation's generation (its start time in milliseconds since the epoch).
    /// It changes when the node rejoins after the cluster declared it down (see
    /// `cluster.self.rejoined`).
    pub fn generation(&self) -> u64 {
        self.gossip.generation()
    }

    /// Where it gossips.
    pub fn gossip_addr(&self) -> SocketAddr {
        self.gossip_addr
    }

    /// Where its admin endpoint listens, if it has one.
    pub fn admin_addr(&self) -> Option<SocketAddr> {
        self.admin.as_ref().map(|(addr, _)| *addr)
    }

    /// Its agent system.
    pub fn system(&self) -> &AgentSystem {
        &self.system
    }

    /// Its membership view (read without a mailbox hop).
    pub fn membership(&self) -> &MembershipReader {
        &self.membership
    }

    /// Its latest health report (read without a mailbox hop).
    pub fn health(&self) -> &HealthReader {
        &self.health
    }

    /// The load balancer's latest scoring of the nodes placement may use (read without a
    /// mailbox hop).
    pub fn load_balancer(&self) -> &LoadBalancerReader {
        &self.load
    }

    /// A location-transparent handle on agent `id` of type `A` (registered on every node with
    /// [`NodeBuilder::agent_type`]): calls reach it on whichever node owns it, activating it
    /// there if needed.
    pub fn agent<A: RemoteAgent>(&self, id: impl Into<String>) -> ClusterRef<A> {
        ClusterRef::new(id.into(), self.link.clone())
    }

    /// A handle on agent `id` of type `A` *on `node`*, whatever placement says: for reaching
    /// a given node's copy of a one-per-node agent (a call to an agent that does not run there
    /// activates it there, unless it is a singleton or one-per-node agent).
    pub fn agent_on<A: RemoteAgent>(
        &self,
        node: impl Into<String>,
        id: impl Into<String>,
    ) -> ClusterRef<A> {
        ClusterRef::new(id.into(), self.link.clone()).pinned_to(node.into())
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
        self.registry_agent
            .register(name.into(), agent.into())
            .await
            .map_err(|err| RegistryError::Unavailable(err.to_string()))?
    }

    /// Gives up this node's registration of `name`; false if it held none.
    pub async fn unregister_name(&self, name: impl Into<String>) -> bool {
        self.registry_agent
            .unregister(name.into())
            .await
            .unwrap_or(false)
    }

    /// Where cluster-wide `name` is held (node and agent id): a registered agent, or a
    /// singleton. Answered locally, from what this node last learned through gossip.
    pub fn whereis(&self, name: &str) -> Option<Arc<Claim>> {
        self.registry.whereis(name)
    }

    /// The cluster registry as this node sees it (names, singletons, what runs here).
    pub fn registry(&self) -> &RegistryReader {
        &self.registry
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
        self.registry_agent
            .start(spec)
            .await
            .map_err(|err| RegistryError::Unavailable(err.to_string()))?
    }

    /// How many agents are active on this node through the cluster (activated by calls).
    pub fn active_agents(&self) -> usize {
        self.link.types.activations.live_count()
    }

    /// How many agents this node has passivated (their snapshots wait for the next call).
    pub fn passivated_agents(&self) -> usize {
        self.link.types.activations.passivated_count()
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
        self.link.publish(signal).await
    }

    /// Passivates now every agent activated through the cluster that has been idle for at
    /// least `idle` — as the background sweep does every quarter of
    /// [`idle_timeout`](NodeBuilder::idle_timeout) — and returns how many it passivated. Each
    /// is snapshotted (if its type supports snapshots) and stopped; the next call reactivates
    /// it with its state. An agent in a call right now is left alone.
    /// `passivate_idle(Duration::ZERO)` passivates every agent not in a call.
    pub async fn passivate_idle(&self, idle: Duration) -> usize {
        self.link.types.activations.sweep(&self.system, idle).await
    }

    /// The peers it has an authenticated transport session with.
    pub fn connections(&self) -> &ConnectionsReader {
        &self.connections
    }

    /// Leaves the cluster gracefully: announces the leave (peers mark this node `leaving`,
    /// then `removed`, never `down`), waits until every peer it hears has acknowledged the
    /// announcement (at least three gossip rounds, at most 30 or 10 s), then stops gossip,
    /// the admin endpoint and the agent system (or, for a system given to
    /// [`NodeBuilder::system`], only the node's own agents).
    pub async fn shutdown(self) {
        self.gossip.set_self(STATUS_KEY, LEAVING).await;
        self.await_leave_acknowledged().await;
        // The registry has handed its singletons over by now. Quiet it before stopping it: it
        // must not be waiting on the root supervisor (starting or stopping an agent) while
        // the root waits for it to stop.
        self.registry.close();
        let _ = self.system.stop_agent(crate::registry::AGENT_NAME).await;
        // Discovery first: it would keep asking the stopped gossip layer to contact peers.
        let _ = self.system.stop_agent(crate::discovery::AGENT_NAME).await;
        self.gossip.shutdown().await;
        if let Some((_, task)) = self.admin {
            task.abort();
        }
        self.gateway.stop(None);
        self.passivation.abort();
        if let Some(server) = self.transport {
            let _ = server
                .stop_and_wait(None, Some(Duration::from_secs(5)))
                .await;
        }
        if self.owns_system {
            self.system.shutdown().await;
        } else {
            // The application's system goes on: stop only the node's own agents, and the
            // singletons and one-per-node agents it ran.
            let managed = self.registry.running_here();
            for agent in [
                "mabeam.connections",
                "mabeam.directory",
                "mabeam.loadbalancer",
                "mabeam.health",
                "mabeam.membership",
            ] {
                let _ = self.system.stop_agent(agent).await;
            }
            for agent in managed {
                let _ = self.system.stop_agent(&agent).await;
            }
        }
        tracing::info!(node = %self.name, "left the cluster");
    }
}

impl Node {
    /// Waits until every peer heard has listed this incarnation in its `mabeam.leaving_seen`
    /// (so it will end `removed`, not `down`), within bounds.
    async fn await_leave_acknowledged(&self) {
        let me = Incarnation::new(self.name.clone(), self.gossip.generation());
        let least = self.gossip_interval * 3;
        let most = (self.gossip_interval * 30)
            .min(Duration::from_secs(10))
            .max(least);
        let start = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(self.gossip_interval).await;
            let pending: Vec<String> = {
                let chitchat = self.gossip.chitchat();
                let chitchat = chitchat.lock().await;
                chitchat
                    .live_nodes()
                    .filter(|id| *id.node_id != *me.node)
                    .filter(|id| {
                        let seen = chitchat
                            .node_state(id)
                            .and_then(|state| state.get(LEAVING_SEEN_KEY))
                            .map(Incarnation::parse_list)
                            .unwrap_or_default();
                        !seen.contains(&me)
                    })
                    .map(|id| id.node_id.to_string())
                    .collect()
            };
            let waited = start.elapsed();
            if pending.is_empty() && waited >= least {
                return;
            }
            if waited >= most {
                tracing::warn!(node = %self.name, ?pending, "leaving without every peer's acknowledgement");
                return;
            }
        }
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("name", &self.name)
            .field("generation", &self.generation())
            .field("gossip_addr", &self.gossip_addr)
            .finish_non_exhaustive()
    }
}

/// A tag a node can announce: not empty; letters, digits, `-`, `_`, `.`, `:` and `/` only.
pub(crate) fn is_valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c))
}
