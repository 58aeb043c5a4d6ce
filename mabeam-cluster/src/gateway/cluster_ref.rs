use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use mabeam_actors::remote::{decode_reply, encode_request};
use mabeam_actors::{AgentSystem, IntoAction, RemoteAgent};
use mabeam_core::codec;
use mabeam_core::membership::MemberStatus;
use mabeam_core::placement::{Placement, PlacementKey};
use ractor::rpc::CallResult;
use ractor::ActorRef;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::messages::Envelope;
use super::{AgentTypes, GatewayMsg, RemoteError, GATEWAY_GROUP};
use crate::connections::ConnectionsReader;
use crate::registry::{RegistryReader, Route};
use crate::MembershipReader;

/// How long a call through the cluster waits unless told otherwise.
const DEFAULT_TIMEOUT: Duration = Duration::from_secs(5);

/// What a [`ClusterRef`] needs from its node (shared by every ref of that node).
#[derive(Debug)]
pub(crate) struct NodeLink {
    pub(crate) node: String,
    pub(crate) system: AgentSystem,
    pub(crate) membership: MembershipReader,
    pub(crate) connections: ConnectionsReader,
    pub(crate) types: AgentTypes,
    /// Where singletons and one-per-node agents run.
    pub(crate) registry: RegistryReader,
}

/// A location-transparent handle on agent `id` of type `A`, wherever in the cluster it runs
/// (or will run: a call activates it on its owner). Made by [`Node::agent`](crate::Node::agent).
///
/// Calls take the same request structs as a local `AgentRef` (`CounterAdd { by: 5 }` for an
/// `add(by)` action). The owner is the rendezvous-hash owner among the `up` members; when it
/// is this node, the call takes the local path (no encoding).
pub struct ClusterRef<A> {
    id: String,
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

impl<A: RemoteAgent> ClusterRef<A> {
    pub(crate) fn new(id: String, link: Arc<NodeLink>) -> Self {
        Self {
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

    /// The agent's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// Calls through this handle wait at most `timeout` (default 5 s).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// The node that owns the agent now: the hash owner among the `up` members; for a
    /// singleton, where it runs; for a one-per-node agent, this node if it hosts the type;
    /// for a handle from [`Node::agent_on`](crate::Node::agent_on), that node.
    pub fn owner(&self) -> Option<String> {
        if let Some(node) = &self.pinned {
            return Some(node.clone());
        }
        match self.link.registry.route(A::agent_type(), &self.id) {
            Route::To(node) => return Some(node),
            Route::Nowhere => return None,
            Route::Unmanaged => {}
        }
        let members = self.link.membership.members();
        let placement = Placement::new(
            members
                .iter()
                .filter(|m| m.status == MemberStatus::Up)
                .map(|m| m.node.as_str()),
        );
        placement
            .owner(&PlacementKey::new(A::agent_type(), &self.id))
            .map(str::to_owned)
    }

    /// Runs `request` on the agent, wherever it is, and returns its result.
    pub async fn request<T, R>(&self, request: R) -> Result<T, RemoteError>
    where
        R: IntoAction<A, T> + Into<A::Request>,
        T: Serialize + DeserializeOwned + Send + 'static,
    {
        let owner = self.owner().ok_or_else(|| RemoteError::NoOwner {
            agent: self.id.clone(),
        })?;
        if owner == self.link.node {
            return self.local(request).await;
        }
        self.remote(&owner, request).await
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
        let node_id = self
            .link
            .connections
            .node_id(owner)
            .ok_or_else(|| unreachable("no transport session"))?;
        let gateway = ractor::pg::get_members(&GATEWAY_GROUP.to_owned())
            .into_iter()
            // A local actor's id reports node 0, which may also be a session's id.
            .find(|cell| !cell.get_id().is_local() && cell.get_id().node() == node_id)
            .ok_or_else(|| unreachable("its gateway is not known yet"))?;
        let encode_err = |what: &str, err: codec::CodecError| RemoteError::Encode {
            what: what.to_owned(),
            reason: err.to_string(),
        };
        let envelope = Envelope {
            agent_type: A::agent_type().to_owned(),
            agent: self.id.clone(),
            timeout_ms: Some(self.timeout.as_millis() as u64),
            request: encode_request::<A, R>(request).map_err(|e| encode_err("the request", e))?,
        };
        let envelope = codec::encode(&envelope).map_err(|e| encode_err("the envelope", e))?;
        let gateway: ActorRef<GatewayMsg> = gateway.into();
        // The owner enforces the timeout on the agent; the margin covers the way back.
        let wait = self.timeout + Duration::from_millis(500);
        let outcome = match gateway
            .call(|reply| GatewayMsg::Call(envelope, reply), Some(wait))
            .await
        {
            Ok(CallResult::Success(bytes)) => bytes,
            Ok(CallResult::Timeout) => {
                return Err(RemoteError::Timeout {
                    agent: self.id.clone(),
                    after_ms: wait.as_millis() as u64,
                })
            }
            Ok(CallResult::SenderError) => {
                return Err(unreachable("the session closed before the reply"))
            }
            Err(err) => return Err(unreachable(&err.to_string())),
        };
        let decode_err = |what: &str, err: codec::CodecError| RemoteError::Decode {
            what: what.to_owned(),
            reason: err.to_string(),
        };
        let outcome: Result<Vec<u8>, RemoteError> =
            codec::decode(&outcome).map_err(|e| decode_err("the outcome", e))?;
        decode_reply(&outcome?).map_err(|e| decode_err("the result", e))
    }
}
