//! The membership view every node keeps, as a pure state machine.
//!
//! The gossip layer reports which node incarnations it currently hears (and what each one
//! announces about itself); [`MembershipView::observe`] folds that into per-node statuses and
//! returns what changed, and [`MembershipView::tick`] takes the *down* decisions that need time
//! or transport evidence. A node is identified by its name; each process incarnation has a new,
//! larger *generation*, so a restarted node replaces its old self.
//!
//! Statuses (see [`MemberStatus`]):
//!
//! ```text
//!  joining ──► up ──► leaving ──► removed          (announced by the node itself)
//!     │        │ ▲
//!     └──► unreachable ──► down                    (decided by the observer)
//! ```
//!
//! - `unreachable` is the failure detector's *suspicion*: the node's heartbeats stopped
//!   arriving. It is reversible: heard again, the node is what it announces again.
//! - `down` is a *decision*, final for that incarnation (as in Akka): the node has been
//!   unreachable for [`down_after`](MembershipView::new), or it is unreachable and its transport
//!   session was closed from the other end (its process is gone: a closed socket is evidence a
//!   frozen or cut-off process never gives), or another reachable node declared it down. A
//!   downed process that comes back must rejoin as a new incarnation; every node gossips the
//!   incarnations it holds down ([`MembershipView::downed`]) so the process learns it
//!   ([`declared_down`]).
//! - After a pause of its own (the observer's clock jumped: it was frozen, swapped out or
//!   starved), the view takes no down decision for `down_after`, so a resumed process does not
//!   condemn peers whose heartbeats it simply could not hear.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use std::net::SocketAddr;
//! use mabeam_core::membership::{MembershipView, MemberStatus, Observed};
//!
//! let addr: SocketAddr = "127.0.0.1:7000".parse().unwrap();
//! let t0 = Instant::now();
//! let mut view = MembershipView::new(Duration::from_secs(10));
//! view.observe([Observed::new("a", 1, addr), Observed::new("b", 1, addr)], t0);
//! view.observe([Observed::new("a", 1, addr)], t0);
//! assert_eq!(view.get("b").unwrap().status, MemberStatus::Unreachable);
//! view.tick(t0 + Duration::from_secs(10), None);
//! assert_eq!(view.get("b").unwrap().status, MemberStatus::Down);
//! ```

mod incarnation;
mod member;
mod observed;
mod rejoined;
mod view;

pub use incarnation::{Incarnation, IncarnationError};
pub use member::{Member, MemberEvent, MemberStatus};
pub use observed::{declared_down, Announced, Observed};
pub use rejoined::Rejoined;
pub use view::{MembershipView, DEFAULT_DOWN_AFTER};
