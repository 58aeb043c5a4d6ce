//! Agents: a struct with state, typed actions, sensors and signal handlers, run as a ractor
//! actor.
//!
//! Implement [`Agent`] by hand (as below) or let `#[agent]` generate it. An agent's
//! [`Agent::Action`] is usually an enum: one variant per action, each carrying its arguments
//! and a [`Reply`] for its result.
//!
//! ```
//! use mabeam_actors::prelude::*;
//!
//! #[derive(Default)]
//! struct Counter { n: u64 }
//!
//! enum CounterAction {
//!     Add(u64, Reply<u64>),
//!     Get(Reply<u64>),
//! }
//!
//! impl Agent for Counter {
//!     type Action = CounterAction;
//!
//!     async fn handle(&mut self, ctx: &mut Ctx<Self>, action: CounterAction) -> Result<(), AgentError> {
//!         match action {
//!             CounterAction::Add(by, reply) => {
//!                 self.n += by;
//!                 ctx.emit("counter.changed", self.n)?;
//!                 reply.send(self.n);
//!             }
//!             CounterAction::Get(reply) => { reply.send(self.n); }
//!         }
//!         Ok(())
//!     }
//! }
//!
//! # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let system = AgentSystem::builder().start().await?;
//! let counter = system.spawn("c1", Counter::default).await?;
//! assert_eq!(counter.call(|r| CounterAction::Add(5, r)).await?, 5);
//! assert_eq!(counter.call(CounterAction::Get).await?, 5);
//! system.shutdown().await;
//! # Ok(()) }
//! ```

//!
//! # `#[agent]`: the same agent, without the boilerplate
//!
//! Put `#[agent]` on the agent's own impl block and mark its methods; it generates the action
//! enum (`CounterAction`), the [`Agent`] impl (dispatch, sensor schedules, subscriptions, hooks)
//! and a handle trait (`CounterHandle`) with one method per action. The handle trait is
//! implemented for every [`AgentHandle`](crate::AgentHandle) of the agent: on its
//! `AgentRef<Counter>` each method returns the same [`Call`](crate::Call) builder as
//! [`AgentRef::call`](crate::AgentRef::call) (nothing is boxed or serialized on the local
//! path), and the same methods work on a `remote` agent's cluster-wide handle
//! (`mabeam_cluster::gateway::ClusterRef<Counter>`). An action that panics tells its caller the
//! panic message ([`CallError::AgentFailed`](crate::CallError::AgentFailed)) before the agent
//! crashes.
//!
//! ```
//! use std::time::Duration;
//! use mabeam_actors::prelude::*;
//! use mabeam_actors::agent;
//! use serde::{Deserialize, Serialize};
//!
//! /// A typed signal: its topic and lane travel with the type.
//! #[derive(Serialize, mabeam_actors::Signal)]
//! #[signal(topic = "counter.changed", lane = "events")]
//! struct Changed { n: u64 }
//!
//! #[derive(Default, Serialize, Deserialize)]
//! struct Counter { n: u64, ticks: u32 }
//!
//! #[agent(name = "counter", snapshot)]   // stable type name; snapshot/restore via serde
//! impl Counter {
//!     /// Actions: sync or async, `&self` or `&mut self`, any owned arguments, an optional
//!     /// `&mut Ctx<Self>` first; the result goes back to the caller.
//!     #[action]
//!     async fn increment(&mut self, ctx: &mut Ctx<Self>, by: u64) -> u64 {
//!         self.n += by;
//!         ctx.emit_signal(Changed { n: self.n });
//!         self.n
//!     }
//!
//!     #[action]
//!     fn get(&self) -> u64 { self.n }
//!
//!     /// A `Result` is a value for the caller; the agent keeps running.
//!     #[action]
//!     fn take(&mut self, by: u64) -> Result<u64, String> {
//!         self.n = self.n.checked_sub(by).ok_or("not enough")?;
//!         Ok(self.n)
//!     }
//!
//!     /// Sensors: `every = "<duration>"` (`ms`, `s`, `m`, `h`, sums like "1m30s") or
//!     /// `stream = "<method returning a Stream>"` (the handler then takes the item).
//!     #[sensor(every = "1s")]
//!     fn tick(&mut self) { self.ticks += 1; }
//!
//!     /// Signal handlers by topic pattern; returning `Err` fails the agent.
//!     #[on_signal("counter.reset", "admin.**")]
//!     fn on_reset(&mut self, _signal: Signal) { self.n = 0; }
//!
//!     /// Lifecycle hooks: `#[on_start]`, `#[on_restart]` (may take `&RestartInfo`), `#[on_stop]`.
//!     #[on_start]
//!     fn started(&mut self, ctx: &mut Ctx<Self>) { println!("{} up", ctx.id()); }
//!
//!     /// Methods without an attribute stay ordinary methods.
//!     fn doubled(&self) -> u64 { self.n * 2 }
//! }
//!
//! # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
//! # async fn main() -> Result<(), Box<dyn std::error::Error>> {
//! let system = AgentSystem::builder().start().await?;
//! let counter = system.spawn("c1", Counter::default).await?;
//! assert_eq!(counter.increment(5).await?, 5);
//! assert_eq!(counter.take(9).timeout(Duration::from_millis(100)).await?, Err("not enough".into()));
//! assert_eq!(counter.get().no_timeout().await?, 5);
//! # assert_eq!(Counter::default().doubled(), 0);
//! system.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! Options: `#[agent(name = "..")]` (the stable [`Agent::agent_type`], default the type's
//! name), `snapshot` (generate [`Agent::snapshot`]/[`Agent::restore`] from serde),
//! `remote` (every argument and result must be serde — checked at compile time, pointing at
//! the offending type — and a serializable `CounterRequest` enum is generated for the wire),
//! `vis = "pub(crate)"` (visibility of the generated items, default `pub`), `crate = ".."`
//! (when `mabeam_actors` is renamed). `#[action(name = "..")]` renames the handle method.
//!
//! Misuse is a compile error on the offending token, all errors of an item at once: `self` by
//! value, a borrowed argument, two actions with one generated name, an action named like an
//! `AgentRef` method (or, on a `remote` agent, a `ClusterRef` method), a malformed duration, a
//! sensor with arguments, an invalid topic pattern, a non-serde argument on a `remote` agent,
//! an `#[action]` outside `#[agent]`.

mod actor;
mod ctx;
mod error;
mod handler_output;
mod messages;
mod reply;
mod sensor;
mod skill;
mod traits;

pub(crate) use actor::{AgentActor, AgentArgs};
pub use ctx::Ctx;
pub(crate) use error::RestoreRefused;
pub use error::Unanswered;
pub use handler_output::HandlerOutput;
pub(crate) use messages::AgentMsg;
pub use reply::Reply;
pub use sensor::{Reading, Sensor};
pub use skill::{Mounts, Skill, SkillCtx};
pub use traits::{Agent, AgentError};
