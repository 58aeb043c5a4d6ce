use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::Arc;
use std::time::Instant;

use mabeam_core::supervision::{Decision, Exit, RestartPlanner, Strategy};
use ractor::{Actor, ActorCell, ActorId, ActorProcessingErr, ActorRef, SupervisionEvent};

use super::children::Children;
use super::spec::StartCtx;
use super::{
    Adoption, ChildSpec, RestartInfo, SupervisorError, SupervisorMsg, SupervisorReport,
    SupervisorSlot, SupervisorSpec,
};
use crate::registry::AgentSlot;
use crate::AgentSystem;

/// The ractor actor behind every supervisor.
pub(crate) struct SupervisorActor;

pub(crate) struct SupervisorArgs {
    pub(crate) spec: SupervisorSpec,
    pub(crate) system: AgentSystem,
}

pub(crate) struct SupervisorState {
    name: Arc<str>,
    strategy: Strategy,
    planner: RestartPlanner<Arc<str>>,
    children: Children,
    system: AgentSystem,
    myself: ActorCell,
    slot: Arc<SupervisorSlot>,
    /// Children this supervisor is stopping itself: their exit is expected, not acted on.
    expected_exits: HashSet<ActorId>,
    /// Exits of children started by a caller whose `Adopt` has not arrived yet (supervision
    /// events overtake ordinary messages).
    early_exits: HashMap<ActorId, (Exit, String)>,
}

impl SupervisorState {
    /// Adds `spec` (claiming its agent id) and starts it.
    async fn add_child(
        &mut self,
        spec: ChildSpec,
    ) -> Result<Option<Arc<AgentSlot>>, SupervisorError> {
        // An agent id is unique in the whole system: the registry's answer comes first.
        let slot = spec
            .reserve(self.system.registry(), self.system.call_timeout())
            .transpose()?;
        if self.children.contains(&spec.id) {
            if let Some(slot) = &slot {
                self.system.registry().release(slot);
            }
            return Err(SupervisorError::DuplicateChild(spec.id.to_string()));
        }
        let id = spec.id.clone();
        self.children.insert(spec, slot.clone());
        self.slot.child_added(&id);
        if let Err(err) = self.start_child(&id, None).await {
            self.remove_child(&id);
            return Err(err);
        }
        Ok(slot)
    }

    async fn start_child(
        &mut self,
        id: &str,
        restart: Option<RestartInfo>,
    ) -> Result<(), SupervisorError> {
        let entry = self
            .children
            .get(id)
            .ok_or_else(|| SupervisorError::NoSuchChild(id.to_owned()))?;
        if entry.cell.is_some() {
            return Ok(());
        }
        let ctx = StartCtx {
            supervisor: self.myself.clone(),
            system: self.system.clone(),
            restart,
            slot: entry.slot.clone(),
        };
        match entry.spec.start(ctx).await {
            Ok(cell) => {
                self.children.set_running(id, cell);
                Ok(())
            }
            Err(err) => {
                tracing::error!(supervisor = %self.name, child = id, error = %err, "child failed to start");
                Err(SupervisorError::start_failed(id, &err))
            }
        }
    }

    /// Stops a running child and waits for it, killing it after its shutdown time.
    async fn stop_child(&mut self, id: &str) {
        let Some(cell) = self.children.take_cell(id) else {
            return;
        };
        self.expected_exits.insert(cell.get_id());
        let shutdown = self
            .children
            .get(id)
            .map_or(std::time::Duration::from_secs(5), |e| e.spec.shutdown);
        // An error other than a timeout means it had already exited (its exit event is on
        // the way).
        if let Err(ractor::RactorErr::Timeout) = cell.stop_and_wait(None, Some(shutdown)).await {
            tracing::warn!(supervisor = %self.name, child = id, ?shutdown, "child did not stop in time; killing it");
            let _ = cell.kill_and_wait(Some(shutdown)).await;
        }
    }

    fn report(&self) -> SupervisorReport {
        SupervisorReport::new(&self.name)
    }

    /// Forgets a child and frees its agent id.
    fn remove_child(&mut self, id: &str) {
        self.slot.child_removed(id);
        if let Some(entry) = self.children.remove(id) {
            if let Some(slot) = &entry.slot {
                self.system.registry().release(slot);
            }
        }
        self.planner.forget(id);
    }

