use std::any::TypeId;
use std::fmt;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Arc, Weak};
use std::time::Duration;

use arc_swap::ArcSwapOption;
use dashmap::DashMap;
use mabeam_core::AgentId;
use ractor::{ActorCell, ActorId};
use tokio::sync::Notify;

use crate::Agent;

pub(crate) type Map = DashMap<AgentId, Arc<AgentSlot>>;

/// The registry entry of one agent: its id and type, and its current instance (none while it
/// is restarting or stopped).
pub(crate) struct AgentSlot {
    id: AgentId,
    type_id: TypeId,
    type_name: &'static str,
    call_timeout: Option<Duration>,
    current: ArcSwapOption<ActorCell>,
    /// Told when an instance is set or the slot is released.
    changed: Notify,
    /// The id was freed: this slot gets no new instance.
    released: AtomicBool,
    /// Where to look for a newer slot with the same id (after a supervisor restarted it).
    registry: Weak<Map>,
    /// Actions sent to the instance (written by senders)...
    queued: Padded,
    /// ...and actions it has taken up (written only by the instance): the difference is its
    /// mailbox backlog. Each counter has its own cache line, so counting costs a sender one
    /// uncontended atomic add and the agent one plain store.
    taken: Padded,
}

/// A counter alone on its cache line.
#[repr(align(64))]
#[derive(Default)]
struct Padded(AtomicU64);

impl AgentSlot {
    pub(crate) fn new<A: Agent>(
        id: AgentId,
        call_timeout: Option<Duration>,
        registry: Weak<Map>,
    ) -> Self {
        Self {
            id,
            type_id: TypeId::of::<A>(),
            type_name: std::any::type_name::<A>(),
            call_timeout,
            current: ArcSwapOption::empty(),
            changed: Notify::new(),
            released: AtomicBool::new(false),
            registry,
            queued: Padded::default(),
            taken: Padded::default(),
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

    /// Counts an action sent to the current instance.
    pub(crate) fn note_queued(&self) {
        self.queued.0.fetch_add(1, Ordering::Relaxed);
    }

    /// Counts an action taken up by the instance (called by the instance only).
    pub(crate) fn note_taken(&self) {
        let taken = &self.taken.0;
        taken.store(taken.load(Ordering::Relaxed) + 1, Ordering::Relaxed);
    }

    /// Actions sent and not yet taken up: the mailbox backlog (approximate while it changes).
    pub(crate) fn backlog(&self) -> u64 {
        let taken = self.taken.0.load(Ordering::Relaxed);
        self.queued.0.load(Ordering::Relaxed).saturating_sub(taken)
    }

    pub(crate) fn set(&self, cell: ActorCell) {
        // Actions queued for a previous instance died with its mailbox.
        self.taken
            .0
            .store(self.queued.0.load(Ordering::Relaxed), Ordering::Relaxed);
        self.current.store(Some(Arc::new(cell)));
        self.changed.notify_waiters();
    }

    /// Clears the slot if it still holds the instance `actor` (a newer instance may already
    /// have taken it).
    pub(crate) fn clear_if(&self, actor: ActorId) {
        let current = self.current.load();
        if current.as_ref().is_some_and(|c| c.get_id() == actor) {
            self.current.compare_and_swap(&*current, None);
        }
    }

    /// The id was freed: wake everyone waiting for an instance.
    pub(crate) fn mark_released(&self) {
        self.released.store(true, Ordering::SeqCst);
        self.changed.notify_waiters();
    }

    /// The slot that now holds this id for the same agent type: this one unless it was
    /// released and the id registered again.
    pub(crate) fn successor(self: &Arc<Self>) -> Option<Arc<Self>> {
        if !self.released.load(Ordering::SeqCst) {
            return Some(self.clone());
        }
        let registry = self.registry.upgrade()?;
        let next = registry.get(self.id.as_str())?.clone();
        (next.type_id == self.type_id && !Arc::ptr_eq(&next, self)).then_some(next)
    }

    /// Waits for a live instance: through a restart, and on to the id's next slot if this one
    /// was released and the id registered again. `None` when the agent is gone for good.
    pub(crate) async fn running(self: &Arc<Self>) -> Option<(Arc<Self>, Arc<ActorCell>)> {
        let mut slot = self.clone();
        loop {
            let next = {
                let notified = slot.changed.notified();
                tokio::pin!(notified);
                notified.as_mut().enable();
                if let Some(cell) = slot.current.load_full() {
                    return Some((slot.clone(), cell));
                }
                if slot.released.load(Ordering::SeqCst) {
                    slot.successor()?
                } else {
                    notified.await;
                    continue;
                }
            };
            slot = next;
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
