//! [`Node`]: an agent system taking part in a cluster.

mod builder;
mod error;

pub use builder::NodeBuilder;
pub use error::NodeError;

use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use chitchat::ChitchatHandle;
use mabeam_actors::AgentSystem;
use tokio::task::JoinHandle;

use crate::connections::ConnectionsReader;
use crate::health::HealthReader;
use crate::membership::{LEAVING, STATUS_KEY};
use crate::MembershipReader;

/// A running node: its agent system, its gossip membership and (optionally) its admin
/// endpoint. Build one with [`Node::builder`].
pub struct Node {
    name: String,
    generation: u64,
    gossip_addr: SocketAddr,
    gossip_interval: Duration,
    system: AgentSystem,
    /// The node started the system (rather than being given one), so it stops it too.
    owns_system: bool,
    /// Shared with the discovery agent, which asks it to contact discovered addresses.
    gossip: Arc<ChitchatHandle>,
    membership: MembershipReader,
    health: HealthReader,
    connections: ConnectionsReader,
    transport: Option<ractor::ActorRef<ractor_cluster::NodeServerMessage>>,
    admin: Option<(SocketAddr, JoinHandle<()>)>,
}

impl Node {
    /// Starts configuring a node.
    pub fn builder() -> NodeBuilder {
        NodeBuilder::new()
    }

    /// The node's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// This incarnation's generation (its start time in milliseconds since the epoch).
    pub fn generation(&self) -> u64 {
        self.generation
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

    /// The peers it has an authenticated transport session with.
    pub fn connections(&self) -> &ConnectionsReader {
        &self.connections
    }

    /// Leaves the cluster gracefully: announces the leave (peers mark this node `leaving`,
    /// then `removed`, never `down`), lets the announcement spread for a few gossip rounds,
    /// then stops gossip, the admin endpoint and the agent system (or, for a system given to
    /// [`NodeBuilder::system`], only the node's own agents).
    pub async fn shutdown(self) {
        self.gossip
            .with_chitchat(|chitchat| chitchat.self_node_state().set(STATUS_KEY, LEAVING))
            .await;
        tokio::time::sleep(self.gossip_interval * 3).await;
        // Discovery first: it would keep asking the stopped gossip layer to contact peers.
        let _ = self.system.stop_agent(crate::discovery::AGENT_NAME).await;
        let stopped = self.gossip.termination_watcher();
        let result = match self.gossip.initiate_shutdown() {
            Ok(()) => stopped.await,
            Err(err) => Err(err),
        };
        if let Err(err) = result {
            tracing::warn!(node = %self.name, error = %err, "gossip did not stop cleanly");
        }
        if let Some((_, task)) = self.admin {
            task.abort();
        }
        if let Some(server) = self.transport {
            let _ = server
                .stop_and_wait(None, Some(Duration::from_secs(5)))
                .await;
        }
        if self.owns_system {
            self.system.shutdown().await;
        } else {
            // The application's system goes on: stop only the node's own agents.
            for agent in ["mabeam.connections", "mabeam.health", "mabeam.membership"] {
                let _ = self.system.stop_agent(agent).await;
            }
        }
        tracing::info!(node = %self.name, "left the cluster");
    }
}

impl fmt::Debug for Node {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Node")
            .field("name", &self.name)
            .field("generation", &self.generation)
            .field("gossip_addr", &self.gossip_addr)
            .finish_non_exhaustive()
    }
}
