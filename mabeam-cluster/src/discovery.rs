//! Discovery: how a node finds the other nodes of its cluster, beyond the seeds it was given.
//!
//! A node has any number of [`Discovery`] strategies (given with
//! [`NodeBuilder::discovery`](crate::NodeBuilder::discovery); [`NodeBuilder::seed`] is
//! shorthand for [`Discovery::seed`]):
//!
//! | strategy | finds | on the command line |
//! |---|---|---|
//! | [`Discovery::seed`] | a fixed `host:port` | `--seed HOST:PORT` |
//! | [`Discovery::dns`] | every A/AAAA address of a name, with a port (a Kubernetes headless service) | `--dns NAME:PORT` |
//! | [`Discovery::srv`] | every target and port of an SRV name | `--srv NAME` |
//! | [`Discovery::multicast`] | the nodes whose authenticated beacons arrive on a UDP multicast group ([`MulticastConfig`]) | `--multicast [GROUP:PORT] --multicast-secret SECRET` |
//!
//! The discovery agent (`mabeam.discovery`) runs them every discovery interval (default
//! 5 s, [`NodeBuilder::discovery_interval`]): it looks up every seed, DNS and SRV name again
//! (each on its own schedule, so a slow DNS server never holds up the others), announces the
//! node on the multicast group, and asks the gossip layer to contact every discovered address
//! that is not a live member: at once when the address is new, then on its 1st, 2nd and 4th
//! round and every 8th after that while it stays unanswered. A strategy that fails (a DNS
//! error, a send error) keeps what it found last, is logged (on its 1st, 2nd, 4th, 8th ...
//! failure in a row) and is retried next round; it never stops the node. A new address is
//! logged at `info`; one that has not become a member after 8 rounds is reported once at
//! `warn` (down, of another cluster, or gossiping under another address).
//!
//! Names are resolved by [hickory](https://docs.rs/hickory-resolver) with the system's
//! configuration (`/etc/resolv.conf`, and `/etc/hosts` first, so `localhost` works); answers
//! are cached for at most one interval. Seeds go through the system resolver, as before.
//!
//! Discovered addresses are gossip addresses: give every node a gossip address the others can
//! reach (its own IP, not `0.0.0.0`), since that is what it advertises and what DNS or SRV
//! records name.
//!
//! ```no_run
//! use std::time::Duration;
//! use mabeam_cluster::{Discovery, MulticastConfig, Node};
//!
//! # async fn demo() -> Result<(), mabeam_cluster::NodeError> {
//! let node = Node::builder()
//!     .name("n1")
//!     .gossip_addr("127.0.0.1:7001".parse().unwrap())
//!     .discovery(Discovery::dns("localhost", 7000))
//!     .discovery(Discovery::multicast(MulticastConfig::new("s3cret")))
//!     .discovery_interval(Duration::from_secs(2))
//!     .start()
//!     .await?;
//! # Ok(()) }
//! ```
//!
//! [`NodeBuilder::seed`]: crate::NodeBuilder::seed
//! [`NodeBuilder::discovery_interval`]: crate::NodeBuilder::discovery_interval

mod agent;
mod beacon_socket;
mod error;
mod host_port;
mod lookup;
mod multicast_config;
mod setup;
mod state;
mod strategy;

pub(crate) use agent::{DiscoveryAgent, DiscoveryAgentHandle};
pub use error::DiscoveryError;
pub use host_port::HostPort;
pub use multicast_config::MulticastConfig;
pub(crate) use setup::{Setup, AGENT_NAME};
pub use strategy::Discovery;