    /// Takes over the agents callers started; returns the exits that arrived before them.
    fn adopt_pending(&mut self) -> Vec<(ActorId, Exit, String)> {
        let mut early = Vec::new();
        for Adoption {
            spec,
            cell,
            pending,
        } in self.slot.take_adoptions()
        {
            let id = spec.id.clone();
            let actor = cell.get_id();
            if self.children.contains(&id) {
                // Another kind of child (an actor or a supervisor) already has this id; the
                // registry only keeps agent ids unique. Refuse the newcomer: dropping `pending`
                // frees its agent id.
                tracing::error!(supervisor = %self.name, child = %id, "a child with this id exists; stopping the adopted agent");
                self.expected_exits.insert(actor);
                cell.stop(None);
                continue;
            }
            self.children.insert(spec, Some(pending.adopt()));
            self.slot.child_added(&id);
            self.children.set_running(&id, cell);
            if let Some((exit, reason)) = self.early_exits.remove(&actor) {
                early.push((actor, exit, reason));
            }
        }
        early
    }

    /// Stops every child in reverse start order and forgets them.
    async fn shutdown(&mut self) {
        // Children started by callers are children too, in the order they were started.
        self.adopt_pending();
        for id in self.children.ids().iter().rev() {
            self.stop_child(id).await;
            self.remove_child(id);
        }
    }

    async fn on_child_exit(
        &mut self,
        myself: &ActorRef<SupervisorMsg>,
        actor: ActorId,
        exit: Exit,
        reason: &str,
    ) -> Result<(), ActorProcessingErr> {
        if self.children.id_of(actor).is_none() && !self.expected_exits.contains(&actor) {
            // Perhaps started by a caller and not taken over yet.
            for (early, exit, reason) in self.adopt_pending() {
                Box::pin(self.on_child_exit(myself, early, exit, &reason)).await?;
            }
        }
        let Some(id) = self.children.id_of(actor) else {
            if !self.expected_exits.remove(&actor) {
                // Not stopped by us and its adoption not even queued yet: keep the exit for it.
                self.early_exits.insert(actor, (exit, reason.to_owned()));
            }
            return Ok(());
        };
        self.children.take_cell(&id);
        self.report()
            .child(&id)
            .reason(reason, exit == Exit::Failed)
            .publish(&self.system, SupervisorReport::EXITED);
        match exit {
            Exit::Failed => {
                tracing::warn!(supervisor = %self.name, child = %id, reason, "child failed")
            }
            Exit::Normal => {
                tracing::debug!(supervisor = %self.name, child = %id, reason, "child stopped")
            }
        }

        self.handle_exits(myself, VecDeque::from([(id, exit)]))
            .await
    }

    /// Carries out the planner's decisions for a queue of exits (a failed restart adds one).
    async fn handle_exits(
        &mut self,
        myself: &ActorRef<SupervisorMsg>,
        mut exits: VecDeque<(Arc<str>, Exit)>,
    ) -> Result<(), ActorProcessingErr> {
        while let Some((id, exit)) = exits.pop_front() {
            let view = self.children.planner_view(&id, self.strategy);
            match self.planner.on_exit(&view, &id, exit, Instant::now()) {
                Decision::Ignore => {}
                Decision::Remove(id) => {
                    self.remove_child(&id);
                    self.report()
                        .child(&id)
                        .publish(&self.system, SupervisorReport::REMOVED);
                }
                Decision::Restart {
                    stop,
                    remove,
                    start,
                    delay,
                } => {
                    for id in &stop {
                        self.stop_child(id).await;
                    }
                    for id in &remove {
                        self.remove_child(id);
                        self.report()
                            .child(id)
                            .publish(&self.system, SupervisorReport::REMOVED);
                    }
                    if !delay.is_zero() {
                        tracing::debug!(supervisor = %self.name, children = ?start, ?delay, "restart after backoff");
                        myself.send_after(delay, move || SupervisorMsg::RestartDelayed(start));
                        continue;
                    }
                    if let Some(failed) = self.restart(&start).await {
                        exits.push_back((failed, Exit::Failed));
                    }
                }
                Decision::Escalate { restarts, within } => {
                    tracing::error!(
                        supervisor = %self.name, restarts, ?within,
                        "restart intensity exceeded; stopping children and escalating"
                    );
                    self.shutdown().await;
                    self.slot.clear_if(self.myself.get_id());
                    self.report()
                        .restarts(restarts)
                        .publish(&self.system, SupervisorReport::ESCALATED);
                    return Err(format!(
                        "supervisor `{}`: {restarts} restarts within {within:?}",
                        self.name
                    )
                    .into());
                }
            }
        }
        Ok(())
    }

    /// Starts `ids` in order; returns the first that failed to start (the rest wait for the
    /// planner's next decision).
    async fn restart(&mut self, ids: &[Arc<str>]) -> Option<Arc<str>> {
        for id in ids {
            let info = RestartInfo {
                restarts: self.planner.recent_restarts(id),
            };
            match self.start_child(id, Some(info)).await {
                Ok(()) => self
                    .report()
                    .child(id)
                    .restarts(info.restarts)
                    .publish(&self.system, SupervisorReport::RESTARTED),
                Err(SupervisorError::NoSuchChild(_)) => {}
                Err(_) => return Some(id.clone()),
            }
        }
        None
    }
}

