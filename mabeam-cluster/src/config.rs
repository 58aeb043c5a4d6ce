//! Node configuration from a TOML file, merged under flags and environment variables.
//!
//! ```
//! use mabeam_cluster::config::NodeConfig;
//!
//! let file = NodeConfig::from_toml(r#"
//!     name = "n1"
//!     gossip = "127.0.0.1:7001"
//!     seeds = ["127.0.0.1:7000"]
//!     gossip_interval_ms = 500
//!     dns = ["mabeam.default.svc.cluster.local:7000"]
//!     multicast = true
//!     multicast_secret = "s3cret"
//! "#)?;
//! let flags = NodeConfig { gossip_interval_ms: Some(200), ..NodeConfig::default() };
//! let merged = file.overridden_by(flags);
//! assert_eq!(merged.name.as_deref(), Some("n1"));
//! assert_eq!(merged.gossip_interval_ms, Some(200));
//! let _builder = merged.apply(mabeam_cluster::Node::builder())?;
//! # Ok::<(), mabeam_cluster::config::ConfigError>(())
//! ```
//!
//! [TLS](crate::tls) takes three files, given together (and optionally the server name):
//!
//! ```toml
//! listen = "10.0.0.1:7100"
//! tls_cert = "/etc/mabeam/node.pem"
//! tls_key = "/etc/mabeam/node.key"
//! tls_ca = "/etc/mabeam/ca.pem"
//! tls_server_name = "mabeam"
//! ```
//!
//! Relative paths are relative to the node's working directory, as for the flags.

use std::net::{Ipv4Addr, SocketAddr, SocketAddrV4};
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

use crate::discovery::HostPort;
use crate::tls::{TlsConfig, TlsError};
use crate::{Discovery, MulticastConfig, NodeBuilder};

/// Everything a node can be configured with; every field optional, so sources can be layered
/// (defaults < file < environment < flags).
#[derive(Debug, Clone, Default, PartialEq, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct NodeConfig {
    /// The node's name.
    pub name: Option<String>,
    /// The cluster id.
    pub cluster_id: Option<String>,
    /// Where to gossip.
    pub gossip: Option<SocketAddr>,
    /// Seeds (`host:port`).
    #[serde(default)]
    pub seeds: Vec<String>,
    /// The admin endpoint's address.
    pub admin: Option<SocketAddr>,
    /// Gossip interval in milliseconds.
    pub gossip_interval_ms: Option<u64>,
    /// Phi-accrual threshold.
    pub phi: Option<f64>,
    /// The ractor_cluster transport's listen address.
    pub listen: Option<SocketAddr>,
    /// The transport cookie.
    pub cookie: Option<String>,
    /// How long a peer may stay unreachable before it is declared down, in milliseconds.
    pub down_after_ms: Option<u64>,
    /// Capability tags.
    #[serde(default)]
    pub tags: Vec<String>,
    /// The node's TLS certificate chain (PEM). Setting any `tls_*` key turns TLS on and needs
    /// `tls_cert`, `tls_key` and `tls_ca`.
    pub tls_cert: Option<PathBuf>,
    /// The node's TLS private key (PEM).
    pub tls_key: Option<PathBuf>,
    /// The CA certificate(s) (PEM) every peer's certificate must chain to.
    pub tls_ca: Option<PathBuf>,
    /// The name every peer's certificate must carry (default
    /// [`TlsConfig::DEFAULT_SERVER_NAME`]).
    pub tls_server_name: Option<String>,
    /// Names whose A/AAAA addresses are nodes, each with the gossip port (`name:port`).
    #[serde(default)]
    pub dns: Vec<HostPort>,
    /// SRV names whose targets are nodes.
    #[serde(default)]
    pub srv: Vec<String>,
    /// Discover nodes by multicast beacons (also on when `multicast_group` is set).
    pub multicast: Option<bool>,
    /// The multicast group and port (default `239.255.42.99:45892`).
    pub multicast_group: Option<SocketAddrV4>,
    /// The secret beacons are authenticated with (required for multicast).
    pub multicast_secret: Option<String>,
    /// The interface to send beacons from and join the group on (default `127.0.0.1`).
    pub multicast_interface: Option<Ipv4Addr>,
    /// The beacons' multicast TTL (default 1).
    pub multicast_ttl: Option<u32>,
    /// Discovery interval in milliseconds.
    pub discovery_interval_ms: Option<u64>,
}

