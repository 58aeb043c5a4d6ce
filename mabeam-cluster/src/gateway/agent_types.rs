use std::any::Any;
use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use futures::future::BoxFuture;
use mabeam_actors::remote::serve_encoded;
use mabeam_actors::{Agent, AgentRef, AgentSystem, RemoteAgent};

use super::RemoteError;

/// Makes a fresh `A` (virtual activation).
type Factory<A> = Arc<dyn Fn() -> A + Send + Sync>;

/// Serves an encoded request on agent `id` of one type, activating it first if needed.
type Dispatch = Arc<
    dyn Fn(
            AgentSystem,
            String,
            Vec<u8>,
            Option<Duration>,
        ) -> BoxFuture<'static, Result<Vec<u8>, RemoteError>>
        + Send
        + Sync,
>;

struct Registered {
    dispatch: Dispatch,
    /// A `Factory<A>` for the type's `A`.
    factory: Arc<dyn Any + Send + Sync>,
}

/// The agent types a node can host and activate on demand, by `Agent::agent_type`.
#[derive(Clone, Default)]
pub(crate) struct AgentTypes {
    types: HashMap<&'static str, Arc<Registered>>,
}

impl fmt::Debug for AgentTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_set().entries(self.types.keys()).finish()
    }
}

impl AgentTypes {
    /// Registers `A`, made by `factory` when a call finds it not running.
    pub(crate) fn register<A, F>(&mut self, factory: F)
    where
        A: RemoteAgent,
        F: Fn() -> A + Send + Sync + 'static,
    {
        let factory: Factory<A> = Arc::new(factory);
        let make = factory.clone();
        let dispatch: Dispatch = Arc::new(move |system, id, request, timeout| {
            let make = make.clone();
            Box::pin(async move {
                let agent = activate_with(&system, &id, &make).await?;
                serve_encoded(agent, &request, timeout)
                    .await
                    .map_err(|err| RemoteError::from_serve(&id, err))
            })
        });
        self.types.insert(
            A::agent_type(),
            Arc::new(Registered {
                dispatch,
                factory: Arc::new(factory),
            }),
        );
    }

    /// The live `A` named `id`, activated if it is not running.
    pub(crate) async fn activate<A: Agent>(
        &self,
        node: &str,
        system: &AgentSystem,
        id: &str,
    ) -> Result<AgentRef<A>, RemoteError> {
        if let Ok(agent) = system.registry().lookup::<A>(id) {
            return Ok(agent);
        }
        let unknown = || RemoteError::UnknownAgentType {
            node: node.to_owned(),
            agent_type: A::agent_type().to_owned(),
        };
        let registered = self.types.get(A::agent_type()).ok_or_else(unknown)?;
        let factory = registered
            .factory
            .clone()
            .downcast::<Factory<A>>()
            .map_err(|_| unknown())?;
        activate_with(system, id, &factory).await
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
        (registered.dispatch)(system, id, request, timeout).await
    }
}

/// Looks `id` up, or starts it with `factory`; a concurrent activation of the same id wins
/// and is used.
async fn activate_with<A: Agent>(
    system: &AgentSystem,
    id: &str,
    factory: &Factory<A>,
) -> Result<AgentRef<A>, RemoteError> {
    if let Ok(agent) = system.registry().lookup::<A>(id) {
        return Ok(agent);
    }
    let make = factory.clone();
    match system.spawn(id, move || make()).await {
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
