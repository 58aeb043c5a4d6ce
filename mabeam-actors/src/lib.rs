//! The mabeam agent runtime on [ractor](https://docs.rs/ractor): agents with actions, sensors
//! and signal handlers, OTP-style supervision trees, a local registry and a lane-prioritised
//! signal bus, embedded in the caller's tokio runtime.
//!
//! A tour:
//! - [`Agent`]: state plus behaviour; [`Ctx`] is what handlers can do besides change state.
//! - [`AgentSystem`]: start one inside your app; spawn agents by id; look them up.
//! - [`AgentRef`]: the typed handle; `call` (with per-call timeouts) and `cast`;
//!   [`AgentHandle`], what the typed methods `#[agent]` generates work on (an `AgentRef` here,
//!   a cluster handle in `mabeam-cluster`).
//! - [`supervisor`]: one-for-one / one-for-all / rest-for-one, restart types, intensity with
//!   escalation, backoff, nested trees, agents and plain ractor actors as children.
//! - [`bus`]: topic patterns with `*` and `**`, lanes so control traffic never waits behind
//!   bulk data, bounded queues with an explicit overflow policy.
//! - [`Sensor`]: periodic or stream-fed producers owned by an agent.
//!
//! ```
//! use mabeam_actors::prelude::*;
//!
//! #[derive(Default)]
//! struct Counter { n: u64 }
//!
//! enum Op { Add(u64, Reply<u64>) }
//!
//! impl Agent for Counter {
//!     type Action = Op;
//!     async fn handle(&mut self, ctx: &mut Ctx<Self>, op: Op) -> Result<(), AgentError> {
//!         let Op::Add(by, reply) = op;
//!         self.n += by;
//!         ctx.emit("counter.changed", self.n)?;
//!         reply.send(self.n);
//!         Ok(())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let system = AgentSystem::builder().start().await?;
//! let mut changes = system.subscribe("counter.*")?;
//! let counter = system.spawn("c1", Counter::default).await?;
//! assert_eq!(counter.call(|r| Op::Add(2, r)).await?, 2);
//! assert_eq!(changes.recv().await?.data::<u64>(), Some(&2));
//! system.shutdown().await;
//! # Ok(()) }
//! ```
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]
#![forbid(unsafe_code)]

pub mod agent;
mod agent_ref;
pub mod bus;
pub mod prelude;
pub mod registry;
pub mod remote;
pub mod supervisor;
mod system;

pub use agent::{
    Agent, AgentError, Ctx, Mounts, Reading, Reply, Sensor, Skill, SkillCtx, Unanswered,
};
pub use agent_ref::{AgentHandle, AgentRef, Call, CallError, CallFuture, CastError, IntoAction};
pub use bus::{
    BusConfig, BusConfigError, LaneConfig, Overflow, PublishReport, RecvError, SignalBus,
    SignalPayload, Subscription, TryRecvError,
};
pub use mabeam_core::{
    AgentId, IntoTopic, Lane, Signal, SignalBuilder, SignalId, Snapshot, SnapshotError, Topic,
    TopicError, TopicPattern,
};
pub use registry::{LookupError, RegisterError, Registry};
pub use remote::{RemoteAgent, ServeError, WireReply};
pub use supervisor::{
    Backoff, ChildInfo, ChildKind, ChildSpec, Intensity, Restart, RestartInfo, SpecError, Strategy,
    SupervisorError, SupervisorRef, SupervisorSpec,
};
pub use system::{AgentSystem, AgentSystemBuilder, StartError};

pub use mabeam_macros::{
    action, agent, on_restart, on_signal, on_start, on_stop, sensor, skill, Signal,
};

/// What generated code refers to. Not public API: names here change without notice.
#[doc(hidden)]
pub mod __private {
    pub use crate::agent::HandlerOutput;
    pub use crate::remote::{RemoteAgent, ServeError, WireReply};
    pub use crate::{
        Agent, AgentError, AgentHandle, AgentRef, Call, Ctx, IntoAction, Lane, Mounts, Reading,
        Reply, RestartInfo, Sensor, Signal, SignalPayload, Skill, SkillCtx, Snapshot,
        SnapshotError, Topic, TopicPattern,
    };
    pub use futures::future::BoxFuture;
    pub use serde;
    pub use serde_bytes;
    pub use std::sync::LazyLock;
    pub use std::time::Duration;
    pub use tracing;

    /// A stream sensor whose item type is checked against the handler's argument.
    pub fn sensor_stream<T, S>(name: &'static str, stream: S) -> Sensor
    where
        S: futures::Stream<Item = T> + Send + 'static,
        T: Send + 'static,
    {
        Sensor::stream(name, stream)
    }

    /// Restores a serde agent from a snapshot of its own type.
    pub fn restore_from<A>(agent: &mut A, snapshot: Snapshot) -> Result<(), SnapshotError>
    where
        A: Agent + serde::de::DeserializeOwned,
    {
        if snapshot.agent_type() != A::agent_type() {
            return Err(SnapshotError::WrongType {
                expected: A::agent_type(),
                found: snapshot.agent_type().to_owned(),
            });
        }
        *agent = snapshot.decode()?;
        Ok(())
    }
}

/// Which ractor types mabeam exposes: `Actor` and friends, for plain-actor children of
/// supervisors ([`ChildSpec::actor`]).
pub use ractor;

/// The repository README's examples, compiled and run as doc tests.
#[cfg(doctest)]
#[doc = include_str!("../../README.md")]
pub struct ReadmeDoctests;
