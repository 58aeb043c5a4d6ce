//! [`AgentSystem`]: the agent runtime embedded in the caller's tokio runtime.

mod builder;
mod error;

pub use builder::AgentSystemBuilder;
pub use error::StartError;

use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use mabeam_core::{AgentId, Signal, TopicError, TopicPattern};
use tokio::task::JoinHandle;

use crate::bus::{PublishReport, SignalBus, Subscription};
use crate::registry::{LookupError, Registry};
use crate::supervisor::{ChildSpec, SupervisorError, SupervisorRef, SupervisorSpec};
use crate::{Agent, AgentRef};

struct Inner {
    name: Arc<str>,
    registry: Registry,
    bus: SignalBus,
    call_timeout: Option<Duration>,
    shutdown_timeout: Duration,
    root: SupervisorRef,
    root_task: Mutex<Option<JoinHandle<()>>>,
}

/// An agent runtime: a root supervisor, a registry and a signal bus, running on the tokio
/// runtime it was started in (it has none of its own). Cheap to clone.
///
/// ```
/// use mabeam_actors::prelude::*;
/// # #[derive(Default)] struct Echo;
/// # impl Agent for Echo { type Action = (String, Reply<String>);
/// #   async fn handle(&mut self, _: &mut Ctx<Self>, (s, r): (String, Reply<String>)) -> Result<(), AgentError> {
/// #     r.send(s); Ok(()) } }
///
/// # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let system = AgentSystem::builder().name("app").start().await?;
/// let echo = system.spawn("echo", Echo::default).await?;
/// assert_eq!(echo.call(|r| ("hi".to_owned(), r)).await?, "hi");
/// assert_eq!(system.agent::<Echo>("echo")?.id().as_str(), "echo");
/// system.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct AgentSystem {
    inner: Arc<Inner>,
}

impl AgentSystem {
    /// Starts configuring a system.
    pub fn builder() -> AgentSystemBuilder {
        AgentSystemBuilder::new()
    }

    /// The system's name.
    pub fn name(&self) -> &str {
        &self.inner.name
    }

    /// The registry of its agents.
    pub fn registry(&self) -> &Registry {
        &self.inner.registry
    }

    /// Its signal bus.
    pub fn bus(&self) -> &SignalBus {
        &self.inner.bus
    }

    /// The default timeout of [`AgentRef::call`] (`None`: wait forever).
    pub fn call_timeout(&self) -> Option<Duration> {
        self.inner.call_timeout
    }

    /// The root supervisor.
    pub fn root(&self) -> &SupervisorRef {
        &self.inner.root
    }

    /// Whether the root supervisor is running (false after shutdown, or if it gave up).
    pub fn is_running(&self) -> bool {
        self.inner.root.is_running()
    }

    /// Starts an agent registered as `id` under the root supervisor (permanent, restarted by
    /// building a fresh value with `factory`) and returns its handle.
    pub async fn spawn<A, F>(
        &self,
        id: impl Into<AgentId>,
        factory: F,
    ) -> Result<AgentRef<A>, SupervisorError>
    where
        A: Agent,
        F: Fn() -> A + Send + Sync + 'static,
    {
        self.spawn_agent(ChildSpec::agent(id, factory)).await
    }

    /// Starts the agent child `spec` (made with [`ChildSpec::agent`], any restart type) under the
    /// root supervisor and returns its handle.
    ///
    /// # Panics
    /// When `spec` is not an agent of type `A`.
    pub async fn spawn_agent<A: Agent>(
        &self,
        spec: ChildSpec,
    ) -> Result<AgentRef<A>, SupervisorError> {
        assert_eq!(
            spec.kind(),
            crate::ChildKind::Agent,
            "spawn_agent takes an agent child spec"
        );
        let slot = self.inner.root.adopt_agent(spec, self).await?;
        assert_eq!(
            slot.type_id(),
            std::any::TypeId::of::<A>(),
            "spawn_agent::<{}> was given a spec for a {}",
            std::any::type_name::<A>(),
            slot.type_name()
        );
        Ok(AgentRef::from_slot(slot))
    }

    /// Starts any child (agent, actor, supervisor) under the root supervisor.
    pub async fn start_child(&self, spec: ChildSpec) -> Result<(), SupervisorError> {
        self.inner.root.start_child(spec).await
    }

    /// Starts a supervisor (and its children) under the root supervisor.
    pub async fn spawn_supervisor(
        &self,
        spec: SupervisorSpec,
    ) -> Result<SupervisorRef, SupervisorError> {
        let handle = spec.handle();
        self.inner
            .root
            .start_child(ChildSpec::supervisor(spec))
            .await?;
        Ok(handle)
    }

    /// A typed handle to the agent registered as `id`.
    pub fn agent<A: Agent>(&self, id: &str) -> Result<AgentRef<A>, LookupError> {
        self.inner.registry.lookup(id)
    }

    /// Stops a child of the root supervisor for good (an agent started with
    /// [`AgentSystem::spawn`], say) and frees its id.
    pub async fn stop_agent(&self, id: &str) -> Result<(), SupervisorError> {
        self.inner.root.terminate_child(id).await
    }

    /// Publishes a signal on the bus.
    pub fn publish(&self, signal: Signal) -> PublishReport {
        self.inner.bus.publish(signal)
    }

    /// Subscribes a stream to one topic pattern.
    pub fn subscribe(&self, pattern: &str) -> Result<Subscription, TopicError> {
        Ok(self.inner.bus.subscribe([TopicPattern::new(pattern)?]))
    }

    /// Stops everything gracefully: the root supervisor stops its children one by one in
    /// reverse start order (each supervisor doing the same below it), then the bus closes.
    /// Idempotent.
    pub async fn shutdown(&self) {
        self.inner.root.stop(self.inner.shutdown_timeout).await;
        let task = self
            .inner
            .root_task
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take();
        if let Some(task) = task {
            let _ = task.await;
        }
        self.inner.bus.close();
    }
}

impl fmt::Debug for AgentSystem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentSystem")
            .field("name", &self.inner.name)
            .field("agents", &self.inner.registry.len())
            .field("running", &self.is_running())
            .finish()
    }
}
