//! [`AgentRef`]: the typed handle to an agent, its per-call options, and [`AgentHandle`], what
//! the typed methods `#[agent]` generates are built on.

mod agent_handle;
mod call;
mod error;

pub use agent_handle::AgentHandle;
pub use call::{Call, CallFuture, IntoAction};
pub use error::{CallError, CastError};

use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;

use mabeam_core::{AgentId, Snapshot};

use crate::agent::{Agent, AgentMsg, Reply};
use crate::registry::AgentSlot;

/// A typed handle to an agent, by id. Cheap to clone; stays valid across the agent's restarts
/// (it reaches whichever instance is live).
///
/// - [`AgentRef::call`] sends an action and awaits its reply, with the system's default
///   timeout or one set per call: `agent.call(Action::Get).timeout(d).await`.
/// - [`AgentRef::cast`] sends an action without waiting.
///
/// A call made while the agent is restarting waits (within its timeout) for the new instance;
/// a cast fails at once with [`CastError::NotRunning`], giving the action back. A handle follows
/// its id: if the agent's supervisor is itself restarted and registers the id again, the old
/// handle reaches the new agent.
///
/// Delivery is at most once, as in Erlang: an instance that crashes takes the messages still
/// in its mailbox with it (their callers get [`CallError::NoReply`]); the restarted instance
/// starts with an empty mailbox.
pub struct AgentRef<A: Agent> {
    slot: Arc<AgentSlot>,
    _agent: PhantomData<fn() -> A>,
}

impl<A: Agent> AgentRef<A> {
    pub(crate) fn from_slot(slot: Arc<AgentSlot>) -> Self {
        Self {
            slot,
            _agent: PhantomData,
        }
    }

    pub(crate) fn slot(&self) -> &Arc<AgentSlot> {
        &self.slot
    }

    /// The agent's id.
    pub fn id(&self) -> &AgentId {
        self.slot.id()
    }

    /// Whether a live instance is there right now (false while it restarts, or once stopped).
    pub fn is_running(&self) -> bool {
        self.slot.is_running()
    }

    /// Sends the action built by `build` (given the [`Reply`] for its result) and, once
    /// awaited, waits for the result. Nothing is sent until the call is awaited.
    ///
    /// Fails with [`CallError::NotRunning`] when no instance is live, [`CallError::Timeout`]
    /// when the timeout passes, and [`CallError::NoReply`] when the agent stopped or crashed
    /// before replying.
    pub fn call<T, F>(&self, build: F) -> Call<'_, A, T, F>
    where
        F: FnOnce(Reply<T>) -> A::Action,
        T: Send + 'static,
    {
        Call::new(self, build, self.slot.call_timeout())
    }

    /// Like [`AgentRef::call`], for a prepared request (what `#[agent]`'s handle methods
    /// use).
    pub fn request<T, R>(&self, request: R) -> Call<'_, A, T, R>
    where
        R: IntoAction<A, T>,
        T: Send + 'static,
    {
        Call::new(self, request, self.slot.call_timeout())
    }

    /// Sends a prepared request (such as the request types `#[agent]` generates) without
    /// waiting for its result: the action runs with a [`Reply::detached`], so no reply channel
    /// is made. Fire-and-forget, like [`AgentRef::cast`].
    pub fn tell<T, R>(&self, request: R) -> Result<(), CastError<A::Action>>
    where
        R: IntoAction<A, T>,
    {
        self.cast(request.into_action(Reply::detached()))
    }

    /// Sends `action` without waiting for any result; gives it back when no instance is live.
    pub fn cast(&self, action: A::Action) -> Result<(), CastError<A::Action>> {
        let mut message = AgentMsg::<A>::Action(action);
        if let Some(cell) = self.slot.current().as_ref() {
            match cell.send_message(message) {
                Ok(()) => {
                    self.slot.note_queued();
                    return Ok(());
                }
                Err(ractor::MessagingErr::SendErr(back)) => message = back,
                Err(_) => unreachable!("an agent's slot only holds actors of its own type"),
            }
        }
        // The id may have been registered again since this handle was made.
        if let Some(next) = self
            .slot
            .successor()
            .filter(|s| !Arc::ptr_eq(s, &self.slot))
        {
            if let Some(cell) = next.current().as_ref() {
                match cell.send_message(message) {
                    Ok(()) => {
                        next.note_queued();
                        return Ok(());
                    }
                    Err(ractor::MessagingErr::SendErr(back)) => message = back,
                    Err(_) => unreachable!("an agent's slot only holds actors of its own type"),
                }
            }
        }
        let AgentMsg::Action(action) = message else {
            unreachable!("a failed send gives back the message it was given")
        };
        Err(CastError::NotRunning {
            id: self.id().clone(),
            action,
        })
    }

    /// Sends `action` as soon as an instance is live — at once when one is, else waiting up to
    /// `within` for one (the agent is starting, or restarting after a crash) — without waiting
    /// for any result. Gives the action back when none came in time or the agent stopped for
    /// good.
    pub async fn cast_when_running(
        &self,
        action: A::Action,
        within: std::time::Duration,
    ) -> Result<(), CastError<A::Action>> {
        let action = match self.cast(action) {
            Ok(()) => return Ok(()),
            Err(CastError::NotRunning { action, .. }) => action,
        };
        let mut message = AgentMsg::<A>::Action(action);
        let deadline = tokio::time::Instant::now() + within;
        while let Ok(Some((holder, cell))) =
            tokio::time::timeout_at(deadline, self.slot.running()).await
        {
            match cell.send_message(message) {
                Ok(()) => {
                    holder.note_queued();
                    return Ok(());
                }
                // It is stopping: forget it and wait for its successor.
                Err(ractor::MessagingErr::SendErr(back)) => {
                    message = back;
                    holder.clear_if(cell.get_id());
                }
                Err(_) => unreachable!("an agent's slot only holds actors of its own type"),
            }
        }
        let AgentMsg::Action(action) = message else {
            unreachable!("a failed send gives back the message it was given")
        };
        Err(CastError::NotRunning {
            id: self.id().clone(),
            action,
        })
    }

    /// Asks the agent for a snapshot of its state (see [`Agent::snapshot`]).
    pub async fn snapshot(&self) -> Result<Snapshot, CallError> {
        let (reply, rx) = Reply::pair();
        let message = AgentMsg::<A>::Snapshot(reply);
        let result =
            call::deliver(self.slot.clone(), message, rx, self.slot.call_timeout()).await?;
        result.map_err(|err| CallError::Snapshot {
            id: self.id().clone(),
            reason: err.to_string(),
        })
    }
}

impl<A: Agent> Clone for AgentRef<A> {
    fn clone(&self) -> Self {
        Self::from_slot(self.slot.clone())
    }
}

impl<A: Agent> fmt::Debug for AgentRef<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AgentRef")
            .field("id", self.id())
            .field("agent_type", &A::agent_type())
            .field("running", &self.is_running())
            .finish()
    }
}

/// Two handles are equal when they name the same agent id (handles follow the id).
impl<A: Agent> PartialEq for AgentRef<A> {
    fn eq(&self, other: &Self) -> bool {
        self.id() == other.id()
    }
}

impl<A: Agent> Eq for AgentRef<A> {}
