use std::any::TypeId;
use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use arc_swap::ArcSwapOption;
use mabeam_core::AgentId;
use ractor::{ActorCell, ActorId};

use crate::Agent;

/// The registry entry of one agent: its id and type, and its current instance (none while it
/// is restarting or stopped).
pub(crate) struct AgentSlot {
    id: AgentId,
    type_id: TypeId,
    type_name: &'static str,
    call_timeout: Option<Duration>,
    current: ArcSwapOption<ActorCell>,
}

impl AgentSlot {
    pub(crate) fn new<A: Agent>(id: AgentId, call_timeout: Option<Duration>) -> Self {
        Self {
            id,
            type_id: TypeId::of::<A>(),
            type_name: std::any::type_name::<A>(),
            call_timeout,
            current: ArcSwapOption::empty(),
        }
    }

    pub(crate) fn id(&self) -> &AgentId {
        &self.id
    }

    pub(crate) fn type_id(&self) -> TypeId {
        self.type_id
    }

    pub(crate) fn type_name(&self) -> &'static str {
        self.type_name
    }

    pub(crate) fn call_timeout(&self) -> Option<Duration> {
        self.call_timeout
    }

    /// The live instance, if any.
    pub(crate) fn current(&self) -> arc_swap::Guard<Option<Arc<ActorCell>>> {
        self.current.load()
    }

    pub(crate) fn is_running(&self) -> bool {
        self.current.load().is_some()
    }

    pub(crate) fn set(&self, cell: ActorCell) {
        self.current.store(Some(Arc::new(cell)));
    }

    /// Clears the slot if it still holds the instance `actor` (a newer instance may already
    /// have taken it).
    pub(crate) fn clear_if(&self, actor: ActorId) {
        let current = self.current.load();
        if current.as_ref().is_some_and(|c| c.get_id() == actor) {
            self.current.compare_and_swap(&*current, None);
        }
    }
}

impl fmt::Debug for AgentSlot {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentSlot")
            .field("id", &self.id)
            .field("type", &self.type_name)
            .field("running", &self.is_running())
            .finish()
    }
}
