//! [`Config`]: a node's settings as plain data, with one set of defaults, read from a TOML
//! file, `MABEAM_*` environment variables and `mabeam node` flags.
//!
//! `Config` derives both serde and clap: the defaults are declared once, on its fields (the
//! `[default: ...]` that `mabeam node --help` shows), and [`Config::default`], a file that
//! leaves a key out, and a command line without the flag all take them from there. Sources are
//! layered defaults < file < environment < flags: [`Config::overridden_by`] lays what the
//! command line and the environment gave over a file's settings. [`Node::builder_with`] starts
//! a node from a `Config`; the [`NodeBuilder`] setters write into the same type.
//!
//! Every setting has the same name everywhere: the file's key, the flag with `-` for `_`
//! (`gossip_interval_ms`, `--gossip-interval-ms`), and the environment variable in capitals
//! after `MABEAM_` (`MABEAM_GOSSIP_INTERVAL_MS`). The exceptions are the lists, whose flags are
//! singular and repeated (`seeds`: `--seed`, `MABEAM_SEEDS` comma-separated; `tags`: `--tag`),
//! and multicast: `--multicast [GROUP:PORT]` sets `multicast_group` (the default group without
//! a value), and the file's `multicast = true` turns multicast on with the default group.
//!
//! ```
//! use clap::{Args, Command};
//! use mabeam_cluster::Config;
//!
//! let file = Config::from_toml(r#"
//!     name = "n1"
//!     gossip = "127.0.0.1:7001"
//!     seeds = ["127.0.0.1:7000"]
//!     gossip_interval_ms = 500
//!     dns = ["mabeam.default.svc.cluster.local:7000"]
//!     multicast = true
//!     multicast_secret = "s3cret"
//! "#)?;
//! // What `mabeam node` parses: flags (and `MABEAM_*` variables) over the same fields.
//! let flags = Config::augment_args(Command::new("node"))
//!     .get_matches_from(["node", "--gossip-interval-ms", "200"]);
//! let merged = file.overridden_by(&flags)?;
//! assert_eq!(merged.name.as_deref(), Some("n1"));
//! assert_eq!(merged.gossip_interval_ms, 200);
//! assert_eq!(merged.cluster_id, "mabeam"); // the default
//! let _builder = mabeam_cluster::Node::builder_with(merged);
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
//!
//! [`Node::builder_with`]: crate::Node::builder_with
//! [`NodeBuilder`]: crate::NodeBuilder

// The module is named after the concept, as its one type (openraft `config/config.rs`).
#[allow(clippy::module_inception)]
mod config;
mod error;
mod secret;
#[cfg(test)]
mod tests;

pub use config::Config;
pub use error::ConfigError;
pub use secret::Secret;
