use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::future::Future;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use mabeam_actors::remote::serve_encoded;
use mabeam_actors::{Agent, AgentRef, AgentSystem, ChildSpec, RemoteAgent};

use super::activations::{Activations, Passivate};
use super::RemoteError;

/// Makes a fresh `A` (virtual activation).
type Factory<A> = Arc<dyn Fn() -> A + Send + Sync>;

/// Serves an encoded request on agent `id` of one type.
type Dispatch = Arc<
    dyn Fn(
            AgentTypes,
            String,
            AgentSystem,
            String,
            Vec<u8>,
            Option<Duration>,
        ) -> BoxFuture<'static, Result<Vec<u8>, RemoteError>>
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
    dispatch: Dispatch,
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

impl AgentTypes {
    /// Registers `A`, made by `factory` when a call finds it not running.
    pub(crate) fn register<A, F>(&mut self, factory: F)
    where
        A: RemoteAgent,
        F: Fn() -> A + Send + Sync + 'static,
    {
        let factory: Factory<A> = Arc::new(factory);
        let dispatch: Dispatch = Arc::new(|types, node, system, id, request, timeout| {
            Box::pin(async move {
                let id = &id;
                types
                    .with_agent::<A, _, _>(&node, &system, id, |agent| async move {
                        serve_encoded(agent, &request, timeout)
                            .await
                            .map_err(|err| RemoteError::from_serve(id, err))
                    })
                    .await
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
                dispatch,
                start_managed,
                runs: |system, id| system.registry().lookup::<A>(id).is_ok(),
                factory: Arc::new(factory),
            }),
        );
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
        if self.activations.is_managed(id) {
            // A singleton or one-per-node agent: it runs where the registry started it.
            let agent = system
                .registry()
                .lookup::<A>(id)
                .map_err(|_| RemoteError::NotRunning {
                    agent: id.to_owned(),
                    reason: "a singleton or one-per-node agent that does not run on this node \
                             now (it may be moving)"
                        .to_owned(),
                })?;
            return work(agent).await;
        }
        let activation = self.activations.entry(id, passivator::<A>);
        let _active = activation.gate.read().await;
        activation.touch();
        let agent = {
            let _one = activation.activating.lock().await;
            self.activate(system, id, &factory).await?
        };
        let result = work(agent).await;
        activation.touch();
        result
    }

    /// Serves an encoded request of type `agent_type` on agent `id`.
    pub(crate) async fn dispatch(
        &self,
        node: &str,
        system: AgentSystem,
        agent_type: &str,
        id: String,
        request: Vec<u8>,
        timeout: Option<Duration>,
    ) -> Result<Vec<u8>, RemoteError> {
        let registered =
            self.types
                .get(agent_type)
                .ok_or_else(|| RemoteError::UnknownAgentType {
                    node: node.to_owned(),
                    agent_type: agent_type.to_owned(),
                })?;
        (registered.dispatch)(self.clone(), node.to_owned(), system, id, request, timeout).await
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
