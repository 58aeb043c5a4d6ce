use std::net::SocketAddr;

use thiserror::Error;

/// Why a node could not be configured or started.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum NodeError {
    /// The node has no name.
    #[error("a node needs a non-empty name")]
    NoName,
    /// The gossip interval is zero.
    #[error("the gossip interval must be > 0")]
    ZeroGossipInterval,
    /// `down_after` is shorter than two gossip intervals: peers would be declared down before
    /// the failure detector could even suspect them.
    #[error("down_after ({down_after:?}) must be at least two gossip intervals ({gossip_interval:?} each)")]
    DownAfterTooShort {
        /// The configured `down_after`.
        down_after: std::time::Duration,
        /// The gossip interval.
        gossip_interval: std::time::Duration,
    },
    /// A capability tag is empty or has characters other than letters, digits, `-`, `_`, `.`,
    /// `:` and `/`.
    #[error("invalid capability tag `{0}`")]
    BadTag(String),
    /// TLS settings of the [`Config`](crate::Config) are incomplete (some `tls_*` files but
    /// not the certificate, the key and the CA), or their files cannot be loaded.
    #[error("invalid TLS settings: {0}")]
    Tls(#[from] crate::tls::TlsError),
    /// The agent system failed to start.
    #[error("the agent system failed to start: {0}")]
    System(#[from] mabeam_actors::StartError),
    /// The gossip socket could not be opened (address in use, ...).
    #[error("cannot gossip on {addr}: {reason}")]
    Gossip {
        /// The address.
        addr: SocketAddr,
        /// Why.
        reason: String,
    },
    /// A service failed to start (the ones started before it were stopped).
    #[error("the {service} service failed to start: {source}")]
    Service {
        /// The service's name.
        service: &'static str,
        /// Why.
        source: crate::ServiceError,
    },
    /// The discovery settings are invalid, or discovery could not start (see
    /// [`DiscoveryError`](crate::discovery::DiscoveryError)).
    #[error("discovery: {0}")]
    Discovery(#[from] crate::discovery::DiscoveryError),
    /// The gateway actor failed to start.
    #[error("the gateway failed to start: {0}")]
    Gateway(String),
}

impl From<crate::kernel::KernelError> for NodeError {
    fn from(err: crate::kernel::KernelError) -> Self {
        use crate::kernel::KernelError;
        match err {
            KernelError::System(err) => Self::System(err),
            KernelError::Gossip { addr, reason } => Self::Gossip { addr, reason },
            KernelError::Service { service, source } => Self::Service { service, source },
            KernelError::Gateway(reason) => Self::Gateway(reason),
        }
    }
}
