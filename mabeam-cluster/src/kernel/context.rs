use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use mabeam_actors::AgentSystem;

use super::{AdminRoute, ServiceError};
use crate::gateway::CallPath;
use crate::gossip::Gossip;
use crate::hosting::Host;
use crate::link::{NodeLink, Protocols, RemoteError};
use crate::locator::Locator;
use crate::views::{
    ConnectionsReader, HealthReader, LoadBalancerReader, MembershipReader, RegistryReader, View,
};

/// What every service of a node shares: the node's name and incarnation, its agent system,
/// the views the services publish (membership, transport sessions, health, load, registry),
/// and the way to other nodes' services ([`NodeContext::call`]). Cheap to clone.
#[derive(Clone)]
pub struct NodeContext {
    inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) name: String,
    pub(crate) gossip_interval: Duration,
    pub(crate) system: AgentSystem,
    pub(crate) gossip: Gossip,
    pub(crate) membership: MembershipReader,
    pub(crate) sessions: ConnectionsReader,
    pub(crate) health: HealthReader,
    pub(crate) load: LoadBalancerReader,
    pub(crate) registry: RegistryReader,
    pub(crate) host: Host,
    pub(crate) locator: Arc<Locator>,
    pub(crate) link: Arc<NodeLink>,
    pub(crate) path: Arc<CallPath>,
    pub(crate) routes: View<Vec<AdminRoute>>,
    pub(crate) protocols: View<Protocols>,
}

impl fmt::Debug for NodeContext {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("NodeContext")
            .field("node", &self.inner.name)
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}

impl NodeContext {
    pub(crate) fn new(inner: Inner) -> Self {
        Self {
            inner: Arc::new(inner),
        }
    }

    /// The node's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The current incarnation's generation (see [`Node::generation`](crate::Node::generation)).
    pub fn generation(&self) -> u64 {
        self.inner.gossip.generation()
    }

    /// How often the node gossips (the pace of membership, health and placement).
    pub fn gossip_interval(&self) -> Duration {
        self.inner.gossip_interval
    }

    /// The node's agent system.
    pub fn system(&self) -> &AgentSystem {
        &self.inner.system
    }

    /// The membership view.
    pub fn membership(&self) -> &MembershipReader {
        &self.inner.membership
    }

    /// The peers with an authenticated transport session.
    pub fn sessions(&self) -> &ConnectionsReader {
        &self.inner.sessions
    }

    /// The latest health report.
    pub fn health(&self) -> &HealthReader {
        &self.inner.health
    }

    /// The load balancer's latest scores.
    pub fn load_balancer(&self) -> &LoadBalancerReader {
        &self.inner.load
    }

    /// The cluster registry as this node sees it.
    pub fn registry(&self) -> &RegistryReader {
        &self.inner.registry
    }

    /// Calls protocol `protocol` on node `peer` (whose service of that protocol answers)
    /// with `request`, waiting at most `timeout`. Fails with
    /// [`RemoteError::NodeUnreachable`] without a transport session with `peer`,
    /// [`RemoteError::UnknownProtocol`] when `peer` serves no such protocol,
    /// [`RemoteError::Timeout`] when no answer came in time, or the handler's own error.
    /// `peer` may be this node.
    pub async fn call(
        &self,
        peer: &str,
        protocol: &str,
        request: Vec<u8>,
        timeout: Duration,
    ) -> Result<Vec<u8>, RemoteError> {
        if peer == self.inner.name {
            let handler = self.inner.protocols.get().get(protocol).cloned();
            let handler = handler.ok_or_else(|| RemoteError::UnknownProtocol {
                node: peer.to_owned(),
                protocol: protocol.to_owned(),
            })?;
            return tokio::time::timeout(timeout, handler.serve(request))
                .await
                .map_err(|_| RemoteError::Timeout {
                    agent: format!("protocol `{protocol}` of `{peer}`"),
                    after_ms: timeout.as_millis() as u64,
                })?;
        }
        self.inner
            .link
            .call_protocol(peer, protocol, request, timeout)
            .await
    }

    /// Announces `value` under gossip key `key` for this node (every node reads it with
    /// [`gossip_value`](Self::gossip_value) within a few gossip intervals). Keys starting
    /// with `mabeam.` belong to the node's own services: announcing one is refused with
    /// [`ServiceError::ReservedKey`].
    pub async fn announce(&self, key: &str, value: &str) -> Result<(), ServiceError> {
        if crate::gossip::schema::is_reserved(key) {
            return Err(ServiceError::ReservedKey(key.to_owned()));
        }
        self.inner.gossip.set_self(key, value).await;
        Ok(())
    }

    /// What the newest incarnation of `node` announces under `key`, as gossip has it here.
    pub async fn gossip_value(&self, node: &str, key: &str) -> Option<String> {
        let chitchat = self.inner.gossip.chitchat();
        let chitchat = chitchat.lock().await;
        crate::gossip::newest_per_node(&chitchat, |state| state.get(key).map(str::to_owned))
            .remove(node)
    }

    pub(crate) fn gossip(&self) -> &Gossip {
        &self.inner.gossip
    }

    pub(crate) fn host(&self) -> &Host {
        &self.inner.host
    }

    pub(crate) fn locator(&self) -> &Arc<Locator> {
        &self.inner.locator
    }

    pub(crate) fn link(&self) -> &Arc<NodeLink> {
        &self.inner.link
    }

    /// What the node's cluster handles share.
    pub(crate) fn path(&self) -> &Arc<CallPath> {
        &self.inner.path
    }

    pub(crate) fn routes(&self) -> &View<Vec<AdminRoute>> {
        &self.inner.routes
    }

    pub(crate) fn protocols(&self) -> &View<Protocols> {
        &self.inner.protocols
    }
}
