use std::any::Any;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use mabeam_actors::{Agent, AgentRef, AgentSystem, CastError, ChildSpec, RemoteAgent, WireReply};
use mabeam_core::codec;

use super::activations::{Entered, Passivate};
use super::Host;
use crate::link::{fail, RemoteError};

/// How long a request waits for an agent that is registered but not yet (or no longer) running.
const START_WAIT: Duration = Duration::from_secs(5);

/// One agent type a node hosts, its Rust type erased: what the gateway and the registry do
/// with an agent of a type they know only by name. Implemented by [`TypeEntry<A>`] for every
/// registered `A`.
pub(crate) trait HostedType: Send + Sync + 'static {
    /// Delivers an encoded request to agent `id` at once if it is active here (no task, no
    /// await); gives the reply back when it must be activated first.
    fn deliver(&self, host: &Host, id: &str, request: &[u8], reply: WireReply)
        -> Option<WireReply>;

    /// Activates agent `id` if needed (from its snapshot if it was passivated), then
    /// delivers the encoded request.
    fn activate_and_deliver(
        &self,
        host: Host,
        id: String,
        request: Vec<u8>,
        reply: WireReply,
    ) -> BoxFuture<'static, ()>;

    /// Starts (or adopts) agent `id` for the cluster registry.
    fn start_managed(&self, host: Host, id: String) -> BoxFuture<'static, Result<(), RemoteError>>;

    /// Whether agent `id` runs on this node as this type.
    fn runs(&self, system: &AgentSystem, id: &str) -> bool;

    /// The entry itself, for the typed local path ([`Host::with_agent`]).
    fn as_any(&self) -> &dyn Any;
}

/// The hosted type `A` and the factory that makes a fresh `A` (virtual activation).
pub(crate) struct TypeEntry<A> {
    factory: Arc<dyn Fn() -> A + Send + Sync>,
}

impl<A: RemoteAgent> TypeEntry<A> {
    pub(crate) fn new(factory: impl Fn() -> A + Send + Sync + 'static) -> Self {
        Self {
            factory: Arc::new(factory),
        }
    }

    /// The live `A` named `id`, entered for one call; activated first if needed.
    pub(crate) async fn enter_active(
        &self,
        host: &Host,
        id: &str,
    ) -> Result<(AgentRef<A>, Entered), RemoteError> {
        let activations = host.activations();
        loop {
            let activation = activations.entry(id, passivator::<A>);
            let Some(entered) = activation.enter() else {
                // Being passivated: wait for the end, then take a fresh record.
                let _done = activation.gate.read().await;
                continue;
            };
            if let Ok(agent) = host.system().registry().lookup::<A>(id) {
                return Ok((agent, entered));
            }
            if activations.is_managed(id) {
                // A singleton or one-per-node agent runs where the registry started it.
                return Err(RemoteError::NotRunning {
                    agent: id.to_owned(),
                    reason: "a singleton or one-per-node agent that does not run on this node \
                             now (it may be moving)"
                        .to_owned(),
                });
            }
            let agent = {
                let _one = activation.activating.lock().await;
                self.activate(host, id).await?
            };
            return Ok((agent, entered));
        }
    }

    /// Looks `id` up, or starts it (restoring its snapshot if it has one).
    async fn activate(&self, host: &Host, id: &str) -> Result<AgentRef<A>, RemoteError> {
        let system = host.system();
        if let Ok(agent) = system.registry().lookup::<A>(id) {
            return Ok(agent);
        }
        let make = self.factory.clone();
        let spec = match host.activations().take_snapshot(id) {
            Some(snapshot) => ChildSpec::agent_from_snapshot(id, move || make(), snapshot),
            None => ChildSpec::agent(id, move || make()),
        };
        match system.spawn_agent::<A>(spec).await {
            Ok(agent) => {
                tracing::debug!(agent = id, agent_type = A::agent_type(), "activated");
                Ok(agent)
            }
            Err(err) => system
                .registry()
                .lookup::<A>(id)
                .map_err(|_| RemoteError::NotRunning {
                    agent: id.to_owned(),
                    reason: format!("activation failed: {err}"),
                }),
        }
    }
}

impl<A: RemoteAgent> HostedType for TypeEntry<A> {
    fn deliver(
        &self,
        host: &Host,
        id: &str,
        request: &[u8],
        reply: WireReply,
    ) -> Option<WireReply> {
        let active = host
            .activations()
            .get(id)
            .and_then(|activation| activation.enter())
            .and_then(|entered| Some((host.system().registry().lookup::<A>(id).ok()?, entered)));
        let Some((agent, entered)) = active else {
            return Some(reply);
        };
        if let Some((request, reply)) = decode_request::<A>(id, request, reply) {
            send_action(&agent, request, reply, entered);
        }
        None
    }

    fn activate_and_deliver(
        &self,
        host: Host,
        id: String,
        request: Vec<u8>,
        reply: WireReply,
    ) -> BoxFuture<'static, ()> {
        let entry = Self {
            factory: self.factory.clone(),
        };
        Box::pin(async move {
            let Some((request, reply)) = decode_request::<A>(&id, &request, reply) else {
                return;
            };
            match entry.enter_active(&host, &id).await {
                Ok((agent, entered)) => send_action(&agent, request, reply, entered),
                Err(err) => fail(reply, err),
            }
        })
    }

    fn start_managed(&self, host: Host, id: String) -> BoxFuture<'static, Result<(), RemoteError>> {
        let entry = Self {
            factory: self.factory.clone(),
        };
        Box::pin(async move { entry.activate(&host, &id).await.map(drop) })
    }

    fn runs(&self, system: &AgentSystem, id: &str) -> bool {
        system.registry().lookup::<A>(id).is_ok()
    }

    fn as_any(&self) -> &dyn Any {
        self
    }
}

/// Snapshot (if the type supports it) and stop.
fn passivator<A: Agent>() -> Passivate {
    Arc::new(|system: AgentSystem, id: String| {
        Box::pin(async move {
            let agent = system.registry().lookup::<A>(&id).ok()?;
            let snapshot = agent.snapshot().await.ok();
            if let Err(err) = system.stop_agent(&id).await {
                tracing::warn!(agent = %id, %err, "could not stop an idle agent");
            }
            snapshot
        })
    })
}

/// Decodes a request of `A`, or fails the reply with a decode error.
fn decode_request<A: RemoteAgent>(
    id: &str,
    request: &[u8],
    reply: WireReply,
) -> Option<(A::Request, WireReply)> {
    match codec::decode::<A::Request>(request) {
        Ok(request) => Some((request, reply)),
        Err(err) => {
            reply.send(Err(mabeam_actors::ServeError::Decode(err)));
            tracing::debug!(
                agent = id,
                agent_type = A::agent_type(),
                "undecodable request"
            );
            None
        }
    }
}

/// Sends the wire action to `agent`, holding `entered` until its reply is handed over.
fn send_action<A: RemoteAgent>(
    agent: &AgentRef<A>,
    request: A::Request,
    reply: WireReply,
    entered: Entered,
) {
    let action = A::wire_action(request, reply.holding(entered));
    let Err(CastError::NotRunning { action, .. }) = agent.cast(action) else {
        return;
    };
    // Starting (registered, not yet running) or restarting: wait for the instance.
    let agent = agent.clone();
    tokio::spawn(async move {
        if agent.cast_when_running(action, START_WAIT).await.is_err() {
            // Dropped with its reply, which tells the caller the agent failed.
            tracing::debug!(agent = %agent.id(), "the agent stopped before taking a remote request");
        }
    });
}
