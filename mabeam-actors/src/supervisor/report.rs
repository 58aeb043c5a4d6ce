use mabeam_core::{Lane, Signal, Topic};
use serde::{Deserialize, Serialize};

use crate::AgentSystem;

/// What a supervisor tells the bus about its children, on the control lane, with the supervisor
/// as source. Subscribe to `mabeam.supervisor.*` to watch a tree:
///
/// | topic | when | fields set |
/// | --- | --- | --- |
/// | [`SupervisorReport::EXITED`] | a child stopped or failed on its own | `child`, `reason`, `failed` |
/// | [`SupervisorReport::RESTARTED`] | a child was started again | `child`, `restarts` |
/// | [`SupervisorReport::REMOVED`] | a child exited and is not restarted | `child` |
/// | [`SupervisorReport::ESCALATED`] | the intensity was exceeded; the supervisor fails | `restarts` |
///
/// ```
/// use mabeam_actors::supervisor::SupervisorReport;
/// # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// # let system = mabeam_actors::AgentSystem::builder().start().await?;
/// let mut reports = system.subscribe("mabeam.supervisor.*")?;
/// # system.shutdown().await;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[non_exhaustive]
pub struct SupervisorReport {
    /// The supervisor's name.
    pub supervisor: String,
    /// The child concerned.
    pub child: Option<String>,
    /// Restarts within the intensity window (of the child, or of the supervisor when escalating).
    pub restarts: u32,
    /// Why the child exited.
    pub reason: Option<String>,
    /// Whether the exit was a failure.
    pub failed: bool,
}

impl SupervisorReport {
    /// A child stopped or failed on its own.
    pub const EXITED: &'static str = "mabeam.supervisor.exited";
    /// A child was started again.
    pub const RESTARTED: &'static str = "mabeam.supervisor.restarted";
    /// A child exited and is not restarted.
    pub const REMOVED: &'static str = "mabeam.supervisor.removed";
    /// The supervisor exceeded its restart intensity and fails.
    pub const ESCALATED: &'static str = "mabeam.supervisor.escalated";

    pub(crate) fn new(supervisor: &str) -> Self {
        Self {
            supervisor: supervisor.to_owned(),
            child: None,
            restarts: 0,
            reason: None,
            failed: false,
        }
    }

    pub(crate) fn child(mut self, child: &str) -> Self {
        self.child = Some(child.to_owned());
        self
    }

    pub(crate) fn restarts(mut self, restarts: u32) -> Self {
        self.restarts = restarts;
        self
    }

    pub(crate) fn reason(mut self, reason: &str, failed: bool) -> Self {
        self.reason = Some(reason.to_owned());
        self.failed = failed;
        self
    }

    pub(crate) fn publish(self, system: &AgentSystem, topic: &'static str) {
        let signal = Signal::builder(Topic::from_static(topic))
            .source(self.supervisor.as_str())
            .lane(Lane::Control)
            .data(self)
            .build();
        system.bus().publish(signal);
    }
}
