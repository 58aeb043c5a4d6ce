//! Replicated agent state: the rules an owner and its replicas follow so that a write is
//! acknowledged only when enough copies hold it, a new owner always restores the newest
//! acknowledged state, and a replaced owner can no longer write.
//!
//! - Every copy is tagged with a [`Version`]: the owner's term (epoch) and the write's number
//!   in it. A new owner writes under a term newer than any it saw.
//! - [`AckRule`]: a write is acknowledged when a majority (or all) of the `k` copies hold it;
//!   a new owner reads `k - w + 1` copies, which always include one that holds it.
//! - [`CommitTracker`]: the owner's count of acknowledged writes.
//! - [`ReplicaSlot`]: a replica takes only newer copies, and none from a term older than the
//!   newest announced ([`Refused::Fenced`]).
//! - [`Takeover`]: how a node becomes the owner under a new term (announced to a majority of
//!   the copies first, Paxos's prepare) and which copy it restores from; [`newest`] is the
//!   same choice for reconciling two sides after a partition heals.
//!
//! Why it holds: every owner term is taken by a majority of the copies before its first
//! write, and a copy takes only terms newer than any it took, so two owners never share a
//! term. A write is acknowledged by `w` copies; a new owner restores from at least
//! `k - w + 1` copies that took its term, so one of them holds every acknowledged write. And
//! once a majority took the new term, a former owner finds fewer than `w` copies that accept
//! its writes (at most `k - majority`), so none of its later writes is acknowledged.

mod ack_rule;
mod commit_tracker;
mod replica_slot;
mod takeover;
mod version;

pub use ack_rule::AckRule;
pub use commit_tracker::CommitTracker;
pub use replica_slot::{Refused, ReplicaSlot};
pub use takeover::{newest, Takeover, TakeoverStep};
pub use version::Version;

#[cfg(test)]
mod tests;
