use std::collections::HashSet;
use std::fmt;
use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use ractor::{ActorId, ActorRef};

use super::spec::StartCtx;
use super::{Adoption, ChildInfo, ChildSpec, PendingChild, SupervisorError, SupervisorMsg};
use crate::agent::Reply;
use crate::registry::AgentSlot;
use crate::AgentSystem;

/// Where a supervisor's current instance is published (across its restarts).
pub(crate) struct SupervisorSlot {
    name: Arc<str>,
    current: ArcSwapOption<ActorRef<SupervisorMsg>>,
    /// Agents started by callers, waiting to be taken over. A queue beside the mailbox, so the
    /// supervisor can take them over even when it is asked to stop first.
    adoptions: Mutex<Vec<Adoption>>,
    /// The ids of the supervisor's children, so a caller can refuse a clashing spawn up front.
    child_ids: Mutex<HashSet<Arc<str>>>,
}

impl SupervisorSlot {
    pub(crate) fn new(name: Arc<str>) -> Self {
        Self {
            name,
            current: ArcSwapOption::empty(),
            adoptions: Mutex::new(Vec::new()),
            child_ids: Mutex::new(HashSet::new()),
        }
    }

    fn child_ids(&self) -> std::sync::MutexGuard<'_, HashSet<Arc<str>>> {
        self.child_ids
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn child_added(&self, id: &Arc<str>) {
        self.child_ids().insert(id.clone());
    }

    pub(crate) fn child_removed(&self, id: &str) {
        self.child_ids().remove(id);
    }

    pub(crate) fn children_cleared(&self) {
        self.child_ids().clear();
    }

    pub(crate) fn take_adoptions(&self) -> Vec<Adoption> {
        std::mem::take(
            &mut *self
                .adoptions
                .lock()
                .unwrap_or_else(PoisonError::into_inner),
        )
    }

    /// Withdraws the adoption of `actor` (its supervisor is gone); dropping it frees the id.
    fn withdraw(&self, actor: ActorId) -> Option<Adoption> {
        let mut queue = self
            .adoptions
            .lock()
            .unwrap_or_else(PoisonError::into_inner);
        let at = queue.iter().position(|a| a.cell.get_id() == actor)?;
        Some(queue.swap_remove(at))
    }

    pub(crate) fn set(&self, actor: ActorRef<SupervisorMsg>) {
        self.current.store(Some(Arc::new(actor)));
    }

    pub(crate) fn is_running(&self) -> bool {
        self.current.load().is_some()
    }

    /// Whether the published instance is still alive (not stopping or stopped).
    pub(crate) fn is_alive(&self) -> bool {
        self.current
            .load()
            .as_ref()
            .is_some_and(|actor| actor.get_status() < ractor::ActorStatus::Draining)
    }

    pub(crate) fn clear_if(&self, actor: ActorId) {
        let current = self.current.load();
        if current.as_ref().is_some_and(|c| c.get_id() == actor) {
            self.current.compare_and_swap(&*current, None);
        }
    }
}

/// A handle to a supervisor: add, stop and list its children; stop it. Cheap to clone; valid
/// across the supervisor's restarts.
#[derive(Clone)]
pub struct SupervisorRef {
    slot: Arc<SupervisorSlot>,
}

impl SupervisorRef {
    pub(crate) fn from_slot(slot: Arc<SupervisorSlot>) -> Self {
        Self { slot }
    }

    /// The supervisor's name.
    pub fn name(&self) -> &str {
        &self.slot.name
    }

    /// Whether an instance is running now.
    pub fn is_running(&self) -> bool {
        self.slot.is_running()
    }

    fn actor(&self) -> Result<Arc<ActorRef<SupervisorMsg>>, SupervisorError> {
        self.slot
            .current
            .load_full()
            .ok_or_else(|| SupervisorError::NotRunning(self.name().to_owned()))
    }

    async fn request<T>(
        &self,
        build: impl FnOnce(Reply<T>) -> SupervisorMsg,
    ) -> Result<T, SupervisorError> {
        let (reply, rx) = Reply::pair();
        self.actor()?
            .send_message(build(reply))
            .map_err(|_| SupervisorError::NotRunning(self.name().to_owned()))?;
        // The supervisor answers every request it takes; no answer means it is gone.
        rx.await
            .ok()
            .and_then(Result::ok)
            .ok_or_else(|| SupervisorError::NotRunning(self.name().to_owned()))
    }

