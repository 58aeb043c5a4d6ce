//! The connection manager agent: keeps a ractor_cluster session with every live member.
//!
//! ractor_cluster gives authenticated (cookie) links but no membership and no reconnect; this
//! agent supplies them from the membership view. Every few gossip intervals it:
//! - dials every `up` peer that has no authenticated session, if its name sorts after this
//!   node's (so two nodes never dial each other at the same time) — a dropped session is
//!   redialled the same way, with exponential backoff for a peer that keeps failing;
//! - closes the session of every peer the membership declares `down` or `removed` (a frozen
//!   peer's socket stays open; ractor_cluster alone would keep it "connected" forever);
//! - warns, naming the peer and its address, when a peer stays unconnected after several
//!   attempts — the usual cause is a wrong cookie, which the peer's node server refuses, or,
//!   with [TLS](crate::tls), a certificate the peer refuses.
//!
//! With TLS, every dial is a TLS handshake, and a failed one is logged with the peer and its
//! address. A dial that has not finished within 5 s is abandoned (and retried by the backoff):
//! a frozen peer's kernel still accepts the TCP connection but never answers a handshake.
//!
//! The authenticated peers are readable without a mailbox hop through [`ConnectionsReader`]
//! and listed in the admin endpoint's membership report (`connected`).

mod agent;

pub use crate::views::{ConnectionsReader, Session};
pub(crate) use agent::Connections;
