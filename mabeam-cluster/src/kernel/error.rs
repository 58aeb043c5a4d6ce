use std::net::SocketAddr;

use thiserror::Error;

use super::ServiceError;

/// Why the kernel could not start (the node reports it as a
/// [`NodeError`](crate::NodeError)).
#[derive(Debug, Error)]
pub(crate) enum KernelError {
    /// The agent system failed to start.
    #[error(transparent)]
    System(#[from] mabeam_actors::StartError),
    /// The gossip socket could not be opened.
    #[error("cannot gossip on {addr}: {reason}")]
    Gossip { addr: SocketAddr, reason: String },
    /// A service failed to start.
    #[error("the {service} service failed to start: {source}")]
    Service {
        service: &'static str,
        source: ServiceError,
    },
    /// The gateway actor failed to start.
    #[error("the gateway failed to start: {0}")]
    Gateway(String),
}
