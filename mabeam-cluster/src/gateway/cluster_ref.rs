use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use mabeam_actors::{IntoAction, RemoteAgent, Reply};
use mabeam_core::codec;
use mabeam_core::placement::{AgentKey, Placement, PlacementKey};
use mabeam_core::wire::{self, Kind};
use ractor::RpcReplyPort;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{NodeLink, RemoteError};
use crate::placement::{Placer, Route as Placed};
use crate::views::Route;

/// How long a call through the cluster waits unless told otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// How much longer than the caller waits a reply port stays open in ractor_cluster.
const PORT_MARGIN: Duration = Duration::from_secs(1);

/// A location-transparent handle on agent `id` of type `A`, wherever in the cluster it runs
/// (or will run: a call activates it on its owner). Made by [`Node::agent`](crate::Node::agent).
///
/// Calls read as on a local `AgentRef`: the typed methods `#[agent]` generates
/// (`counter.add(5).await`, returning a [`ClusterCall`](super::ClusterCall)), or the same
/// request structs (`counter.request(CounterAdd { by: 5 })`). The owner is the rendezvous-hash
/// owner among the `up` members; when it is this node, the call takes the local path (no
/// encoding).
///
/// While the owner is unreachable (suspected by the failure detector, not yet declared down)
/// calls fail at once with [`RemoteError::NodeUnreachable`]: its agents stay where they are
/// until the node is down, and only then are activated on their new owner.
///
/// Messages from one node to one agent arrive in the order they were sent, casts and calls
/// alike.
pub struct ClusterRef<A> {
    id: String,
    key: PlacementKey,
    link: Arc<NodeLink>,
    timeout: Duration,
    /// Calls go to this node, whatever placement says ([`Node::agent_on`](crate::Node::agent_on)).
    pinned: Option<String>,
    _agent: PhantomData<fn() -> A>,
}

impl<A> Clone for ClusterRef<A> {
    fn clone(&self) -> Self {
        Self {
            id: self.id.clone(),
            key: self.key,
            link: self.link.clone(),
            timeout: self.timeout,
            pinned: self.pinned.clone(),
            _agent: PhantomData,
        }
    }
}

impl<A> fmt::Debug for ClusterRef<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClusterRef")
            .field("id", &self.id)
            .field("type", &std::any::type_name::<A>())
            .finish_non_exhaustive()
    }
}

