use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use mabeam_actors::{Agent, AgentRef, AgentSystem, CastError, ChildSpec, RemoteAgent, WireReply};
use mabeam_core::codec;
use mabeam_core::wire::{self, Envelope};

use super::activations::{Activations, Entered, Passivate};
use super::RemoteError;
use crate::placement::{Placer, Route, TypePlacement};
use mabeam_core::placement::AgentKey;

/// How long a request waits for an agent that is registered but not yet (or no longer) running.
const START_WAIT: Duration = Duration::from_secs(5);

/// Makes a fresh `A` (virtual activation).
type Factory<A> = Arc<dyn Fn() -> A + Send + Sync>;

/// Delivers an encoded request to a live agent of one type, without waiting: gives the reply
/// back when the agent is not active here (the caller then takes [`Activate`]).
type Deliver = Arc<
    dyn Fn(&AgentTypes, &str, &AgentSystem, &str, &[u8], WireReply) -> Option<WireReply>
        + Send
        + Sync,
>;

/// Activates the agent if needed, then delivers (the slow path, in a task of its own).
type Activate = Arc<
    dyn Fn(AgentTypes, String, AgentSystem, String, Vec<u8>, WireReply) -> BoxFuture<'static, ()>
        + Send
        + Sync,
>;

/// Starts (or adopts) agent `id` of one type for the cluster registry.
type StartManaged = Arc<
    dyn Fn(AgentTypes, String, AgentSystem, String) -> BoxFuture<'static, Result<(), RemoteError>>
        + Send
        + Sync,
>;

/// Whether agent `id` runs on this node as the type.
type Runs = fn(&AgentSystem, &str) -> bool;

struct Registered {
    deliver: Deliver,
    activate: Activate,
    start_managed: StartManaged,
    runs: Runs,
    /// A `Factory<A>` for the type's `A`.
    factory: Arc<dyn Any + Send + Sync>,
}

/// The agent types a node can host and activate on demand (by `Agent::agent_type`), and the
/// agents it activated or passivated. Cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct AgentTypes {
    types: HashMap<&'static str, Arc<Registered>>,
    pub(crate) activations: Activations,
    /// The placement rules of the types registered with one (the others are placed by hash).
    placements: Arc<HashMap<&'static str, TypePlacement>>,
    /// The node's placement directory (set once, by the placement service).
    placer: Arc<std::sync::OnceLock<Arc<Placer>>>,
}

impl fmt::Debug for AgentTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentTypes")
            .field("types", &self.types.keys().collect::<Vec<_>>())
            .field("activations", &self.activations)
            .finish()
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

