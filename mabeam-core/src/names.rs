//! Cluster-wide names: which agent incarnation holds a name, merged the same way on every node
//! whatever order claims arrive in.
//!
//! Each node gossips the claims it knows; [`NameTable::merge`] keeps, per name, the winning
//! claim. The merge is commutative, associative and idempotent (a state-based CRDT: a max
//! register per name), so all nodes converge on one holder per name — after a partition heals
//! too, when both sides registered the same name.
//!
//! **Conflict policy.** The claim with the highest *epoch* wins (an epoch is bumped each time a
//! name is deliberately taken over, e.g. a singleton failing over to a new node after its
//! holder was declared down); at equal epochs the *oldest* registration wins (the agent that
//! has been serving longest keeps the name, as Erlang's `global` keeps the first
//! registration); then the lower node name, so the order is total. The loser is told (the
//! runtime stops or renames it) — two holders never stay.
//!
//! ```
//! use mabeam_core::names::{Claim, NameTable};
//!
//! let mut a = NameTable::default();
//! a.claim(Claim::new("leader", "n1", "agent-1").registered_at(100));
//! let mut b = NameTable::default();
//! b.claim(Claim::new("leader", "n2", "agent-9").registered_at(50));
//! a.merge(&b);
//! assert_eq!(a.holder("leader").unwrap().node, "n2"); // older registration wins
//! ```

mod claim;
mod table;

pub use claim::Claim;
pub use table::NameTable;
