use std::fmt;
use std::net::{Ipv4Addr, SocketAddrV4};
use std::time::Duration;

use mabeam_core::discovery::BeaconKey;

use super::DiscoveryError;

/// Settings of [`Discovery::multicast`](super::Discovery::multicast): nodes on one network find
/// each other by sending beacons to a UDP multicast group (libcluster's Gossip strategy).
///
/// Every discovery round a node sends one datagram to the group: its cluster id, node name,
/// gossip address and the time, with an HMAC-SHA256 keyed by the shared secret (format in
/// [`mabeam_core::discovery`]). A node that hears an authentic, fresh beacon of its own
/// cluster gossips with the announced address. A beacon with a bad MAC (another secret), of
/// another cluster, older or newer than [`max_age`](Self::max_age), or that does not decode is
/// dropped with a warning naming the sender's address.
///
/// The secret authenticates *discovery* only: a node that knows a member's gossip address can
/// still gossip with it directly if it has the cluster id. A replayed beacon (within the max
/// age) only repeats a true announcement.
///
/// Defaults: group `239.255.42.99:45892`, interface `127.0.0.1`, TTL 1, max age 30 s. On a real
/// network, set [`interface`](Self::interface) to the address of the interface facing the
/// other nodes (the gossip address is a good choice); the loopback default only reaches nodes
/// on the same machine. IPv4 only.
///
/// ```
/// use std::time::Duration;
/// use mabeam_cluster::MulticastConfig;
///
/// let config = MulticastConfig::new(std::env::var("MABEAM_MULTICAST_SECRET").unwrap_or_default())
///     .group("239.255.42.99:45892".parse().unwrap())
///     .interface("10.0.0.7".parse().unwrap())
///     .ttl(2)
///     .max_age(Duration::from_secs(10));
/// assert_eq!(config.group_addr().port(), 45892);
/// ```
#[derive(Clone)]
pub struct MulticastConfig {
    secret: Vec<u8>,
    group: SocketAddrV4,
    interface: Ipv4Addr,
    ttl: u32,
    max_age: Duration,
}

impl MulticastConfig {
    /// The default group: an administratively scoped (organization-local) address.
    pub const DEFAULT_GROUP: SocketAddrV4 =
        SocketAddrV4::new(Ipv4Addr::new(239, 255, 42, 99), 45892);

    /// Multicast discovery with the shared `secret` (validated when the node starts: it must
    /// not be empty).
    pub fn new(secret: impl Into<Vec<u8>>) -> Self {
        Self {
            secret: secret.into(),
            group: Self::DEFAULT_GROUP,
            interface: Ipv4Addr::LOCALHOST,
            ttl: 1,
            max_age: BeaconKey::DEFAULT_MAX_AGE,
        }
    }

    /// The multicast group and port to send beacons to and listen on.
    pub fn group(mut self, group: SocketAddrV4) -> Self {
        self.group = group;
        self
    }

    /// The local interface (by its IPv4 address) to send beacons from and join the group on.
    pub fn interface(mut self, interface: Ipv4Addr) -> Self {
        self.interface = interface;
        self
    }

    /// How many routers a beacon may cross (1: the local network only).
    pub fn ttl(mut self, ttl: u32) -> Self {
        self.ttl = ttl;
        self
    }

    /// How far a beacon's timestamp may be from the receiver's clock (replay window and
    /// tolerated clock skew); also how long an address stays discovered after its last
    /// beacon.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// The group and port.
    pub fn group_addr(&self) -> SocketAddrV4 {
        self.group
    }

    pub(crate) fn interface_addr(&self) -> Ipv4Addr {
        self.interface
    }

    pub(crate) fn ttl_value(&self) -> u32 {
        self.ttl
    }

    pub(crate) fn max_age_value(&self) -> Duration {
        self.max_age
    }

    pub(crate) fn validate(&self) -> Result<(), DiscoveryError> {
        if self.secret.is_empty() {
            return Err(DiscoveryError::EmptySecret);
        }
        if !self.group.ip().is_multicast() {
            return Err(DiscoveryError::NotMulticast {
                group: *self.group.ip(),
            });
        }
        if self.group.port() == 0 {
            return Err(DiscoveryError::ZeroGroupPort { group: self.group });
        }
        if self.max_age.is_zero() {
            return Err(DiscoveryError::ZeroMaxAge);
        }
        if self.ttl > 255 {
            return Err(DiscoveryError::InvalidTtl { ttl: self.ttl });
        }
        Ok(())
    }

    /// The beacon key for `cluster_id` (after [`validate`](Self::validate)).
    pub(crate) fn key(&self, cluster_id: &str) -> Result<BeaconKey, DiscoveryError> {
        Ok(BeaconKey::new(cluster_id, self.secret.clone())?.max_age(self.max_age))
    }
}

impl fmt::Debug for MulticastConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MulticastConfig")
            .field("secret", &"<redacted>")
            .field("group", &self.group)
            .field("interface", &self.interface)
            .field("ttl", &self.ttl)
            .field("max_age", &self.max_age)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_defaults_are_valid_once_there_is_a_secret() {
        assert!(MulticastConfig::new("s").validate().is_ok());
        assert!(matches!(
            MulticastConfig::new("").validate(),
            Err(DiscoveryError::EmptySecret)
        ));
    }

    #[test]
    fn a_unicast_group_a_zero_port_max_age_or_a_large_ttl_is_refused() {
        let config = || MulticastConfig::new("s");
        assert!(matches!(
            config().group("10.0.0.1:45892".parse().unwrap()).validate(),
            Err(DiscoveryError::NotMulticast { .. })
        ));
        assert!(matches!(
            config().group("239.1.1.1:0".parse().unwrap()).validate(),
            Err(DiscoveryError::ZeroGroupPort { .. })
        ));
        assert!(matches!(
            config().max_age(Duration::ZERO).validate(),
            Err(DiscoveryError::ZeroMaxAge)
        ));
        assert!(matches!(
            config().ttl(256).validate(),
            Err(DiscoveryError::InvalidTtl { ttl: 256 })
        ));
    }

    #[test]
    fn the_secret_is_not_in_debug_output() {
        let shown = format!("{:?}", MulticastConfig::new("s3cret"));
        assert!(
            shown.contains("239.255.42.99") && !shown.contains("s3cret"),
            "{shown}"
        );
    }
}
