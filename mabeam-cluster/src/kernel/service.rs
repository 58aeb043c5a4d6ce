use async_trait::async_trait;
use thiserror::Error;

use super::{AdminRoute, NodeContext, Protocol};

/// One subsystem of a node: discovery, membership, the transport, health, the load balancer,
/// placement, the registry, passivation, the admin endpoint — and any service an application
/// adds with [`NodeBuilder::service`](crate::NodeBuilder::service).
///
/// The node's kernel (its incarnation and gossip, the agent system, the published views, the
/// gateway) starts the services in the order they were listed, each with the node's
/// [`NodeContext`], and stops them in reverse order when the node shuts down. A service may
/// serve a wire protocol of its own (answered by this node's gateway to calls from other
/// nodes' [`NodeContext::call`]), contribute admin routes, and announce gossip keys.
///
/// ```
/// use async_trait::async_trait;
/// use mabeam_cluster::{AdminResponse, AdminRoute, NodeContext, NodeService, Protocol, ServiceError};
///
/// /// Answers `ping` with the node's name, on the wire and on `GET /ping`.
/// #[derive(Debug, Default)]
/// struct Ping { node: String }
///
/// #[async_trait]
/// impl NodeService for Ping {
///     fn name(&self) -> &'static str { "ping" }
///
///     async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
///         self.node = ctx.name().to_owned();
///         Ok(())
///     }
///
///     fn protocol(&self) -> Option<Protocol> {
///         let node = self.node.clone();
///         Some(Protocol::new("example.ping", move |_request: Vec<u8>| {
///             let node = node.clone();
///             async move { Ok(node.into_bytes()) }
///         }))
///     }
///
///     fn admin_routes(&self) -> Vec<AdminRoute> {
///         let node = self.node.clone();
///         vec![AdminRoute::get("/ping", move |_body: Vec<u8>| {
///             let node = node.clone();
///             async move { AdminResponse::ok(&node) }
///         })]
///     }
/// }
///
/// let builder = mabeam_cluster::Node::builder().name("n1").service(Ping::default());
/// ```
#[async_trait]
pub trait NodeService: Send + Sync + 'static {
    /// A short name for logs and errors (`"membership"`, `"registry"`, ...).
    fn name(&self) -> &'static str;

    /// Gossip keys and their first values, announced from the node's first gossip round (read
    /// before [`start`](Self::start)). Keys starting with `mabeam.` belong to the node's own
    /// services: an application's service announcing one fails the node's start with
    /// [`ServiceError::ReservedKey`].
    fn gossip_keys(&self) -> Vec<(String, String)> {
        Vec::new()
    }

    /// Starts the service: spawn its agents in `ctx.system()`, read and publish views. The
    /// services listed before this one are running.
    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError>;

    /// The wire protocol this service answers on every node (read once, after
    /// [`start`](Self::start)).
    fn protocol(&self) -> Option<Protocol> {
        None
    }

    /// Admin endpoint routes this service contributes (read once, after
    /// [`start`](Self::start)).
    fn admin_routes(&self) -> Vec<AdminRoute> {
        Vec::new()
    }

    /// Stops the service: its agents and tasks. Called in reverse start order when the node
    /// shuts down, while the services started before it still run.
    async fn stop(&mut self, ctx: &NodeContext) {
        let _ = ctx;
    }
}

/// Why a service could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum ServiceError {
    /// One of its agents failed to start.
    #[error("an agent failed to start: {0}")]
    Agent(#[from] mabeam_actors::SupervisorError),
    /// It could not listen where it was told to.
    #[error("cannot listen on {addr}: {reason}")]
    Listen {
        /// The address.
        addr: std::net::SocketAddr,
        /// Why.
        reason: String,
    },
    /// A gossip key of the node's own services (starting with `mabeam.`) was announced by
    /// an application's service.
    #[error(
        "gossip key `{0}` is reserved for the node's own services (keys starting with `mabeam.`)"
    )]
    ReservedKey(String),
    /// Anything else.
    #[error("{0}")]
    Failed(Box<dyn std::error::Error + Send + Sync>),
}

impl ServiceError {
    /// An error of a service's own.
    pub fn failed(error: impl Into<Box<dyn std::error::Error + Send + Sync>>) -> Self {
        Self::Failed(error.into())
    }
}
