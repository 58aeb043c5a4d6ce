use std::fmt;
use std::marker::PhantomData;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use futures::future::BoxFuture;
use futures::FutureExt;
use mabeam_core::supervision::{Backoff, Intensity, Restart, Strategy};
use mabeam_core::{AgentId, Snapshot};
use ractor::{Actor, ActorCell, SpawnErr};

use super::{SpecError, SupervisorActor, SupervisorArgs, SupervisorRef, SupervisorSlot};
use crate::agent::{Agent, AgentActor, AgentArgs};
use crate::registry::{AgentSlot, RegisterError, Registry};
use crate::AgentSystem;

/// Told to a restarted agent ([`Agent::on_restart`](crate::Agent::on_restart)).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RestartInfo {
    pub(crate) restarts: u32,
}

impl RestartInfo {
    /// How many times the child was restarted within the supervisor's intensity window,
    /// this restart included.
    pub fn restarts(&self) -> u32 {
        self.restarts
    }
}

/// What a child is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum ChildKind {
    /// A mabeam agent (registered by id).
    Agent,
    /// A plain ractor actor.
    Actor,
    /// A nested supervisor.
    Supervisor,
}

/// A child as its supervisor reports it ([`SupervisorRef::children`]).
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct ChildInfo {
    /// The child's id within its supervisor (for an agent, its agent id).
    pub id: String,
    /// What it is.
    pub kind: ChildKind,
    /// Its restart type.
    pub restart: Restart,
    /// Whether an instance is running now.
    pub running: bool,
    /// Restarts within the supervisor's intensity window.
    pub restarts: u32,
}

pub(crate) struct StartCtx {
    pub(crate) supervisor: ActorCell,
    pub(crate) system: AgentSystem,
    pub(crate) restart: Option<RestartInfo>,
    pub(crate) slot: Option<Arc<AgentSlot>>,
}

/// Starts (and restarts) one child.
pub(crate) trait Starter: Send + Sync + 'static {
    fn start(self: Arc<Self>, ctx: StartCtx) -> BoxFuture<'static, Result<ActorCell, SpawnErr>>;

    /// For agents: claims the id in the registry.
    fn reserve(
        &self,
        _registry: &Registry,
        _id: AgentId,
        _timeout: Option<Duration>,
    ) -> Option<Result<Arc<AgentSlot>, RegisterError>> {
        None
    }
}

/// Builds the agent value for each (re)start; hands out the snapshot to restore once.
pub(crate) trait MakeAgent<A>: Send + Sync + 'static {
    fn make(&self) -> A;
    fn take_restore(&self) -> Option<Snapshot>;
}

struct AgentStarter<A, F> {
    factory: F,
    restore: Mutex<Option<Snapshot>>,
    _agent: PhantomData<fn() -> A>,
}

impl<A: Agent, F: Fn() -> A + Send + Sync + 'static> MakeAgent<A> for AgentStarter<A, F> {
    fn make(&self) -> A {
        (self.factory)()
    }

    fn take_restore(&self) -> Option<Snapshot> {
        let mut restore = self.restore.lock().unwrap_or_else(PoisonError::into_inner);
        restore.take()
    }
}

impl<A: Agent, F: Fn() -> A + Send + Sync + 'static> Starter for AgentStarter<A, F> {
    fn start(self: Arc<Self>, ctx: StartCtx) -> BoxFuture<'static, Result<ActorCell, SpawnErr>> {
        let restore = self.take_restore();
        let args = AgentArgs {
            factory: self,
            slot: ctx.slot.expect("an agent child always has a registry slot"),
            system: ctx.system,
            restart: ctx.restart,
            restore,
        };
        AgentActor::<A>::spawn_linked(None, AgentActor::new(), args, ctx.supervisor)
            .map(|spawned| spawned.map(|(actor, _)| actor.get_cell()))
            .boxed()
    }

    fn reserve(
        &self,
        registry: &Registry,
        id: AgentId,
        timeout: Option<Duration>,
    ) -> Option<Result<Arc<AgentSlot>, RegisterError>> {
        Some(registry.reserve::<A>(id, timeout))
    }
}

struct ActorStarter<T, F> {
    make: F,
    _actor: PhantomData<fn() -> T>,
}

