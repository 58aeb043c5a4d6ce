use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use mabeam_actors::{IntoAction, RemoteAgent, Reply};
use mabeam_core::codec;
use mabeam_core::placement::PlacementKey;
use mabeam_core::wire::{self, Kind};
use ractor::RpcReplyPort;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::CallPath;
use crate::link::{outcome_result, GatewayMsg, RemoteError};
use crate::locator::Location;

/// How long a call through the cluster waits unless told otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What a forwarding hash owner waits beyond the caller's timeout for the host's answer.
const FORWARD_MARGIN: Duration = Duration::from_millis(250);

/// How much longer than the caller waits a reply port stays open in ractor_cluster.
const PORT_MARGIN: Duration = Duration::from_secs(1);

/// A location-transparent handle on agent `id` of type `A`, wherever in the cluster it runs
/// (or will run: a call activates it on its owner). Made by [`Node::agent`](crate::Node::agent).
///
/// Calls read as on a local `AgentRef`: the typed methods `#[agent]` generates
/// (`counter.add(5).await`, returning a [`ClusterCall`](super::ClusterCall)), or the same
/// request structs (`counter.request(CounterAdd { by: 5 })`). Where the agent runs is the node's
/// locator's answer (see [`owner`](Self::owner)): the pinned node, where the registry runs a
/// singleton or one-per-node agent, or the rendezvous-hash owner among the members not yet
/// declared down (and, for a type with a placement rule, where that owner's directory put it).
/// When it is this node, the call takes the local path (no encoding).
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
    path: Arc<CallPath>,
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
            path: self.path.clone(),
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

impl<A: RemoteAgent> ClusterRef<A> {
    pub(crate) fn new(id: String, path: Arc<CallPath>) -> Self {
        Self {
            key: PlacementKey::new(A::agent_type(), &id),
            id,
            path,
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
        self.path
            .locator
            .owner(A::agent_type(), &self.id, &self.key, self.pinned.as_deref())
    }

    /// Where this agent's messages go now.
    async fn locate(&self) -> Result<Location, RemoteError> {
        self.path
            .locator
            .locate(A::agent_type(), &self.id, &self.key, self.pinned.as_deref())
            .await
    }

    /// The envelope of a call (`timeout`) or a cast (`None`) of `request`.
    fn envelope(
        &self,
        kind: Kind,
        timeout: Option<Duration>,
        request: A::Request,
    ) -> Result<Vec<u8>, RemoteError> {
        let mut envelope = Vec::with_capacity(64);
        let timeout_ms = timeout.map(|t| t.as_millis() as u64);
        wire::write_envelope(&mut envelope, kind, A::agent_type(), &self.id, timeout_ms)
            .map_err(|e| encode_err("the envelope", e))?;
        codec::encode_into(&mut envelope, &request).map_err(|e| encode_err("the request", e))?;
        Ok(envelope)
    }

    /// Runs `request` on the agent, wherever it is, and returns its result.
    pub async fn request<T, R>(&self, request: R) -> Result<T, RemoteError>
    where
        R: IntoAction<A, T> + Into<A::Request>,
        T: Serialize + DeserializeOwned + Send + 'static,
    {
        match self.locate().await? {
            Location::Here => self.local(request).await,
            Location::Node(owner) => {
                let envelope = self.envelope(Kind::Call, Some(self.timeout), request.into())?;
                self.remote(&owner, envelope).await
            }
            Location::Placed { placer, host, key } => {
                let envelope = self.envelope(Kind::Call, Some(self.timeout), request.into())?;
                let outcome = placer
                    .forward(&host, &key, envelope, self.timeout + FORWARD_MARGIN)
                    .await?;
                decode_outcome(&outcome)
            }
        }
    }

    /// Sends `request` to the agent without waiting for its result (fire-and-forget, like
    /// `AgentRef::tell`). Returns once the request is on its way: in the agent's mailbox when
    /// it is local, queued for its node otherwise (batched with other casts under load).
    pub async fn cast<T, R>(&self, request: R) -> Result<(), RemoteError>
    where
        R: IntoAction<A, T> + Into<A::Request>,
        T: Send + 'static,
    {
        match self.locate().await? {
            Location::Here => {
                let id = &self.id;
                self.path
                    .host
                    .with_agent::<A, (), _>(id, |agent| async move {
                        let action = request.into_action(Reply::detached());
                        agent
                            .cast_when_running(action, DEFAULT_TIMEOUT)
                            .await
                            .map_err(|_| RemoteError::NotRunning {
                                agent: id.clone(),
                                reason: "stopped while the cast was sent".to_owned(),
                            })
                    })
                    .await
            }
            Location::Node(owner) => {
                let frame = self.envelope(Kind::Cast, None, request.into())?;
                let outbox = self.path.link.outbox(&owner)?;
                outbox
                    .push(frame)
                    .await
                    // A closed outbox took nothing: the cast was not sent.
                    .map_err(|_| RemoteError::not_sent(owner, "the session closed"))
            }
            Location::Placed { placer, host, key } => {
                let envelope = self.envelope(Kind::Cast, None, request.into())?;
                placer
                    .forward(&host, &key, envelope, DEFAULT_TIMEOUT + FORWARD_MARGIN)
                    .await
                    .map(drop)
            }
        }
    }

    async fn local<T, R>(&self, request: R) -> Result<T, RemoteError>
    where
        R: IntoAction<A, T>,
        T: Send + 'static,
    {
        let (id, timeout) = (&self.id, self.timeout);
        self.path
            .host
            .with_agent::<A, T, _>(id, |agent| async move {
                agent
                    .request(request)
                    .timeout(timeout)
                    .await
                    .map_err(|err| RemoteError::from_call(id, err))
            })
            .await
    }

    async fn remote<T: DeserializeOwned>(
        &self,
        owner: &str,
        envelope: Vec<u8>,
    ) -> Result<T, RemoteError> {
        let link = &self.path.link;
        let gateway = link.gateway(owner)?;
        // Casts sent before this call reach the agent first.
        link.flushed(owner).await;
        // The caller's clock decides (the owner has no timer on the fast path). The port
        // itself lives a little longer, so ractor_cluster's own expiry of it never races the
        // caller's timeout (which would look like a closed session).
        let (tx, rx) = ractor::concurrency::oneshot();
        let port = RpcReplyPort::from((tx, self.timeout + PORT_MARGIN));
        gateway
            .cast(GatewayMsg::Call(envelope, port))
            .map_err(|_| {
                RemoteError::not_sent(owner, "the session closed before the call was sent")
            })?;
        let outcome = match tokio::time::timeout(self.timeout, rx).await {
            Ok(Ok(bytes)) => bytes,
            Ok(Err(_)) => {
                return Err(RemoteError::lost_after_sending(
                    owner,
                    "the session closed before the reply",
                ))
            }
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
    codec::decode(outcome_result(outcome)?).map_err(|e| RemoteError::Decode {
        what: "the result".to_owned(),
        reason: e.to_string(),
    })
}