/// Why a configuration could not be read.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: String,
        /// Why.
        source: std::io::Error,
    },
    /// The TOML is invalid or has unknown or mistyped keys.
    #[error("invalid configuration: {0}")]
    Parse(#[from] toml::de::Error),
    /// The TLS settings are incomplete, or their files cannot be loaded.
    #[error("invalid TLS settings: {0}")]
    Tls(#[from] TlsError),
}

impl NodeConfig {
    /// Parses TOML text.
    pub fn from_toml(text: &str) -> Result<Self, ConfigError> {
        Ok(toml::from_str(text)?)
    }

    /// Reads and parses a TOML file.
    pub fn from_file(path: &Path) -> Result<Self, ConfigError> {
        let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
            path: path.display().to_string(),
            source,
        })?;
        Self::from_toml(&text)
    }

    /// `self` with every value `other` sets taken from `other` (seeds, tags, `dns` and `srv`:
    /// `other`'s list if it has any).
    pub fn overridden_by(self, other: NodeConfig) -> NodeConfig {
        NodeConfig {
            name: other.name.or(self.name),
            cluster_id: other.cluster_id.or(self.cluster_id),
            gossip: other.gossip.or(self.gossip),
            seeds: if other.seeds.is_empty() {
                self.seeds
            } else {
                other.seeds
            },
            admin: other.admin.or(self.admin),
            gossip_interval_ms: other.gossip_interval_ms.or(self.gossip_interval_ms),
            phi: other.phi.or(self.phi),
            listen: other.listen.or(self.listen),
            cookie: other.cookie.or(self.cookie),
            down_after_ms: other.down_after_ms.or(self.down_after_ms),
            tags: if other.tags.is_empty() {
                self.tags
            } else {
                other.tags
            },
            tls_cert: other.tls_cert.or(self.tls_cert),
            tls_key: other.tls_key.or(self.tls_key),
            tls_ca: other.tls_ca.or(self.tls_ca),
            tls_server_name: other.tls_server_name.or(self.tls_server_name),
            dns: if other.dns.is_empty() {
                self.dns
            } else {
                other.dns
            },
            srv: if other.srv.is_empty() {
                self.srv
            } else {
                other.srv
            },
            multicast: other.multicast.or(self.multicast),
            multicast_group: other.multicast_group.or(self.multicast_group),
            multicast_secret: other.multicast_secret.or(self.multicast_secret),
            multicast_interface: other.multicast_interface.or(self.multicast_interface),
            multicast_ttl: other.multicast_ttl.or(self.multicast_ttl),
            discovery_interval_ms: other.discovery_interval_ms.or(self.discovery_interval_ms),
        }
    }

    /// The TLS configuration, loaded from the files: `None` if no `tls_*` value is set, an
    /// error if some are set but not all three files, or if the files cannot be loaded.
    pub fn tls(&self) -> Result<Option<TlsConfig>, TlsError> {
        if self.tls_cert.is_none()
            && self.tls_key.is_none()
            && self.tls_ca.is_none()
            && self.tls_server_name.is_none()
        {
            return Ok(None);
        }
        let mut builder = TlsConfig::builder();
        if let Some(path) = &self.tls_cert {
            builder = builder.cert_chain(path);
        }
        if let Some(path) = &self.tls_key {
            builder = builder.private_key(path);
        }
        if let Some(path) = &self.tls_ca {
            builder = builder.ca(path);
        }
        if let Some(name) = &self.tls_server_name {
            builder = builder.server_name(name);
        }
        builder.build().map(Some)
    }

    /// Applies the values that are set to a builder (the builder's defaults stand for the rest).
    /// Fails if TLS settings are given but cannot be loaded (see [`tls`](Self::tls)).
    pub fn apply(self, mut builder: NodeBuilder) -> Result<NodeBuilder, ConfigError> {
        if let Some(tls) = self.tls()? {
            builder = builder.tls(tls);
        }
        let multicast = self.multicast_config();
        if let Some(name) = self.name {
            builder = builder.name(name);
        }
        if let Some(id) = self.cluster_id {
            builder = builder.cluster_id(id);
        }
        if let Some(addr) = self.gossip {
            builder = builder.gossip_addr(addr);
        }
        for seed in self.seeds {
            builder = builder.seed(seed);
        }
        if let Some(addr) = self.admin {
            builder = builder.admin_addr(addr);
        }
        if let Some(ms) = self.gossip_interval_ms {
            builder = builder.gossip_interval(Duration::from_millis(ms));
        }
        if let Some(phi) = self.phi {
            builder = builder.phi_threshold(phi);
        }
        if let Some(addr) = self.listen {
            builder = builder.listen_addr(addr);
        }
        if let Some(cookie) = self.cookie {
            builder = builder.cookie(cookie);
        }
        if let Some(ms) = self.down_after_ms {
            builder = builder.down_after(Duration::from_millis(ms));
        }
        for tag in self.tags {
            builder = builder.tag(tag);
        }
        for target in self.dns {
            builder = builder.discovery(Discovery::dns(target.host, target.port));
        }
        for name in self.srv {
            builder = builder.discovery(Discovery::srv(name));
        }
        if let Some(multicast) = multicast {
            builder = builder.discovery(Discovery::multicast(multicast));
        }
        if let Some(ms) = self.discovery_interval_ms {
            builder = builder.discovery_interval(Duration::from_millis(ms));
        }
        Ok(builder)
    }

    /// The multicast settings, when multicast is on (a missing secret is left empty, for the
    /// builder to refuse).
    fn multicast_config(&self) -> Option<MulticastConfig> {
        if self.multicast != Some(true) && self.multicast_group.is_none() {
            return None;
        }
        let secret = self.multicast_secret.clone().unwrap_or_default();
        let mut config = MulticastConfig::new(secret);
        if let Some(group) = self.multicast_group {
            config = config.group(group);
        }
        if let Some(interface) = self.multicast_interface {
            config = config.interface(interface);
        }
        if let Some(ttl) = self.multicast_ttl {
            config = config.ttl(ttl);
        }
        Some(config)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn unknown_or_mistyped_keys_are_errors() {
        assert!(NodeConfig::from_toml("nmae = \"typo\"").is_err());
        assert!(NodeConfig::from_toml("gossip = \"not an address\"").is_err());
        assert!(NodeConfig::from_toml("phi = \"eight\"").is_err());
    }

    #[test]
    fn later_sources_win_and_seeds_are_replaced_not_merged() {
        let file = NodeConfig::from_toml("name = \"a\"\nseeds = [\"x:1\"]\nphi = 9.0").unwrap();
        let flags = NodeConfig {
            seeds: vec!["y:2".into()],
            ..NodeConfig::default()
        };
        let merged = file.overridden_by(flags);
        assert_eq!(merged.name.as_deref(), Some("a"));
        assert_eq!(merged.seeds, ["y:2"]);
        assert_eq!(merged.phi, Some(9.0));
    }

    fn cert(file: &str) -> String {
        format!("{}/tests/certs/{file}", env!("CARGO_MANIFEST_DIR"))
    }

    #[test]
    fn tls_is_off_without_tls_keys_and_loaded_with_them() {
        assert!(NodeConfig::default().tls().unwrap().is_none());
        let config = NodeConfig::from_toml(&format!(
            "tls_cert = \"{}\"\ntls_key = \"{}\"\ntls_ca = \"{}\"\ntls_server_name = \"mabeam\"",
            cert("node-a.pem"),
            cert("node-a.key"),
            cert("ca.pem"),
        ))
        .unwrap();
        let tls = config.tls().unwrap().expect("TLS is on");
        assert_eq!(tls.server_name(), "mabeam");
    }

    #[test]
    fn incomplete_tls_settings_are_an_error_not_plain_tcp() {
        let config = NodeConfig {
            tls_cert: Some(cert("node-a.pem").into()),
            tls_key: Some(cert("node-a.key").into()),
            ..NodeConfig::default()
        };
        let err = config.apply(crate::Node::builder()).unwrap_err();
        assert!(
            matches!(err, ConfigError::Tls(TlsError::Missing(_))),
            "{err:?}"
        );
    }

    #[test]
    fn discovery_settings_parse_and_merge() {
        let file = NodeConfig::from_toml(
            r#"
            dns = ["localhost:7000", "[::1]:7001"]
            srv = ["_mabeam._udp.example"]
            multicast_group = "239.1.2.3:4000"
            multicast_secret = "from-file"
            multicast_interface = "10.0.0.7"
            multicast_ttl = 2
            discovery_interval_ms = 250
            "#,
        )
        .unwrap();
        assert_eq!(file.dns[1].host, "::1");
        let flags = NodeConfig {
            multicast_secret: Some("from-env".into()),
            ..NodeConfig::default()
        };
        let merged = file.overridden_by(flags);
        assert_eq!(merged.multicast_secret.as_deref(), Some("from-env"));
        assert_eq!(merged.dns.len(), 2);
        let config = merged
            .multicast_config()
            .expect("a group turns multicast on");
        assert_eq!(config.group_addr(), "239.1.2.3:4000".parse().unwrap());
        assert_eq!(merged.discovery_interval_ms, Some(250));
    }

    #[test]
    fn multicast_is_off_unless_asked_for_and_a_bad_dns_target_is_an_error() {
        let secret_only = NodeConfig::from_toml("multicast_secret = \"s\"").unwrap();
        assert!(secret_only.multicast_config().is_none());
        let on = NodeConfig::from_toml("multicast = true").unwrap();
        assert_eq!(
            on.multicast_config().unwrap().group_addr(),
            MulticastConfig::DEFAULT_GROUP
        );
        assert!(NodeConfig::from_toml("dns = [\"localhost\"]").is_err());
        assert!(NodeConfig::from_toml("multicast_group = \"10.0.0.1\"").is_err());
    }
}
