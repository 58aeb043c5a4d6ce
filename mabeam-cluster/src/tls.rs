//! Mutual TLS for the node-to-node transport.
//!
//! Off by default: the transport is then plain TCP, authenticated by the cookie only. A node
//! given a [`TlsConfig`] (through [`NodeBuilder::tls`](crate::NodeBuilder::tls), or
//! `--tls-cert`, `--tls-key` and `--tls-ca`) accepts only TLS on its listen address and dials
//! its peers over TLS. Both ends present a certificate and both check the other's, as with
//! Erlang's `inet_tls_dist` or Akka's TLS remoting:
//! - the accepting node requires a client certificate that chains to the CA;
//! - the dialling node requires a server certificate that chains to the CA **and** carries the
//!   configured server name ([`TlsConfig::DEFAULT_SERVER_NAME`], `mabeam`, unless set) as a
//!   DNS subject alternative name. Peers are dialled by the IP address they gossip, so one
//!   name stands for every node of the cluster: put it in every node's certificate.
//!
//! The cookie handshake still runs inside the TLS session. A certificate identifies a member of
//! the cluster, not a particular node: any node holding a certificate from the CA may use any
//! node name. Only TLS 1.3 is offered. The crypto provider is aws-lc-rs (the one rustls is
//! built with here), passed explicitly, so no process-wide default provider is needed.
//!
//! ```no_run
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! use mabeam_cluster::tls::TlsConfig;
//!
//! let tls = TlsConfig::builder()
//!     .cert_chain("/etc/mabeam/node.pem")
//!     .private_key("/etc/mabeam/node.key")
//!     .ca("/etc/mabeam/ca.pem")
//!     .build()?;
//! let node = mabeam_cluster::Node::builder()
//!     .name("n1")
//!     .listen_addr("10.0.0.1:7100".parse()?)
//!     .tls(tls)
//!     .start()
//!     .await?;
//! # node.shutdown().await;
//! # Ok(()) }
//! ```

mod builder;
mod config;
mod error;
#[cfg(test)]
mod tests;

pub use builder::TlsConfigBuilder;
pub use config::TlsConfig;
pub use error::TlsError;
