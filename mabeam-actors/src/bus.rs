//! The signal bus: topic-routed delivery of [`Signal`](struct@crate::Signal)s to agents and to plain
//! subscribers.
//!
//! # Delivery and lanes
//! Every subscriber (an agent, or a [`Subscription`] stream) owns one bounded queue per
//! [`Lane`](crate::Lane) and always takes the next signal from the most urgent non-empty lane.
//! A flood of `Data` or `Telemetry` signals therefore never delays a `Control` signal by more
//! than the one signal being handled when it arrives.
//!
//! # Backpressure
//! Publishing never blocks and never grows memory without bound. When a subscriber's lane is
//! full, the lane's [`Overflow`] policy decides: `DropNewest` refuses the new signal,
//! `DropOldest` evicts the oldest queued one. Either way the publisher's [`PublishReport`]
//! counts the drop, a `warn` log line names the topic, lane and subscriber, and the subscriber
//! learns how many it missed: a [`Subscription`] gets [`RecvError::Lagged`], an agent gets
//! [`Agent::on_signals_lost`](crate::Agent::on_signals_lost). Capacities and policies are set
//! per lane in [`BusConfig`].
//!
//! ```
//! use mabeam_actors::{BusConfig, Lane, Signal, SignalBus, Topic, TopicPattern};
//!
//! # tokio::runtime::Runtime::new().unwrap().block_on(async {
//! let bus = SignalBus::new(BusConfig::default());
//! let mut orders = bus.subscribe(["orders.*".parse::<TopicPattern>()?]);
//! let report = bus.publish(Signal::new(Topic::new("orders.created")?, 42u32));
//! assert_eq!(report.delivered, 1);
//! let signal = orders.recv().await?;
//! assert_eq!(signal.data::<u32>(), Some(&42));
//! # Ok::<(), Box<dyn std::error::Error>>(())
//! # }).unwrap();
//! ```

mod config;
mod error;
mod lane_queue;
mod payload;
mod signal_bus;
mod subscription;

pub use config::{BusConfig, BusConfigError, LaneConfig, Overflow};
pub use error::{RecvError, TryRecvError};
pub(crate) use lane_queue::{LaneQueue, Popped};
pub use payload::SignalPayload;
pub use signal_bus::{PublishReport, SignalBus, SubscriberId};
pub use subscription::Subscription;