    pub(crate) async fn add_child(
        &self,
        spec: ChildSpec,
    ) -> Result<Option<Arc<AgentSlot>>, SupervisorError> {
        self.request(|reply| SupervisorMsg::StartChild(spec, reply))
            .await?
    }

    /// Starts an agent child from the caller's task, linked to this supervisor, and hands it
    /// over with a cast: no round trip through the supervisor's mailbox (the path
    /// `AgentSystem::spawn` takes). The id is claimed first, so a duplicate fails before
    /// anything starts.
    pub(crate) async fn adopt_agent(
        &self,
        spec: ChildSpec,
        system: &AgentSystem,
    ) -> Result<Arc<AgentSlot>, SupervisorError> {
        let not_running = || SupervisorError::NotRunning(self.name().to_owned());
        let supervisor = self.actor()?;
        // The registry's answer first (agent ids are unique system-wide), then this
        // supervisor's own child ids (an actor or supervisor child may hold the name).
        let slot = spec
            .reserve(system.registry(), system.call_timeout())
            .expect("adopt_agent takes an agent child spec")?;
        let pending = PendingChild::new(slot.clone(), system.registry().clone());
        if self.slot.child_ids().contains(&*spec.id) {
            return Err(SupervisorError::DuplicateChild(spec.id.to_string()));
        }
        let ctx = StartCtx {
            supervisor: supervisor.get_cell(),
            system: system.clone(),
            restart: None,
            slot: Some(slot.clone()),
        };
        let cell = spec.start(ctx).await.map_err(|err| match err {
            ractor::SpawnErr::StartupFailed(reason)
                if reason.to_string().contains("shutting down") =>
            {
                not_running()
            }
            err => SupervisorError::start_failed(&spec.id, &err),
        })?;
        let actor = cell.get_id();
        let first = {
            let mut queue = self
                .slot
                .adoptions
                .lock()
                .unwrap_or_else(PoisonError::into_inner);
            queue.push(Adoption {
                spec,
                cell,
                pending,
            });
            queue.len() == 1
        };
        // One nudge per empty → non-empty transition: the supervisor drains the whole queue, so
        // a burst of spawns wakes it once, not once per agent.
        if first
            && supervisor
                .send_message(SupervisorMsg::AdoptPending)
                .is_err()
        {
            // The supervisor is gone (and took its linked children with it).
            drop(self.slot.withdraw(actor));
            return Err(not_running());
        }
        Ok(slot)
    }

    /// Adds a child at the end of the start order and starts it (Erlang's
    /// `supervisor:start_child`).
    pub async fn start_child(&self, spec: ChildSpec) -> Result<(), SupervisorError> {
        self.add_child(spec).await.map(|_| ())
    }

    /// Stops a child (gracefully, then killed after its shutdown time) and forgets it; an
    /// agent's id is freed.
    pub async fn terminate_child(&self, id: &str) -> Result<(), SupervisorError> {
        let id = id.to_owned();
        self.request(|reply| SupervisorMsg::TerminateChild(id, reply))
            .await?
    }

    /// The children, in start order.
    pub async fn children(&self) -> Result<Vec<ChildInfo>, SupervisorError> {
        self.request(SupervisorMsg::Children).await
    }

    /// Stops the supervisor gracefully: its children stop one by one in reverse start order.
    /// Waits at most `timeout` (then kills it).
    pub async fn stop(&self, timeout: Duration) {
        let Ok(actor) = self.actor() else {
            return;
        };
        if actor.stop_and_wait(None, Some(timeout)).await.is_err() {
            tracing::warn!(
                supervisor = self.name(),
                ?timeout,
                "supervisor did not stop in time; killing it"
            );
            let _ = actor.kill_and_wait(Some(timeout)).await;
        }
    }
}

impl fmt::Debug for SupervisorRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SupervisorRef")
            .field("name", &self.name())
            .field("running", &self.is_running())
            .finish()
    }
}
