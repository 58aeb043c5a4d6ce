use std::future::Future;

use mabeam_core::{Lane, Signal, Snapshot, SnapshotError, TopicPattern};

use super::{Ctx, Reading, Sensor};
use crate::supervisor::RestartInfo;

/// The error an agent's handler returns to fail: the agent stops and its supervisor decides
/// what happens next. (An action that wants to tell its caller about a failure returns it
/// through its [`Reply`](super::Reply) instead, and the agent keeps running.)
pub type AgentError = Box<dyn std::error::Error + Send + Sync + 'static>;

/// An agent: state plus behaviour, run as one actor.
///
/// Only [`Agent::Action`] and [`Agent::handle`] are required; every hook has a default.
/// Lifecycle, in order: the factory builds the value → [`Agent::restore`] (when started from a
/// snapshot) → [`Agent::on_restart`] (when restarted by its supervisor) → [`Agent::on_start`] →
/// subscriptions and sensors start → actions, signals and readings, one at a time →
/// [`Agent::on_stop`] (on a graceful stop; a crashed agent is simply dropped, so release
/// resources in `Drop`).
///
/// See the [module docs](mod@crate::agent) for a complete example.
pub trait Agent: Sized + Send + 'static {
    /// The message its actions take; usually an enum with one variant per action, each with a
    /// [`Reply`](super::Reply) for its result.
    type Action: Send + 'static;

    /// A stable name for the agent type, used in logs and snapshots. Defaults to the Rust
    /// type name.
    fn agent_type() -> &'static str {
        std::any::type_name::<Self>()
    }

    /// Handles one action. Returning `Err` fails the agent.
    fn handle(
        &mut self,
        ctx: &mut Ctx<Self>,
        action: Self::Action,
    ) -> impl Future<Output = Result<(), AgentError>> + Send;

    /// Runs once the agent is built, before it takes any message. Returning `Err` fails the
    /// start.
    #[allow(unused_variables)]
    fn on_start(
        &mut self,
        ctx: &mut Ctx<Self>,
    ) -> impl Future<Output = Result<(), AgentError>> + Send {
        async { Ok(()) }
    }

    /// Runs before [`Agent::on_start`] when the supervisor restarts the agent.
    #[allow(unused_variables)]
    fn on_restart(
        &mut self,
        ctx: &mut Ctx<Self>,
        info: &RestartInfo,
    ) -> impl Future<Output = Result<(), AgentError>> + Send {
        async { Ok(()) }
    }

    /// Runs when the agent stops gracefully (not after a crash).
    #[allow(unused_variables)]
    fn on_stop(&mut self, ctx: &mut Ctx<Self>) -> impl Future<Output = ()> + Send {
        async {}
    }

    /// The topic patterns the agent subscribes to while it runs; matching signals arrive in
    /// [`Agent::on_signal`], most urgent lane first.
    fn subscriptions(&self) -> Vec<TopicPattern> {
        Vec::new()
    }

    /// Handles a signal matching one of [`Agent::subscriptions`] (once per signal, however many
    /// patterns match). Returning `Err` fails the agent.
    #[allow(unused_variables)]
    fn on_signal(
        &mut self,
        ctx: &mut Ctx<Self>,
        signal: Signal,
    ) -> impl Future<Output = Result<(), AgentError>> + Send {
        async { Ok(()) }
    }

    /// Told that `missed` signals of `lane` were dropped because the agent fell behind (see the
    /// bus's [backpressure rules](crate::bus#backpressure)). Logs a warning by default.
    fn on_signals_lost(
        &mut self,
        ctx: &mut Ctx<Self>,
        lane: Lane,
        missed: u64,
    ) -> impl Future<Output = ()> + Send {
        tracing::warn!(agent = %ctx.id(), %lane, missed, "agent fell behind: signals dropped");
        async {}
    }

    /// The sensors to run while the agent runs; their readings arrive in
    /// [`Agent::on_sensor`]. They stop with the agent.
    fn sensors(&self) -> Vec<Sensor> {
        Vec::new()
    }

    /// Handles one sensor reading (a tick or a stream item). Returning `Err` fails the agent.
    #[allow(unused_variables)]
    fn on_sensor(
        &mut self,
        ctx: &mut Ctx<Self>,
        reading: Reading,
    ) -> impl Future<Output = Result<(), AgentError>> + Send {
        async { Ok(()) }
    }

    /// The agent's state as a snapshot (for passivation, migration, replication).
    /// Unsupported by default; `Snapshot::encode(Self::agent_type(), self)` implements it for a
    /// serde type.
    fn snapshot(&self) -> Result<Snapshot, SnapshotError> {
        Err(SnapshotError::Unsupported(Self::agent_type()))
    }

    /// Replaces the state with a snapshot's. Unsupported by default.
    #[allow(unused_variables)]
    fn restore(&mut self, snapshot: Snapshot) -> Result<(), SnapshotError> {
        Err(SnapshotError::Unsupported(Self::agent_type()))
    }
}