impl Drop for SupervisorState {
    fn drop(&mut self) {
        // Reached with children left only when the supervisor was killed or crashed: free
        // their ids so the registry never points at agents nobody supervises.
        for entry in self.children.drain() {
            if let Some(slot) = &entry.slot {
                self.system.registry().release(slot);
            }
        }
        // Dropping an adoption frees its id (ractor kills the linked child itself).
        drop(self.slot.take_adoptions());
        self.slot.children_cleared();
        self.slot.clear_if(self.myself.get_id());
    }
}

/// How a child's termination counts. `None`: its task was cancelled, which mabeam never does —
/// the tokio runtime is shutting down, so restarting would only spin.
fn exit_of(reason: Option<&str>) -> Option<Exit> {
    match reason {
        Some("actor_task_cancelled") => None,
        Some("killed") => Some(Exit::Failed),
        _ => Some(Exit::Normal),
    }
}

impl Actor for SupervisorActor {
    type Msg = SupervisorMsg;
    type State = SupervisorState;
    type Arguments = SupervisorArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: Self::Arguments,
    ) -> Result<Self::State, ActorProcessingErr> {
        let SupervisorArgs { spec, system } = args;
        if spec.slot.is_alive() {
            return Err(format!("supervisor `{}` is already running", spec.name).into());
        }
        let mut state = SupervisorState {
            name: spec.name.clone(),
            strategy: spec.strategy,
            planner: RestartPlanner::new(spec.strategy, spec.intensity, spec.backoff),
            children: Children::default(),
            system,
            myself: myself.get_cell(),
            slot: spec.slot.clone(),
            expected_exits: HashSet::new(),
            early_exits: HashMap::new(),
        };
        for child in spec.children {
            if let Err(err) = state.add_child(child).await {
                state.shutdown().await;
                return Err(err.into());
            }
        }
        spec.slot.set(myself.clone());
        Ok(state)
    }

    async fn handle(
        &self,
        myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match message {
            SupervisorMsg::StartChild(spec, reply) => {
                reply.send(state.add_child(spec).await);
            }
            SupervisorMsg::TerminateChild(id, reply) => {
                let result = if state.children.contains(&id) {
                    state.stop_child(&id).await;
                    state.remove_child(&id);
                    Ok(())
                } else {
                    Err(SupervisorError::NoSuchChild(id))
                };
                reply.send(result);
            }
            SupervisorMsg::Children(reply) => {
                let planner = &state.planner;
                reply.send(state.children.infos(|id| planner.recent_restarts(id)));
            }
            SupervisorMsg::AdoptPending => {
                for (actor, exit, reason) in state.adopt_pending() {
                    state.on_child_exit(&myself, actor, exit, &reason).await?;
                }
            }
            SupervisorMsg::RestartDelayed(ids) => {
                if let Some(failed) = state.restart(&ids).await {
                    return state
                        .handle_exits(&myself, VecDeque::from([(failed, Exit::Failed)]))
                        .await;
                }
            }
        }
        Ok(())
    }

    async fn handle_supervisor_evt(
        &self,
        myself: ActorRef<Self::Msg>,
        event: SupervisionEvent,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        match event {
            SupervisionEvent::ActorTerminated(cell, _, reason) => {
                let Some(exit) = exit_of(reason.as_deref()) else {
                    tracing::debug!(supervisor = %state.name, "child task cancelled: runtime shutting down");
                    if let Some(id) = state.children.id_of(cell.get_id()) {
                        state.children.take_cell(&id);
                    }
                    return Ok(());
                };
                let reason = reason.unwrap_or_else(|| "normal".to_owned());
                state
                    .on_child_exit(&myself, cell.get_id(), exit, &reason)
                    .await
            }
            SupervisionEvent::ActorFailed(cell, err) => {
                state
                    .on_child_exit(&myself, cell.get_id(), Exit::Failed, &err.to_string())
                    .await
            }
            _ => Ok(()),
        }
    }

    async fn post_stop(
        &self,
        _myself: ActorRef<Self::Msg>,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        state.shutdown().await;
        state.slot.clear_if(state.myself.get_id());
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_cancelled_task_is_not_an_exit_to_act_on() {
        assert_eq!(exit_of(Some("actor_task_cancelled")), None);
        assert_eq!(exit_of(Some("killed")), Some(Exit::Failed));
        assert_eq!(exit_of(None), Some(Exit::Normal));
        assert_eq!(exit_of(Some("done for today")), Some(Exit::Normal));
    }
}