fn encode_err(what: &str, reason: impl fmt::Display) -> RemoteError {
    RemoteError::Encode {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

fn decode_err(what: &str, reason: impl fmt::Display) -> RemoteError {
    RemoteError::Decode {
        what: what.to_owned(),
        reason: reason.to_string(),
    }
}

impl<A: RemoteAgent> ClusterRef<A> {
    pub(crate) fn new(id: String, link: Arc<NodeLink>) -> Self {
        Self {
            key: PlacementKey::new(A::agent_type(), &id),
            id,
            link,
            timeout: DEFAULT_TIMEOUT,
            pinned: None,
            _agent: PhantomData,
        }
    }

    /// The same handle, sending every call to `node`.
    pub(crate) fn pinned_to(mut self, node: String) -> Self {
        self.pinned = Some(node);
        self
    }

    /// Where calls go when placement does not decide: the pinned node, or where the registry
    /// runs a singleton or one-per-node agent (`Some(None)`: managed, but nowhere now).
    fn routed(&self) -> Option<Option<String>> {
        if let Some(node) = &self.pinned {
            return Some(Some(node.clone()));
        }
        match self.link.registry.route(A::agent_type(), &self.id) {
            Route::Unmanaged => None,
            Route::To(node) => Some(Some(node)),
            Route::Nowhere => Some(None),
        }
    }

    /// The agent's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Calls through this handle wait at most `timeout` (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The node that owns the agent now: the hash owner among the members that are `up` or
    /// `unreachable` but not yet declared down (see [`MembershipReader::placement`](crate::MembershipReader::placement));
    /// for a singleton, where it runs; for a one-per-node agent, this node if it hosts the
    /// type; for a handle from [`Node::agent_on`](crate::Node::agent_on), that node.
    pub fn owner(&self) -> Option<String> {
        if let Some(routed) = self.routed() {
            return routed;
        }
        self.link
            .membership
            .placement()
            .owner(&self.key)
            .map(str::to_owned)
    }

    /// Runs `request` on the agent, wherever it is, and returns its result.
    pub async fn request<T, R>(&self, request: R) -> Result<T, RemoteError>
    where
        R: IntoAction<A, T> + Into<A::Request>,
        T: Serialize + DeserializeOwned + Send + 'static,
    {
        let (placement, routed) = (self.link.membership.placement(), self.routed());
        let owner = self.owner_in(&placement, &routed)?;
        if owner == self.link.node {
            if let Some((placer, host, key)) = self.placed_elsewhere().await? {
                let request = request.into();
                let outcome = placer
                    .call_placed(&host, &key, Kind::Call, Some(self.timeout), &request)
                    .await?;
                return decode_outcome(&outcome);
            }
            return self.local(request).await;
        }
        self.remote(owner, request).await
    }

    /// The node the agent's messages go to: the routed node if any, else the hash owner.
    fn owner_in<'a>(
        &self,
        placement: &'a Placement,
        routed: &'a Option<Option<String>>,
    ) -> Result<&'a str, RemoteError> {
        match routed {
            Some(routed) => routed.as_deref(),
            None => placement.owner(&self.key),
        }
        .ok_or_else(|| RemoteError::NoOwner {
            agent: self.id.clone(),
        })
    }

    /// On the agent's hash owner: where its directory placed it, when that is another node
    /// (the agent's type has a placement rule, and the rule chose a host elsewhere).
    async fn placed_elsewhere(
        &self,
    ) -> Result<Option<(&Arc<Placer>, String, AgentKey)>, RemoteError> {
        let Some(placer) = self.link.types.placer_for(A::agent_type()) else {
            return Ok(None);
        };
        let key = AgentKey::new(A::agent_type(), self.id.as_str());
        Ok(match placer.route(&key).await? {
            Placed::There(host) => Some((placer, host, key)),
            Placed::Here => None,
        })
    }

    /// Sends `request` to the agent without waiting for its result (fire-and-forget, like
    /// `AgentRef::tell`). Returns once the request is on its way: in the agent's mailbox when
    /// it is local, queued for its node otherwise (batched with other casts under load).
    pub async fn cast<T, R>(&self, request: R) -> Result<(), RemoteError>
    where
        R: IntoAction<A, T> + Into<A::Request>,
        T: Send + 'static,
    {
        let (placement, routed) = (self.link.membership.placement(), self.routed());
        let owner = self.owner_in(&placement, &routed)?;
        if owner == self.link.node {
            if let Some((placer, host, key)) = self.placed_elsewhere().await? {
                let request = request.into();
                placer
                    .call_placed(&host, &key, Kind::Cast, None, &request)
                    .await?;
                return Ok(());
            }
            let link = &self.link;
            let id = &self.id;
            return link
                .types
                .with_agent::<A, (), _>(&link.node, &link.system, id, |agent| async move {
                    let action = request.into_action(Reply::detached());
                    agent
                        .cast_when_running(action, DEFAULT_TIMEOUT)
                        .await
                        .map_err(|_| RemoteError::NotRunning {
                            agent: id.clone(),
                            reason: "stopped while the cast was sent".to_owned(),
                        })
                })
                .await;
        }
        let mut frame = Vec::with_capacity(64);
        wire::write_envelope(&mut frame, Kind::Cast, A::agent_type(), &self.id, None)
            .map_err(|e| encode_err("the envelope", e))?;
        codec::encode_into(&mut frame, &request.into())
            .map_err(|e| encode_err("the request", e))?;
        if self.link.membership.is_unreachable(owner) {
            return Err(RemoteError::NodeUnreachable {
                node: owner.to_owned(),
                reason: "unreachable (not yet declared down)".to_owned(),
            });
        }
        let outbox = self.link.outbox(owner)?;
        outbox
            .push(frame)
            .await
            .map_err(|_| RemoteError::NodeUnreachable {
                node: owner.to_owned(),
                reason: "the session closed".to_owned(),
            })
    }

    async fn local<T, R>(&self, request: R) -> Result<T, RemoteError>
    where
        R: IntoAction<A, T>,
        T: Send + 'static,
    {
        let link = &self.link;
        let (id, timeout) = (&self.id, self.timeout);
        link.types
            .with_agent::<A, T, _>(&link.node, &link.system, id, |agent| async move {
                agent
                    .request(request)
                    .timeout(timeout)
                    .await
                    .map_err(|err| RemoteError::from_call(id, err))
            })
            .await
    }

    async fn remote<T, R>(&self, owner: &str, request: R) -> Result<T, RemoteError>
    where
        R: Into<A::Request>,
        T: DeserializeOwned,
    {
        let unreachable = |reason: &str| RemoteError::NodeUnreachable {
            node: owner.to_owned(),
            reason: reason.to_owned(),
        };
        let mut envelope = Vec::with_capacity(64);
        wire::write_envelope(
            &mut envelope,
            Kind::Call,
            A::agent_type(),
            &self.id,
            Some(self.timeout.as_millis() as u64),
        )
        .map_err(|e| encode_err("the envelope", e))?;
        codec::encode_into(&mut envelope, &request.into())
            .map_err(|e| encode_err("the request", e))?;
        if self.link.membership.is_unreachable(owner) {
            return Err(unreachable("unreachable (not yet declared down)"));
        }
        let gateway = self.link.gateway(owner)?;
        // Casts sent before this call reach the agent first.
        self.link.flushed(owner).await;
        // The caller's clock decides (the owner has no timer on the fast path). The port
        // itself lives a little longer, so ractor_cluster's own expiry of it never races the
        // caller's timeout (which would look like a closed session).
        let (tx, rx) = ractor::concurrency::oneshot();
        let port = RpcReplyPort::from((tx, self.timeout + PORT_MARGIN));
        gateway
            .cast(super::GatewayMsg::Call(envelope, port))
            .map_err(|err| unreachable(&err.to_string()))?;
        let outcome = match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(_)) => return Err(unreachable("the session closed before the reply")),
            Err(_) => {
                return Err(RemoteError::Timeout {
                    agent: self.id.clone(),
                    after_ms: self.timeout.as_millis() as u64,
                })
            }
        };
        decode_outcome(&outcome)
    }
}

/// A call's result from its outcome bytes, or the error they carry.
fn decode_outcome<T: DeserializeOwned>(outcome: &[u8]) -> Result<T, RemoteError> {
    match wire::decode_outcome(outcome).map_err(|e| decode_err("the outcome", e))? {
        Ok(result) => codec::decode(result).map_err(|e| decode_err("the result", e)),
        Err(error) => {
            Err(codec::decode::<RemoteError>(error).map_err(|e| decode_err("the error", e))?)
        }
    }
}
