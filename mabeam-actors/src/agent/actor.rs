use std::marker::PhantomData;
use std::sync::Arc;

use mabeam_core::Snapshot;
use ractor::{Actor, ActorId, ActorProcessingErr, ActorRef};
use tokio::task::JoinHandle;

use super::{Agent, AgentMsg, Ctx, RestoreRefused};
use crate::bus::{LaneQueue, Popped, SignalBus, SubscriberId};
use crate::registry::AgentSlot;
use crate::supervisor::{MakeAgent, RestartInfo};
use crate::AgentSystem;

/// Signals handled per "signals ready" message before other mailbox messages get a turn.
const SIGNAL_BATCH: usize = 32;

/// The ractor actor that runs one agent.
pub(crate) struct AgentActor<A>(PhantomData<fn() -> A>);

impl<A> AgentActor<A> {
    pub(crate) fn new() -> Self {
        Self(PhantomData)
    }
}

pub(crate) struct AgentArgs<A: Agent> {
    pub(crate) factory: Arc<dyn MakeAgent<A>>,
    pub(crate) slot: Arc<AgentSlot>,
    pub(crate) system: AgentSystem,
    pub(crate) restart: Option<RestartInfo>,
    pub(crate) restore: Option<Snapshot>,
}

pub(crate) struct AgentState<A: Agent> {
    agent: A,
    ctx: Ctx<A>,
    signals: Option<Arc<LaneQueue>>,
    instance: Instance,
}

/// What one running instance holds outside itself. Released on a graceful stop, and by `Drop`
/// when the instance crashes (ractor skips `post_stop` then).
struct Instance {
    actor: ActorId,
    slot: Arc<AgentSlot>,
    bus: SignalBus,
    subscriber: Option<SubscriberId>,
    sensors: Vec<JoinHandle<()>>,
}

impl Instance {
    fn release(&mut self) {
        self.slot.clear_if(self.actor);
        if let Some(id) = self.subscriber.take() {
            self.bus.unsubscribe(id);
        }
        for sensor in self.sensors.drain(..) {
            sensor.abort();
        }
    }
}

impl Drop for Instance {
    fn drop(&mut self) {
        self.release();
    }
}

impl<A: Agent> Actor for AgentActor<A> {
    type Msg = AgentMsg<A>;
    type State = AgentState<A>;
    type Arguments = AgentArgs<A>;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        let AgentArgs {
            factory,
            slot,
            system,
            restart,
            restore,
        } = args;
        let mut instance = Instance {
            actor: myself.get_id(),
            slot: slot.clone(),
            bus: system.bus().clone(),
            subscriber: None,
            sensors: Vec::new(),
        };
        // Published before the hooks run: messages sent from now on queue in the mailbox until
        // the agent is ready. If the start fails, `Instance::drop` unpublishes it.
        slot.set(myself.get_cell());
        let mut agent = factory.make();
        if let Some(snapshot) = restore {
            agent.restore(snapshot).map_err(RestoreRefused)?;
        }
        let mut ctx = Ctx::new(myself.get_cell(), slot.clone(), system.clone(), restart);
        if let Some(info) = restart {
            agent.on_restart(&mut ctx, &info).await?;
        }
        agent.on_start(&mut ctx).await?;
        if let Some(error) = ctx.take_failure() {
            return Err(error);
        }

        let patterns = agent.subscriptions();
        let signals = if patterns.is_empty() {
            None
        } else {
            let cell = myself.get_cell();
            let (id, queue) =
                system
                    .bus()
                    .subscribe_agent(Arc::from(slot.id().as_str()), patterns, move || {
                        let _ = cell.send_message(AgentMsg::<A>::SignalsReady);
                    });
            instance.subscriber = Some(id);
            Some(queue)
        };
        for (index, sensor) in agent.sensors().into_iter().enumerate() {
            instance
                .sensors
                .push(sensor.spawn::<A>(index, myself.get_cell()));
        }
        Ok(AgentState {
            agent,
            ctx,
            signals,
            instance,
        })
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        let result = match message {
            AgentMsg::Action(action) => {
                state.instance.slot.note_taken();
                state.agent.handle(&mut state.ctx, action).await
            }
            AgentMsg::Sensor(reading) => state.agent.on_sensor(&mut state.ctx, *reading).await,
            AgentMsg::Snapshot(reply) => {
                // Sent through `deliver`, which counts it as queued.
                state.instance.slot.note_taken();
                reply.send(state.agent.snapshot());
                Ok(())
            }
            AgentMsg::SignalsReady => {
                let Some(queue) = state.signals.clone() else {
                    return Ok(());
                };
                for _ in 0..SIGNAL_BATCH {
                    match queue.pop() {
                        Some(Popped::Signal(signal)) => {
                            state.agent.on_signal(&mut state.ctx, signal).await?;
                            if state.ctx.has_failed() {
                                break;
                            }
                        }
                        Some(Popped::Lost { lane, missed }) => {
                            state
                                .agent
                                .on_signals_lost(&mut state.ctx, lane, missed)
                                .await
                        }
                        None => break,
                    }
                }
                if queue.finish_pass() {
                    let _ = myself.send_message(AgentMsg::SignalsReady);
                }
                Ok(())
            }
        };
        result?;
        match state.ctx.take_failure() {
            Some(error) => Err(error),
            None => Ok(()),
        }
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<Self::Msg>,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        state.instance.release();
        state.agent.on_stop(&mut state.ctx).await;
        Ok(())
    }
}
