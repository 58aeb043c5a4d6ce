use std::fmt;
use std::marker::PhantomData;
use std::sync::Arc;
use std::time::Duration;

use mabeam_core::{AgentId, IntoTopic, Lane, Signal, SignalBuilder, TopicError};
use ractor::ActorCell;
use serde::Serialize;

use super::{Agent, AgentError, AgentMsg};
use crate::bus::{PublishReport, SignalPayload};
use crate::registry::AgentSlot;
use crate::supervisor::RestartInfo;
use crate::{AgentRef, AgentSystem};

/// What an agent's handlers can do besides changing state: know who they are, emit signals,
/// send to themselves, reach the system, stop.
pub struct Ctx<A: Agent> {
    cell: ActorCell,
    slot: Arc<AgentSlot>,
    system: AgentSystem,
    restart: Option<RestartInfo>,
    failure: Option<AgentError>,
    _agent: PhantomData<fn() -> A>,
}

impl<A: Agent> Ctx<A> {
    pub(crate) fn new(
        cell: ActorCell,
        slot: Arc<AgentSlot>,
        system: AgentSystem,
        restart: Option<RestartInfo>,
    ) -> Self {
        Self {
            cell,
            slot,
            system,
            restart,
            failure: None,
            _agent: PhantomData,
        }
    }

    /// The agent's id.
    pub fn id(&self) -> &AgentId {
        self.slot.id()
    }

    /// A handle to this agent (valid across its restarts).
    pub fn myself(&self) -> AgentRef<A> {
        AgentRef::from_slot(self.slot.clone())
    }

    /// The agent system it runs in.
    pub fn system(&self) -> &AgentSystem {
        &self.system
    }

    /// Set when this instance was started by a restart.
    pub fn restart_info(&self) -> Option<&RestartInfo> {
        self.restart.as_ref()
    }

    /// Emits a signal on `topic` carrying `data`, from this agent, on the default lane.
    pub fn emit<T>(&self, topic: impl IntoTopic, data: T) -> Result<PublishReport, TopicError>
    where
        T: Serialize + Send + Sync + 'static,
    {
        self.skill_ctx().emit(topic, data)
    }

    /// Emits a signal on `topic` carrying `data`, from this agent, on `lane`.
    pub fn emit_on<T>(
        &self,
        lane: Lane,
        topic: impl IntoTopic,
        data: T,
    ) -> Result<PublishReport, TopicError>
    where
        T: Serialize + Send + Sync + 'static,
    {
        self.skill_ctx().emit_on(lane, topic, data)
    }

    /// Emits a typed payload on its own topic and lane (see [`SignalPayload`]).
    pub fn emit_signal<P: SignalPayload>(&self, payload: P) -> PublishReport {
        self.skill_ctx().emit_signal(payload)
    }

    /// Starts a signal on `topic` with this agent as its source; finish it and pass it to
    /// [`Ctx::publish`] (to choose a lane or subject).
    pub fn signal(&self, topic: impl IntoTopic) -> Result<SignalBuilder, TopicError> {
        Ok(Signal::builder(topic.into_topic()?).source(self.id().as_str()))
    }

    /// Publishes a signal on the system's bus.
    pub fn publish(&self, signal: Signal) -> PublishReport {
        self.system.bus().publish(signal)
    }

    /// Sends `action` to this agent after `delay` (dropped if the agent is gone by then).
    pub fn send_after(&self, delay: Duration, action: A::Action) {
        let (cell, slot) = (self.cell.clone(), self.slot.clone());
        tokio::spawn(async move {
            tokio::time::sleep(delay).await;
            if cell.send_message(AgentMsg::<A>::Action(action)).is_ok() {
                slot.note_queued();
            }
        });
    }

    /// The context a mounted [`Skill`](super::Skill)'s handlers get.
    pub fn skill_ctx(&self) -> super::SkillCtx<'_> {
        super::SkillCtx::new(self.slot.id(), &self.system)
    }

    /// Fails the agent once the current handler returns, as if the handler had returned
    /// `Err(error)`: its supervisor sees a failure (a transient agent is restarted). For
    /// actions, whose own `Err` results are values sent to the caller.
    pub fn fail(&mut self, error: impl Into<AgentError>) {
        self.failure.get_or_insert(error.into());
    }

    pub(crate) fn has_failed(&self) -> bool {
        self.failure.is_some()
    }

    pub(crate) fn take_failure(&mut self) -> Option<AgentError> {
        self.failure.take()
    }

    /// Stops the agent gracefully once the current handler returns. Its supervisor treats this
    /// as a normal exit (a permanent agent is restarted; a transient or temporary one is not).
    pub fn stop(&self) {
        self.cell.stop(None);
    }
}

impl<A: Agent> fmt::Debug for Ctx<A> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Ctx")
            .field("id", self.id())
            .field("agent_type", &A::agent_type())
            .finish()
    }
}
