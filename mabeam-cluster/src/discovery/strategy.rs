use std::fmt;

use super::{DiscoveryError, MulticastConfig};

/// One way for a node to find the other nodes of its cluster. Give a node any number of them
/// with [`NodeBuilder::discovery`](crate::NodeBuilder::discovery); every discovery round runs
/// them all, and a strategy that fails (a DNS error, say) is logged and retried next round.
///
/// - [`Discovery::seed`]: a fixed `host:port`;
/// - [`Discovery::dns`]: every A/AAAA address of a name, with a port (a Kubernetes headless
///   service);
/// - [`Discovery::srv`]: every target and port of an SRV name;
/// - [`Discovery::multicast`]: authenticated beacons on a UDP multicast group.
///
/// ```no_run
/// use mabeam_cluster::{Discovery, MulticastConfig, Node};
///
/// # async fn demo() -> Result<(), mabeam_cluster::NodeError> {
/// let node = Node::builder()
///     .name("n1")
///     .gossip_addr("0.0.0.0:7000".parse().unwrap())
///     .discovery(Discovery::dns("mabeam-headless.default.svc.cluster.local", 7000))
///     .discovery(Discovery::srv("_gossip._udp.mabeam.default.svc.cluster.local"))
///     .discovery(Discovery::multicast(MulticastConfig::new("s3cret")))
///     .start()
///     .await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
pub struct Discovery(pub(crate) Strategy);

/// The strategies, as the discovery agent runs them.
#[derive(Debug, Clone)]
pub(crate) enum Strategy {
    Seed(String),
    Dns { name: String, port: u16 },
    Srv(String),
    Multicast(MulticastConfig),
}

impl Discovery {
    /// A fixed peer, `host:port` (a host name is resolved through the system resolver, again
    /// every round). Seeds are also handed to the gossip layer, which keeps gossiping with
    /// them while the cluster looks smaller than its seed list. Same as
    /// [`NodeBuilder::seed`](crate::NodeBuilder::seed).
    ///
    /// ```
    /// let seed = mabeam_cluster::Discovery::seed("10.0.0.1:7000");
    /// assert_eq!(seed.to_string(), "seed 10.0.0.1:7000");
    /// ```
    pub fn seed(addr: impl Into<String>) -> Self {
        Self(Strategy::Seed(addr.into()))
    }

    /// Every address (A and AAAA records, or `/etc/hosts`) of `name`, with `port`: the nodes
    /// behind a Kubernetes headless service, say. Resolved again every round.
    ///
    /// ```
    /// let dns = mabeam_cluster::Discovery::dns("mabeam.default.svc.cluster.local", 7000);
    /// assert_eq!(dns.to_string(), "dns mabeam.default.svc.cluster.local:7000");
    /// ```
    pub fn dns(name: impl Into<String>, port: u16) -> Self {
        Self(Strategy::Dns {
            name: name.into(),
            port,
        })
    }

    /// Every target of the SRV records of `name` (such as
    /// `_mabeam._udp.my-svc.my-ns.svc.cluster.local`), each with its record's port. Every
    /// target is taken as a member (priority and weight are ignored). Resolved again every
    /// round.
    ///
    /// ```
    /// let srv = mabeam_cluster::Discovery::srv("_mabeam._udp.mabeam.default.svc.cluster.local");
    /// assert_eq!(srv.to_string(), "srv _mabeam._udp.mabeam.default.svc.cluster.local");
    /// ```
    pub fn srv(name: impl Into<String>) -> Self {
        Self(Strategy::Srv(name.into()))
    }

    /// Authenticated beacons on a UDP multicast group: every round the node announces its
    /// gossip address, and it contacts the nodes whose beacons it hears. See
    /// [`MulticastConfig`].
    ///
    /// ```
    /// use mabeam_cluster::{Discovery, MulticastConfig};
    ///
    /// let multicast = Discovery::multicast(MulticastConfig::new("s3cret"));
    /// assert_eq!(multicast.to_string(), "multicast 239.255.42.99:45892");
    /// ```
    pub fn multicast(config: MulticastConfig) -> Self {
        Self(Strategy::Multicast(config))
    }

    pub(crate) fn validate(&self) -> Result<(), DiscoveryError> {
        match &self.0 {
            Strategy::Seed(_) => Ok(()),
            Strategy::Dns { name, port } => {
                if name.is_empty() {
                    return Err(DiscoveryError::EmptyName { strategy: "dns" });
                }
                if *port == 0 {
                    return Err(DiscoveryError::ZeroPort { name: name.clone() });
                }
                Ok(())
            }
            Strategy::Srv(name) if name.is_empty() => {
                Err(DiscoveryError::EmptyName { strategy: "srv" })
            }
            Strategy::Srv(_) => Ok(()),
            Strategy::Multicast(config) => config.validate(),
        }
    }
}

impl fmt::Display for Discovery {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl fmt::Display for Strategy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Strategy::Seed(addr) => write!(f, "seed {addr}"),
            Strategy::Dns { name, port } => write!(f, "dns {name}:{port}"),
            Strategy::Srv(name) => write!(f, "srv {name}"),
            Strategy::Multicast(config) => write!(f, "multicast {}", config.group_addr()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn names_and_ports_are_checked() {
        assert!(matches!(
            Discovery::dns("", 7000).validate(),
            Err(DiscoveryError::EmptyName { strategy: "dns" })
        ));
        assert!(matches!(
            Discovery::dns("localhost", 0).validate(),
            Err(DiscoveryError::ZeroPort { .. })
        ));
        assert!(matches!(
            Discovery::srv("").validate(),
            Err(DiscoveryError::EmptyName { strategy: "srv" })
        ));
        assert!(Discovery::dns("localhost", 7000).validate().is_ok());
        assert!(Discovery::srv("_m._udp.example").validate().is_ok());
        assert!(Discovery::seed("localhost:7000").validate().is_ok());
    }
}
