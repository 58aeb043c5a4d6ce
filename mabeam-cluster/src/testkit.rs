//! Fault injection for tests (cargo feature `testkit`, off by default: a default build has
//! none of it, and no debug route).
//!
//! A node built with [`NodeBuilder::fault_injection`](crate::NodeBuilder::fault_injection)
//! (the CLI's hidden `--fault-injection`) can have its links to chosen peers cut, as a
//! partition would: its gossip datagrams to and from them are dropped at its socket, and no
//! mabeam traffic crosses its transport sessions with them — calls and casts to them fail
//! with [`RemoteError::NodeUnreachable`](crate::RemoteError::NodeUnreachable) without being
//! sent, service protocol calls too; casts and signals queued for them before the cut are
//! dropped (their outbox closes, as it does when a session fails); and the batches they send
//! it are dropped unanswered.
//! The sessions themselves stay open, as TCP connections do through a real partition until
//! they time out. Cut a pair on both of its nodes (as the helpers in the tests do) for a cut
//! both ways.
//!
//! The admin endpoint then serves `POST /debug/partition` (body: a JSON list of the peers'
//! gossip addresses) and `POST /debug/heal`; [`cut_links`] and [`heal_links`] call them.

mod client;

pub use crate::link_filter::LinkFilter;
pub use client::{cut_links, heal_links};
