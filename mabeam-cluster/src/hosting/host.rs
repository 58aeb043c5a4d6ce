use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use mabeam_actors::{AgentRef, AgentSystem, RemoteAgent, WireReply};
use mabeam_core::wire::Envelope;

use super::activations::Activations;
use super::type_entry::TypeEntry;
use super::AgentTypes;
use crate::link::{fail, RemoteError};

/// The node as a host of agents: its name and agent system, the agent types it hosts, and
/// the agents it activated or passivated. Made when the node starts; cheap to clone.
#[derive(Clone)]
pub(crate) struct Host {
    inner: Arc<Inner>,
}

struct Inner {
    node: String,
    system: AgentSystem,
    types: AgentTypes,
    activations: Activations,
}

impl fmt::Debug for Host {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Host")
            .field("node", &self.inner.node)
            .field("types", &self.inner.types)
            .field("activations", &self.inner.activations)
            .finish()
    }
}

impl Host {
    pub(crate) fn new(node: String, system: AgentSystem, types: AgentTypes) -> Self {
        Self {
            inner: Arc::new(Inner {
                node,
                system,
                types,
                activations: Activations::default(),
            }),
        }
    }

    /// The node's name.
    pub(crate) fn node(&self) -> &str {
        &self.inner.node
    }

    /// The node's agent system.
    pub(crate) fn system(&self) -> &AgentSystem {
        &self.inner.system
    }

    /// The agents activated through the cluster, and the passivated ones.
    pub(crate) fn activations(&self) -> &Activations {
        &self.inner.activations
    }

    /// The agent types hosted here, sorted.
    pub(crate) fn type_names(&self) -> Vec<&'static str> {
        self.inner.types.type_names()
    }

    fn unknown(&self, agent_type: &str) -> RemoteError {
        RemoteError::UnknownAgentType {
            node: self.inner.node.clone(),
            agent_type: agent_type.to_owned(),
        }
    }

    /// Runs `work` on the live `A` named `id` — activated if it is not running, from its
    /// snapshot if it was passivated — while holding it active (no passivation meanwhile).
    pub(crate) async fn with_agent<A, T, Fut>(
        &self,
        id: &str,
        work: impl FnOnce(AgentRef<A>) -> Fut,
    ) -> Result<T, RemoteError>
    where
        A: RemoteAgent,
        Fut: Future<Output = Result<T, RemoteError>>,
    {
        let entry = self
            .inner
            .types
            .get(A::agent_type())
            .and_then(|hosted| hosted.as_any().downcast_ref::<TypeEntry<A>>())
            .ok_or_else(|| self.unknown(A::agent_type()))?;
        let (agent, _entered) = entry.enter_active(self, id).await?;
        work(agent).await
    }

    /// Delivers an encoded request to agent `id` of `agent_type` at once if the agent is
    /// active here (the fast path: no task, no await); otherwise gives the reply back for
    /// [`Host::activate_and_deliver`]. An unknown type fails the reply.
    pub(crate) fn deliver(
        &self,
        agent_type: &str,
        id: &str,
        request: &[u8],
        reply: WireReply,
    ) -> Option<WireReply> {
        let Some(hosted) = self.inner.types.get(agent_type) else {
            fail(reply, self.unknown(agent_type));
            return None;
        };
        hosted.deliver(self, id, request, reply)
    }

    /// Activates the envelope's agent here if needed, then delivers; gives up (the caller
    /// times out) when that outlasts the envelope's timeout.
    pub(crate) async fn activate_and_deliver(&self, envelope: &Envelope<'_>, reply: WireReply) {
        let agent_type = envelope.agent_type;
        let Some(hosted) = self.inner.types.get(agent_type) else {
            return fail(reply, self.unknown(agent_type));
        };
        let id = envelope.agent.to_owned();
        let work =
            hosted.activate_and_deliver(self.clone(), id.clone(), envelope.request.to_vec(), reply);
        match envelope.timeout_ms {
            None => work.await,
            Some(ms) => {
                let limit = Duration::from_millis(u64::from(ms));
                if tokio::time::timeout(limit, work).await.is_err() {
                    tracing::warn!(agent = %id, agent_type, "activation outlasted the caller's timeout");
                }
            }
        }
    }

    /// Starts agent `id` of `agent_type` for the cluster registry (or adopts it if it
    /// already runs), as a managed agent: never passivated, never activated by a call.
    pub(crate) async fn start_managed(
        &self,
        agent_type: &str,
        id: &str,
    ) -> Result<(), RemoteError> {
        let hosted = self
            .inner
            .types
            .get(agent_type)
            .ok_or_else(|| self.unknown(agent_type))?;
        self.inner.activations.manage(id);
        hosted.start_managed(self.clone(), id.to_owned()).await
    }

    /// Whether agent `id` runs here as an `agent_type`.
    pub(crate) fn runs(&self, agent_type: &str, id: &str) -> bool {
        self.inner
            .types
            .get(agent_type)
            .is_some_and(|hosted| hosted.runs(&self.inner.system, id))
    }
}
