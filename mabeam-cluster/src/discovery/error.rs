use std::net::{Ipv4Addr, SocketAddrV4};

use thiserror::Error;

/// Why discovery could not be configured or started (see [`NodeBuilder::start`]).
///
/// Failures *while running* (a DNS lookup that fails, a seed that is down) are not errors:
/// they are logged and the strategy is retried next round.
///
/// [`NodeBuilder::start`]: crate::NodeBuilder::start
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum DiscoveryError {
    /// The discovery interval is zero.
    #[error("the discovery interval must be > 0")]
    ZeroInterval,
    /// A DNS or SRV strategy was given an empty name.
    #[error("a {strategy} discovery strategy needs a non-empty name")]
    EmptyName {
        /// `"dns"` or `"srv"`.
        strategy: &'static str,
    },
    /// A DNS strategy was given port 0.
    #[error("dns discovery of `{name}` needs a non-zero port")]
    ZeroPort {
        /// The name.
        name: String,
    },
    /// A `host:port` string could not be parsed.
    #[error("`{input}` is not `host:port` (a non-empty host, a port from 1 to 65535)")]
    InvalidHostPort {
        /// The input.
        input: String,
    },
    /// The multicast secret is empty.
    #[error("multicast discovery needs a non-empty shared secret")]
    EmptySecret,
    /// The multicast group is not an IPv4 multicast address (224.0.0.0/4).
    #[error("{group} is not an IPv4 multicast address")]
    NotMulticast {
        /// The group.
        group: Ipv4Addr,
    },
    /// The multicast group's port is 0.
    #[error("the multicast group {group} needs a non-zero port")]
    ZeroGroupPort {
        /// The group.
        group: SocketAddrV4,
    },
    /// The beacon's maximum age is zero.
    #[error("the beacon max age must be > 0")]
    ZeroMaxAge,
    /// The multicast TTL is above 255.
    #[error("the multicast TTL must be at most 255, got {ttl}")]
    InvalidTtl {
        /// The TTL given.
        ttl: u32,
    },
    /// More than one multicast strategy was given.
    #[error("a node takes at most one multicast discovery strategy")]
    SeveralMulticast,
    /// The cluster id cannot go in a beacon (longer than 255 bytes).
    #[error("cannot build the beacon key: {0}")]
    Beacon(#[from] mabeam_core::discovery::BeaconError),
    /// The system's resolver configuration (`/etc/resolv.conf`) could not be read.
    #[error("cannot read the system's DNS configuration: {reason}")]
    Resolver {
        /// Why.
        reason: String,
    },
    /// The multicast sockets could not be opened or the group joined.
    #[error("cannot join the multicast group {group} on {interface}: {source}")]
    Multicast {
        /// The group.
        group: SocketAddrV4,
        /// The interface.
        interface: Ipv4Addr,
        /// Why.
        source: std::io::Error,
    },
}
