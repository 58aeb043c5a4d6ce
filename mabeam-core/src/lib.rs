//! Pure, deterministic building blocks of mabeam.
//!
//! Nothing in this crate spawns a task, opens a socket or reads a clock on its own: every type
//! is a value or a state machine that takes events (and the current time, when it needs one) and
//! returns decisions. The runtime in `mabeam-actors` and the cluster in `mabeam-cluster` do the
//! I/O; this crate holds the rules, so they can be tested exhaustively.
//!
//! - [`Topic`], [`TopicPattern`] and [`TopicIndex`]: dotted signal topics, patterns with `*`
//!   (one segment) and `**` (zero or more segments), and an index that finds every pattern
//!   matching a topic.
//! - [`Signal`] and [`Lane`]: the CloudEvents-like envelope agents emit and subscribe to.
//! - [`codec`]: the versioned MessagePack encoding used for snapshots and, later, the wire.
//! - [`Snapshot`]: an agent's serialized state, for restore, passivation and migration.
//! - [`discovery`]: the authenticated multicast beacon nodes announce themselves with.
//! - [`health`]: cluster health from membership, gossiped metrics and flap history.
//! - [`history`]: a Jepsen-style checker for recorded histories of replicated counters
//!   (nothing acknowledged lost, no value going backwards, never two live copies).
//! - [`membership`]: the membership view every node keeps (statuses, generations, events).
//! - [`names`]: cluster-wide names, with the conflict policy every node applies alike.
//! - [`placement`]: which node owns an agent, computed alike on every node (rendezvous hashing).
//! - [`replication`]: replicated agent state — versions, acknowledgement quorums, fencing of a
//!   replaced owner, and the copy a new owner restores from.
//! - [`resolver`]: split-brain resolution — which side of a partition downs which members
//!   (keep-majority, static quorum, keep-oldest, down-all).
//! - [`singleton`]: cluster singletons, one-per-node agents and registered names — what each
//!   node must run.
//! - [`supervision`]: the OTP restart rules (strategies, restart types, intensity, backoff).
//!
//! ```
//! use mabeam_core::{Topic, TopicPattern};
//!
//! let pattern: TopicPattern = "orders.*.created".parse()?;
//! assert!(pattern.matches(&Topic::new("orders.eu.created")?));
//! assert!(!pattern.matches(&Topic::new("orders.eu.paid")?));
//! # Ok::<(), mabeam_core::TopicError>(())
//! ```
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]
#![forbid(unsafe_code)]

mod agent_id;
pub mod codec;
pub mod discovery;
pub mod health;
pub mod history;
mod lane;
pub mod membership;
pub mod names;
pub mod placement;
pub mod replication;
pub mod resolver;
mod signal;
pub mod singleton;
mod snapshot;
pub mod supervision;
mod topic;
pub mod wire;

pub use agent_id::AgentId;
pub use codec::CodecError;
pub use lane::Lane;
pub use signal::{Signal, SignalBuilder, SignalId};
pub use snapshot::{Snapshot, SnapshotError};
pub use topic::{IntoTopic, Topic, TopicError, TopicIndex, TopicPattern};
