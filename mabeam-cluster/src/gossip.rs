//! The node's gossip layer: a chitchat instance (UDP gossip, phi-accrual failure detection) that
//! can be replaced by a new incarnation of the same node when the cluster has declared the
//! current one down; its UDP transport measures heartbeat round trips and, in tests, cuts links.
//! Its `schema` module holds every key a node gossips.

mod handle;
mod newest;
mod rtt;
pub(crate) mod schema;
mod transport;

pub(crate) use handle::{Gossip, GossipSettings, LiveNodes};
pub(crate) use newest::newest_per_node;
pub use rtt::RttTable;
