//! Cluster singletons, one-per-node agents and registered names: what each node must run,
//! decided alike on every node from what it sees, with no coordinator.
//!
//! A *managed agent* ([`SingletonSpec`]) is started by the cluster, not by a call, and kept
//! running; its name is its agent id wherever it runs. Specs are gossiped and only grow
//! ([`SpecSet`]), so every node learns every spec, including nodes that join later and specs
//! whose starter has died.
//!
//! [`Planner`] is one node's side: given a [`Situation`] (the `up` nodes with the agent types
//! they host, the other nodes' name claims, what runs here) it returns a [`Plan`] — effects
//! to carry out, and where calls to each managed name go.
//!
//! **One per node** ([`Scope::PerNode`]): every node that hosts the type runs one copy,
//! whatever its status; a joining node starts its own as soon as it learns the spec.
//!
//! **Cluster singleton** ([`Scope::Cluster`]): its *owner* is the rendezvous owner of its
//! placement key (`agent type`, `name` — the key a call to that agent id is routed by) among
//! the `up` nodes hosting the type. The singleton's name is a cluster-wide name
//! ([`crate::names`]), and the claim to it is what allows a node to run it:
//! - the owner claims the name and starts the singleton, but only while *no other* live claim
//!   holds the name (the claims of nodes declared down or removed do not count; those of an
//!   unreachable node still do: it may be running);
//! - a holder that is no longer the owner (a node joined and took the key, it is leaving, its
//!   view changed) stops its copy and withdraws its claim; the new owner starts once the
//!   withdrawal reaches it. So with views that agree, there is never a moment with two
//!   copies;
//! - when two claims meet — two nodes that started it on different views at once, or the two
//!   sides of a healed partition, each of which took over when it declared the other side's
//!   holder down — the conflict policy of [`crate::names`] picks the winner everywhere alike
//!   (the highest epoch, then the oldest registration, then the lower node name), and the
//!   loser stops its copy. If the winner is not the owner, it then hands over as above;
//! - a new claim takes an epoch above every claim to that name the node has seen, so a
//!   takeover beats the claim it replaces when the two meet after a partition;
//! - a copy running without the claim (on a node whose view changed) is stopped.
//!
//! During a partition each side that hosts the type runs its own copy (each declares the
//! other side's holder down, then takes over); once healed, exactly one survives.
//!
//! **Registered names** ([`Planner::register`]): a local agent takes a cluster-wide name if
//! no one holds it as far as this node knows; a registration whose agent no longer exists is
//! withdrawn; one that loses a conflict has its agent stopped.
//!
//! ```
//! use mabeam_core::singleton::{Effect, Planner, Situation, SingletonSpec};
//!
//! let spec = SingletonSpec::cluster("leader", "election");
//! let mut n1 = Planner::new("n1");
//! let mut n2 = Planner::new("n2");
//! n1.learn(spec.clone());
//! n2.learn(spec.clone());
//! let seen = Situation::at(1_000)
//!     .host("n1", ["election"])
//!     .host("n2", ["election"])
//!     .hosting(["election"]);
//! let starts = |plan: &mabeam_core::singleton::Plan| {
//!     plan.effects.iter().any(|e| matches!(e, Effect::Start(_)))
//! };
//! // Both see the same members: exactly one of them is the owner and starts it.
//! let (p1, p2) = (n1.plan(&seen), n2.plan(&seen));
//! assert!(starts(&p1) != starts(&p2));
//! assert_eq!(p1.routes["leader"], p2.routes["leader"]);
//! ```

mod effect;
mod error;
mod plan;
mod planner;
mod situation;
mod spec;
mod spec_set;

pub use effect::{Effect, StopReason};
pub use error::ClaimError;
pub use plan::Plan;
pub use planner::Planner;
pub use situation::Situation;
pub use spec::{Scope, SingletonSpec};
pub use spec_set::{Learned, SpecSet};
