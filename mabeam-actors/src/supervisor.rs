//! OTP-style supervisors on ractor's supervision events.
//!
//! A supervisor starts its children in order, watches them, and restarts them by the rules of
//! its [`Strategy`] (one-for-one, one-for-all, rest-for-one) and each child's [`Restart`] type
//! (permanent, transient, temporary), waiting per its [`Backoff`]. More than the allowed
//! [`Intensity`] of restarts makes it stop its children and fail, escalating to its own
//! supervisor. Children are agents, plain ractor actors, or supervisors (trees nest). On stop it
//! stops its children one at a time in reverse start order, each given its shutdown time before
//! being killed.
//!
//! Supervisors report exits, restarts, removals and escalations as [`SupervisorReport`]
//! signals on `mabeam.supervisor.*` (control lane).
//!
//! The restart rules themselves are the pure [`RestartPlanner`](mabeam_core::supervision) of
//! `mabeam-core`; this module carries its decisions out.
//!
//! ```
//! use std::time::Duration;
//! use mabeam_actors::prelude::*;
//! # #[derive(Default)] struct Worker;
//! # impl Agent for Worker { type Action = ();
//! #   async fn handle(&mut self, _: &mut Ctx<Self>, _: ()) -> Result<(), AgentError> { Ok(()) } }
//!
//! # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let system = AgentSystem::builder().start().await?;
//! let pool = SupervisorSpec::builder("pool")
//!     .strategy(Strategy::OneForAll)
//!     .intensity(Intensity::new(5, Duration::from_secs(10)))
//!     .backoff(Backoff::exponential(Duration::from_millis(10), Duration::from_secs(1)))
//!     .child(ChildSpec::agent("w1", Worker::default))
//!     .child(ChildSpec::agent("w2", Worker::default).restart(Restart::Transient))
//!     .build()?;
//! let pool = system.spawn_supervisor(pool).await?;
//! assert_eq!(pool.children().await?.len(), 2);
//! system.shutdown().await;
//! # Ok(()) }
//! ```

mod actor;
mod children;
mod error;
mod handle;
mod messages;
mod report;
mod spec;

pub(crate) use actor::{SupervisorActor, SupervisorArgs};
pub use error::{SpecError, SupervisorError};
pub use handle::SupervisorRef;
pub(crate) use handle::SupervisorSlot;
pub use mabeam_core::supervision::{Backoff, Intensity, Restart, Strategy};
pub(crate) use messages::{Adoption, PendingChild, SupervisorMsg};
pub use report::SupervisorReport;
pub(crate) use spec::MakeAgent;
pub use spec::{
    ChildInfo, ChildKind, ChildSpec, RestartInfo, SupervisorSpec, SupervisorSpecBuilder,
};