/// Fails `reply` with `error`, encoded as the caller's outcome.
pub(crate) fn fail(reply: WireReply, error: RemoteError) {
    tracing::debug!(%error, "remote request failed");
    // The reply carries outcome bytes: an error outcome is as good as a result.
    match codec::encode(&error) {
        Ok(bytes) => reply.send(Ok(wire::write_error(&bytes))),
        Err(err) => reply.send(Err(mabeam_actors::ServeError::Encode(err))),
    }
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

impl AgentTypes {
    /// Registers `A`, made by `factory` when a call finds it not running.
    pub(crate) fn register<A, F>(&mut self, factory: F)
    where
        A: RemoteAgent,
        F: Fn() -> A + Send + Sync + 'static,
    {
        let factory: Factory<A> = Arc::new(factory);
        let deliver: Deliver = Arc::new(|types, _node, system, id, request, reply| {
            let active = types
                .activations
                .get(id)
                .and_then(|activation| activation.enter())
                .and_then(|entered| Some((system.registry().lookup::<A>(id).ok()?, entered)));
            let Some((agent, entered)) = active else {
                return Some(reply);
            };
            if let Some((request, reply)) = decode_request::<A>(id, request, reply) {
                send_action(&agent, request, reply, entered);
            }
            None
        });
        let activate: Activate = Arc::new(|types, node, system, id, request, reply| {
            Box::pin(async move {
                let Some((request, reply)) = decode_request::<A>(&id, &request, reply) else {
                    return;
                };
                let factory = match types.factory::<A>(&node) {
                    Ok(factory) => factory,
                    Err(err) => return fail(reply, err),
                };
                match types.enter_active::<A>(&system, &id, &factory).await {
                    Ok((agent, entered)) => send_action(&agent, request, reply, entered),
                    Err(err) => fail(reply, err),
                }
            })
        });
        let start_managed: StartManaged = Arc::new(|types, node, system, id| {
            Box::pin(async move {
                let factory = types.factory::<A>(&node)?;
                types.activate::<A>(&system, &id, &factory).await.map(drop)
            })
        });
        self.types.insert(
            A::agent_type(),
            Arc::new(Registered {
                deliver,
                activate,
                start_managed,
                runs: |system, id| system.registry().lookup::<A>(id).is_ok(),
                factory: Arc::new(factory),
            }),
        );
    }

    /// Registers `A` like [`register`](Self::register), placed by `placement` through the
    /// directory on its hash owner.
    pub(crate) fn register_placed<A, F>(&mut self, factory: F, placement: TypePlacement)
    where
        A: RemoteAgent,
        F: Fn() -> A + Send + Sync + 'static,
    {
        self.register::<A, F>(factory);
        Arc::make_mut(&mut self.placements).insert(A::agent_type(), placement);
    }

    /// The placement rules, by type.
    pub(crate) fn placements(&self) -> Arc<HashMap<&'static str, TypePlacement>> {
        self.placements.clone()
    }

    /// Routes the types with a placement rule through `placer` (the first one set stays).
    pub(crate) fn set_placer(&self, placer: Arc<Placer>) {
        let _ = self.placer.set(placer);
    }

    /// The node's placer, if `agent_type` is placed by a rule (through the directory).
    pub(crate) fn placer_for(&self, agent_type: &str) -> Option<&Arc<Placer>> {
        self.placer
            .get()
            .filter(|_| self.placements.contains_key(agent_type))
    }

    fn factory<A: Agent>(&self, node: &str) -> Result<Factory<A>, RemoteError> {
        let unknown = || RemoteError::UnknownAgentType {
            node: node.to_owned(),
            agent_type: A::agent_type().to_owned(),
        };
        let registered = self.types.get(A::agent_type()).ok_or_else(unknown)?;
        registered
            .factory
            .clone()
            .downcast::<Factory<A>>()
            .map(|f| (*f).clone())
            .map_err(|_| unknown())
    }

    /// Runs `work` on the live `A` named `id` — activated if it is not running, from its
    /// snapshot if it was passivated — while holding it active (no passivation meanwhile).
    pub(crate) async fn with_agent<A, T, Fut>(
        &self,
        node: &str,
        system: &AgentSystem,
        id: &str,
        work: impl FnOnce(AgentRef<A>) -> Fut,
    ) -> Result<T, RemoteError>
    where
        A: Agent,
        Fut: Future<Output = Result<T, RemoteError>>,
    {
        let factory = self.factory::<A>(node)?;
        let (agent, _entered) = self.enter_active::<A>(system, id, &factory).await?;
        work(agent).await
    }

    /// The live `A` named `id`, entered for one call; activated first if needed.
    async fn enter_active<A: Agent>(
        &self,
        system: &AgentSystem,
        id: &str,
        factory: &Factory<A>,
    ) -> Result<(AgentRef<A>, Entered), RemoteError> {
        loop {
            let activation = self.activations.entry(id, passivator::<A>);
            let Some(entered) = activation.enter() else {
                // Being passivated: wait for the end, then take a fresh record.
                let _done = activation.gate.read().await;
                continue;
            };
            if let Ok(agent) = system.registry().lookup::<A>(id) {
                return Ok((agent, entered));
            }
            if self.activations.is_managed(id) {
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
                self.activate(system, id, factory).await?
            };
            return Ok((agent, entered));
        }
    }

    /// Delivers an encoded request on agent `id` of type `agent_type` at once if the agent is
    /// active here (the fast path: no task, no await); otherwise gives the reply back for
    /// [`AgentTypes::activate_and_deliver`]. An unknown type fails the reply.
    pub(crate) fn deliver(
        &self,
        node: &str,
        system: &AgentSystem,
        agent_type: &str,
        id: &str,
        request: &[u8],
        reply: WireReply,
    ) -> Option<WireReply> {
        let Some(registered) = self.types.get(agent_type) else {
            fail(
                reply,
                RemoteError::UnknownAgentType {
                    node: node.to_owned(),
                    agent_type: agent_type.to_owned(),
                },
            );
            return None;
        };
        (registered.deliver)(self, node, system, id, request, reply)
    }

    /// Activates the envelope's agent if needed, then delivers; gives up (the caller times
    /// out) when that outlasts the envelope's timeout. An agent of a type with a placement
    /// rule is found (or placed) through this node's directory first, and the envelope
    /// relayed to the node it runs on.
    pub(crate) async fn activate_and_deliver(
        &self,
        node: String,
        system: AgentSystem,
        envelope: &Envelope<'_>,
        reply: WireReply,
    ) {
        if let Some(placer) = self.placer_for(envelope.agent_type) {
            let key = AgentKey::new(envelope.agent_type, envelope.agent);
            match placer.route(&key).await {
                Err(err) => return fail(reply, err),
                Ok(Route::There(host)) => return placer.relay(&host, &key, envelope, reply).await,
                Ok(Route::Here) => {}
            }
        }
        self.activate_here_and_deliver(node, system, envelope, reply)
            .await;
    }

    /// [`activate_and_deliver`](Self::activate_and_deliver) on this node, without a directory
    /// lookup (the agent's hash owner placed it here).
    pub(crate) async fn activate_here_and_deliver(
        &self,
        node: String,
        system: AgentSystem,
        envelope: &Envelope<'_>,
        reply: WireReply,
    ) {
        let agent_type = envelope.agent_type;
        let Some(registered) = self.types.get(agent_type) else {
            return fail(
                reply,
                RemoteError::UnknownAgentType {
                    node,
                    agent_type: agent_type.to_owned(),
                },
            );
        };
        let id = envelope.agent.to_owned();
        let work = (registered.activate)(
            self.clone(),
            node,
            system,
            id.clone(),
            envelope.request.to_vec(),
            reply,
        );
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

    /// The agent types registered here.
    pub(crate) fn type_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.types.keys().copied().collect();
        names.sort_unstable();
        names
    }

    /// Starts agent `id` of `agent_type` for the cluster registry (or adopts it if it
    /// already runs), as a managed agent: never passivated, never activated by a call.
    pub(crate) async fn start_managed(
        &self,
        node: &str,
        system: &AgentSystem,
        agent_type: &str,
        id: &str,
    ) -> Result<(), RemoteError> {
        let registered =
            self.types
                .get(agent_type)
                .ok_or_else(|| RemoteError::UnknownAgentType {
                    node: node.to_owned(),
                    agent_type: agent_type.to_owned(),
                })?;
        self.activations.manage(id);
        (registered.start_managed)(self.clone(), node.to_owned(), system.clone(), id.to_owned())
            .await
    }

    /// Whether agent `id` runs here as an `agent_type`.
    pub(crate) fn runs(&self, system: &AgentSystem, agent_type: &str, id: &str) -> bool {
        self.types
            .get(agent_type)
            .is_some_and(|registered| (registered.runs)(system, id))
    }

    /// Looks `id` up, or starts it with `factory` (restoring its snapshot if it has one).
    async fn activate<A: Agent>(
        &self,
        system: &AgentSystem,
        id: &str,
        factory: &Factory<A>,
    ) -> Result<AgentRef<A>, RemoteError> {
        if let Ok(agent) = system.registry().lookup::<A>(id) {
            return Ok(agent);
        }
        let make = factory.clone();
        let spec = match self.activations.take_snapshot(id) {
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