impl<T: Actor, F: Fn() -> (T, T::Arguments) + Send + Sync + 'static> Starter
    for ActorStarter<T, F>
{
    fn start(self: Arc<Self>, ctx: StartCtx) -> BoxFuture<'static, Result<ActorCell, SpawnErr>> {
        let (actor, args) = (self.make)();
        T::spawn_linked(None, actor, args, ctx.supervisor)
            .map(|spawned| spawned.map(|(actor, _)| actor.get_cell()))
            .boxed()
    }
}

struct SupervisorStarter {
    spec: SupervisorSpec,
}

impl Starter for SupervisorStarter {
    fn start(self: Arc<Self>, ctx: StartCtx) -> BoxFuture<'static, Result<ActorCell, SpawnErr>> {
        let args = SupervisorArgs {
            spec: self.spec.clone(),
            system: ctx.system,
        };
        SupervisorActor::spawn_linked(None, SupervisorActor, args, ctx.supervisor)
            .map(|spawned| spawned.map(|(actor, _)| actor.get_cell()))
            .boxed()
    }
}

/// How to start and restart one child of a supervisor.
///
/// Defaults: [`Restart::Permanent`]; shutdown time 5 s for agents and actors, 60 s for
/// supervisors (time to stop their own children), after which the child is killed.
#[derive(Clone)]
pub struct ChildSpec {
    pub(crate) id: Arc<str>,
    pub(crate) kind: ChildKind,
    pub(crate) restart: Restart,
    pub(crate) shutdown: Duration,
    pub(crate) starter: Arc<dyn Starter>,
}

impl ChildSpec {
    /// An agent registered as `id`, built by `factory` at every (re)start.
    pub fn agent<A, F>(id: impl Into<AgentId>, factory: F) -> Self
    where
        A: Agent,
        F: Fn() -> A + Send + Sync + 'static,
    {
        Self::agent_restored(id.into(), factory, None)
    }

    /// An agent registered as `id` whose first start restores `snapshot` (see
    /// [`Agent::restore`](crate::Agent::restore)); restarts after a crash start fresh from
    /// `factory`, as in OTP.
    pub fn agent_from_snapshot<A, F>(id: impl Into<AgentId>, factory: F, snapshot: Snapshot) -> Self
    where
        A: Agent,
        F: Fn() -> A + Send + Sync + 'static,
    {
        Self::agent_restored(id.into(), factory, Some(snapshot))
    }

    fn agent_restored<A, F>(id: AgentId, factory: F, restore: Option<Snapshot>) -> Self
    where
        A: Agent,
        F: Fn() -> A + Send + Sync + 'static,
    {
        Self {
            id: id.as_arc().clone(),
            kind: ChildKind::Agent,
            restart: Restart::Permanent,
            shutdown: Duration::from_secs(5),
            starter: Arc::new(AgentStarter {
                factory,
                restore: Mutex::new(restore),
                _agent: PhantomData,
            }),
        }
    }

    /// A plain ractor actor; `make` returns the actor and its start arguments at every
    /// (re)start.
    pub fn actor<T, F>(id: impl Into<String>, make: F) -> Self
    where
        T: Actor,
        F: Fn() -> (T, T::Arguments) + Send + Sync + 'static,
    {
        Self {
            id: Arc::from(id.into()),
            kind: ChildKind::Actor,
            restart: Restart::Permanent,
            shutdown: Duration::from_secs(5),
            starter: Arc::new(ActorStarter {
                make,
                _actor: PhantomData,
            }),
        }
    }

    /// A nested supervisor; its id is the supervisor's name.
    pub fn supervisor(spec: SupervisorSpec) -> Self {
        Self {
            id: spec.name.clone(),
            kind: ChildKind::Supervisor,
            restart: Restart::Permanent,
            shutdown: Duration::from_secs(60),
            starter: Arc::new(SupervisorStarter { spec }),
        }
    }

