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

use std::net::SocketAddr;
use std::path::{Path, PathBuf};
use std::time::Duration;

use serde::Deserialize;
use thiserror::Error;

use crate::tls::{TlsConfig, TlsError};
use crate::NodeBuilder;

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

    /// `self` with every value `other` sets taken from `other` (seeds and tags: `other`'s if it
    /// has any).
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
        Ok(builder)
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
}
