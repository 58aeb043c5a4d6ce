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

mod actor;
mod ctx;
mod handler_output;
mod messages;
mod reply;
mod sensor;
mod traits;

pub(crate) use actor::{AgentActor, AgentArgs};
pub use ctx::Ctx;
pub use handler_output::HandlerOutput;
pub(crate) use messages::AgentMsg;
pub use reply::Reply;
pub use sensor::{Reading, Sensor};
pub use traits::{Agent, AgentError};
