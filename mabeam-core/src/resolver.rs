//! Split-brain resolution: once the membership view has been stable for a while, which
//! members this node downs — the other side of a partition, or its own — decided alike on
//! both sides so that at most one side survives (Akka's Split Brain Resolver rules).
//!
//! The [membership view](crate::membership) only *suspects* an unreachable node; whether it
//! crashed or sits behind a partition cannot be told from here. [`SplitBrainResolver::decide`]
//! takes the decision from one node's [`Situation`] (the members with their statuses, ages
//! and tags, the other nodes' unreachability reports, the view's [`Stability`]) and returns
//! a [`Verdict`]: a [`Decision`] and the [`Why`] the admin endpoint shows.
//!
//! **Stability.** Nothing is decided until reachability has been unchanged for
//! `stable_after` ([`Decision::Wait`]). With *down-all-when-unstable* (on by default, margin
//! ¾ of `stable_after`, at least 4 s), a view that keeps changing for longer than
//! `stable_after` + margin downs every member: a flapping network gives no side a view to
//! trust.
//!
//! **Indirectly connected nodes.** A node this node reaches but another node it reaches
//! reports unreachable (a broken link inside one side, not a clean partition) is downed, and
//! the strategy decides on the rest. If this node is one of them, it downs itself. If only
//! such nodes are unreachable, they are downed without a strategy.
//!
//! **Sides and counting.** This side is this node and the members it reaches; the other
//! side, the members unreachable from it. A strategy counts the `up`, `leaving` and
//! `unreachable` members (with the configured role, if any): `joining` ones are not yet
//! members, `down` and `removed` ones are gone. An unreachable member's status before it
//! became unreachable is unknown here, so the other side may count a joining member this
//! side does not: each side then counts itself no larger than the other side counts it,
//! which can down both sides but never keep both.
//!
//! **Strategies** ([`Strategy`]):
//! - *keep-majority* (default): the side with more than half of the counted members
//!   survives; on an exact tie, the side holding the lowest-named member (Akka breaks ties
//!   by lowest address; both sides compute the same node). A lost side downs itself.
//! - *static-quorum*: a side with at least `size` members survives; below it, it downs
//!   itself, and if the other side is below too, it downs every member. `size` must exceed
//!   half of the largest cluster size.
//! - *keep-oldest*: the side with the oldest member (lowest generation, then lowest name)
//!   survives. With `down_if_alone`, an oldest member alone on its side downs itself and
//!   the other side survives.
//! - *down-all*: every side downs every member.
//! - *lease-majority*: the side that gets a lease survives; the majority side (as
//!   keep-majority decides) tries at once, the other after a delay
//!   ([`Decision::AcquireLease`]). The lease is the runtime's: it is not implemented here.
//!
//! ```
//! use std::net::SocketAddr;
//! use std::time::{Duration, Instant};
//! use mabeam_core::membership::{Member, MemberStatus};
//! use mabeam_core::resolver::{Decision, Situation, SplitBrainResolver, Stability, Strategy};
//!
//! let member = |node: &str, status| Member {
//!     node: node.into(),
//!     generation: 1,
//!     gossip_addr: SocketAddr::from(([127, 0, 0, 1], 7000)),
//!     status,
//!     tags: vec![],
//! };
//! let (up, unreachable) = (MemberStatus::Up, MemberStatus::Unreachable);
//! let t0 = Instant::now();
//! let resolver = SplitBrainResolver::new(Strategy::KeepMajority);
//! // a, b, c | d, e: c lost d and e at t0.
//! let seen_by_c = Situation::new(
//!     "c",
//!     [member("a", up), member("b", up), member("c", up), member("d", unreachable), member("e", unreachable)],
//!     Stability::new(t0),
//! );
//! let later = t0 + Duration::from_secs(20);
//! let verdict = resolver.decide(&seen_by_c, later);
//! assert_eq!(verdict.decision, Decision::DownUnreachable(vec!["d".into(), "e".into()]));
//! // d sees the mirror image, and downs its own side.
//! let seen_by_d = Situation::new(
//!     "d",
//!     [member("a", unreachable), member("b", unreachable), member("c", unreachable), member("d", up), member("e", up)],
//!     Stability::new(t0),
//! );
//! let verdict = resolver.decide(&seen_by_d, later);
//! assert_eq!(verdict.decision, Decision::DownSelf(vec!["d".into(), "e".into()]));
//! println!("{}", verdict.why); // keep-majority: this side has 2 members, the other 3: minority
//! ```

mod decision;
mod situation;
mod split_brain_resolver;
mod stability;
mod strategy;
mod verdict;
mod why;

pub use decision::Decision;
pub use situation::Situation;
pub use split_brain_resolver::{SplitBrainResolver, DEFAULT_STABLE_AFTER};
pub use stability::Stability;
pub use strategy::Strategy;
pub use verdict::Verdict;
pub use why::Why;