    /// Starts this child under `ctx.supervisor`.
    pub(crate) fn start(&self, ctx: StartCtx) -> BoxFuture<'static, Result<ActorCell, SpawnErr>> {
        self.starter.clone().start(ctx)
    }

    /// For agents: claims the id in the registry.
    pub(crate) fn reserve(
        &self,
        registry: &Registry,
        timeout: Option<Duration>,
    ) -> Option<Result<Arc<AgentSlot>, RegisterError>> {
        self.starter
            .reserve(registry, AgentId::from(self.id.clone()), timeout)
    }

    /// Sets the restart type.
    #[must_use]
    pub fn restart(mut self, restart: Restart) -> Self {
        self.restart = restart;
        self
    }

    /// How long a graceful stop may take before the child is killed.
    #[must_use]
    pub fn shutdown(mut self, shutdown: Duration) -> Self {
        self.shutdown = shutdown;
        self
    }

    /// The child's id.
    pub fn id(&self) -> &str {
        &self.id
    }

    /// What the child is.
    pub fn kind(&self) -> ChildKind {
        self.kind
    }
}

impl fmt::Debug for ChildSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ChildSpec")
            .field("id", &self.id)
            .field("kind", &self.kind)
            .field("restart", &self.restart)
            .field("shutdown", &self.shutdown)
            .finish()
    }
}

/// A supervisor's specification: its name, restart rules and children (in start order).
/// Build it with [`SupervisorSpec::builder`]; get a handle before it starts with
/// [`SupervisorSpec::handle`]. One spec runs at most one supervisor at a time.
#[derive(Clone)]
pub struct SupervisorSpec {
    pub(crate) name: Arc<str>,
    pub(crate) strategy: Strategy,
    pub(crate) intensity: Intensity,
    pub(crate) backoff: Backoff,
    pub(crate) children: Vec<ChildSpec>,
    pub(crate) slot: Arc<SupervisorSlot>,
}

impl SupervisorSpec {
    /// Starts a specification named `name` (one-for-one, 3 restarts in 5 s, no backoff).
    pub fn builder(name: impl Into<String>) -> SupervisorSpecBuilder {
        SupervisorSpecBuilder {
            name: name.into(),
            strategy: Strategy::default(),
            intensity: Intensity::default(),
            backoff: Backoff::default(),
            children: Vec::new(),
        }
    }

    /// The supervisor's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// A handle to the supervisor this spec starts; valid across its restarts.
    pub fn handle(&self) -> SupervisorRef {
        SupervisorRef::from_slot(self.slot.clone())
    }
}

impl fmt::Debug for SupervisorSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SupervisorSpec")
            .field("name", &self.name)
            .field("strategy", &self.strategy)
            .field("intensity", &self.intensity)
            .field("backoff", &self.backoff)
            .field("children", &self.children)
            .finish()
    }
}

/// Builds a [`SupervisorSpec`].
#[derive(Debug)]
#[must_use]
pub struct SupervisorSpecBuilder {
    name: String,
    strategy: Strategy,
    intensity: Intensity,
    backoff: Backoff,
    children: Vec<ChildSpec>,
}

impl SupervisorSpecBuilder {
    /// The restart strategy.
    pub fn strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// The restart intensity.
    pub fn intensity(mut self, intensity: Intensity) -> Self {
        self.intensity = intensity;
        self
    }

    /// The restart backoff.
    pub fn backoff(mut self, backoff: Backoff) -> Self {
        self.backoff = backoff;
        self
    }

    /// Adds a child (started after those added before it).
    pub fn child(mut self, child: ChildSpec) -> Self {
        self.children.push(child);
        self
    }

    /// Adds children in order.
    pub fn children(mut self, children: impl IntoIterator<Item = ChildSpec>) -> Self {
        self.children.extend(children);
        self
    }

    /// Checks the specification: a non-empty name and distinct child ids.
    pub fn build(self) -> Result<SupervisorSpec, SpecError> {
        if self.name.is_empty() {
            return Err(SpecError::EmptyName);
        }
        let mut seen = std::collections::HashSet::new();
        for child in &self.children {
            if !seen.insert(child.id.clone()) {
                return Err(SpecError::DuplicateChild {
                    supervisor: self.name,
                    id: child.id.to_string(),
                });
            }
        }
        let name: Arc<str> = Arc::from(self.name);
        Ok(SupervisorSpec {
            slot: Arc::new(SupervisorSlot::new(name.clone())),
            name,
            strategy: self.strategy,
            intensity: self.intensity,
            backoff: self.backoff,
            children: self.children,
        })
    }
}
