//! The local registry: agent id → the agent's current instance.
//!
//! An entry is a *slot* that lives as long as the agent is a child of a supervisor, across
//! restarts: a restarted agent gets a new actor but keeps its slot, so every [`AgentRef`]
//! handed out before the crash reaches the new instance (Akka's stable `ActorRef`). The entry
//! disappears when the agent is stopped for good: stopped through its supervisor, exited and
//! not restarted (a temporary child, a transient child stopping normally), or its supervisor
//! stopped or gave up. Lookups read a concurrent map and never go through a mailbox.
//!
//! [`AgentRef`]: crate::AgentRef

mod error;
mod slot;

pub use error::{LookupError, RegisterError};
pub(crate) use slot::AgentSlot;
use slot::Map;

use std::any::TypeId;
use std::fmt;
use std::sync::Arc;

use dashmap::mapref::entry::Entry;
use mabeam_core::AgentId;

use crate::{Agent, AgentRef};

/// Agent id → agent, for one agent system. Cheap to clone.
#[derive(Clone, Default)]
pub struct Registry {
    map: Arc<Map>,
}

impl Registry {
    /// An empty registry.
    pub fn new() -> Self {
        Self::default()
    }

    /// Claims `id` for an agent of type `A`.
    pub(crate) fn reserve<A: Agent>(
        &self,
        id: AgentId,
        call_timeout: Option<std::time::Duration>,
    ) -> Result<Arc<AgentSlot>, RegisterError> {
        match self.map.entry(id) {
            Entry::Occupied(taken) => Err(RegisterError::AlreadyRegistered {
                id: taken.key().clone(),
                agent_type: taken.get().type_name(),
            }),
            Entry::Vacant(free) => {
                let slot = Arc::new(AgentSlot::new::<A>(
                    free.key().clone(),
                    call_timeout,
                    Arc::downgrade(&self.map),
                ));
                free.insert(slot.clone());
                Ok(slot)
            }
        }
    }

    /// Frees the slot's id, if the registry still maps it to this very slot.
    pub(crate) fn release(&self, slot: &Arc<AgentSlot>) {
        self.map
            .remove_if(slot.id().as_str(), |_, current| Arc::ptr_eq(current, slot));
        slot.mark_released();
    }

    /// A typed handle to the agent registered as `id`.
    pub fn lookup<A: Agent>(&self, id: &str) -> Result<AgentRef<A>, LookupError> {
        let slot = self.map.get(id).ok_or_else(|| LookupError::NotFound {
            id: AgentId::from(id),
        })?;
        if slot.type_id() != TypeId::of::<A>() {
            return Err(LookupError::WrongType {
                id: slot.id().clone(),
                expected: std::any::type_name::<A>(),
                found: slot.type_name(),
            });
        }
        Ok(AgentRef::from_slot(slot.clone()))
    }

    /// Whether `id` is registered (running, or between a crash and its restart).
    pub fn contains(&self, id: &str) -> bool {
        self.map.contains_key(id)
    }

    /// Whether `id` is registered and has a live instance right now.
    pub fn is_running(&self, id: &str) -> bool {
        self.map.get(id).is_some_and(|slot| slot.is_running())
    }

    /// How many agents are registered.
    pub fn len(&self) -> usize {
        self.map.len()
    }

    /// True when no agent is registered.
    pub fn is_empty(&self) -> bool {
        self.map.is_empty()
    }

    /// The registered ids, in no particular order.
    pub fn ids(&self) -> Vec<AgentId> {
        self.map.iter().map(|e| e.key().clone()).collect()
    }

    /// How many actions `id` has been sent and has not yet taken up (its mailbox backlog),
    /// if it is registered. Signals wait in the bus's lane queues and are not counted here.
    pub fn backlog(&self, id: &str) -> Option<u64> {
        self.map.get(id).map(|slot| slot.backlog())
    }

    /// The agent with the largest mailbox backlog and that backlog (none when no agent is
    /// registered). Health monitors report it: a growing backlog is an agent that cannot keep
    /// up.
    ///
    /// ```
    /// # #[tokio::main(flavor = "current_thread")] async fn main() {
    /// let system = mabeam_actors::AgentSystem::builder().start().await.unwrap();
    /// assert_eq!(system.registry().largest_backlog(), None);
    /// # system.shutdown().await; }
    /// ```
    pub fn largest_backlog(&self) -> Option<(AgentId, u64)> {
        self.map
            .iter()
            .map(|e| (e.key().clone(), e.value().backlog()))
            .max_by_key(|(_, backlog)| *backlog)
    }
}

impl fmt::Debug for Registry {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registry")
            .field("len", &self.map.len())
            .finish()
    }
}
