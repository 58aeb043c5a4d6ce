use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use ractor::{ActorId, ActorRef};

use super::{ChildInfo, ChildSpec, SupervisorError, SupervisorMsg};
use crate::agent::Reply;
use crate::registry::AgentSlot;

/// Where a supervisor's current instance is published (across its restarts).
pub(crate) struct SupervisorSlot {
    name: Arc<str>,
    current: ArcSwapOption<ActorRef<SupervisorMsg>>,
}

impl SupervisorSlot {
    pub(crate) fn new(name: Arc<str>) -> Self {
        Self {
            name,
            current: ArcSwapOption::empty(),
        }
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
        rx.await
            .map_err(|_| SupervisorError::NotRunning(self.name().to_owned()))
    }

    pub(crate) async fn add_child(
        &self,
        spec: ChildSpec,
    ) -> Result<Option<Arc<AgentSlot>>, SupervisorError> {
        self.request(|reply| SupervisorMsg::StartChild(spec, reply))
            .await?
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
