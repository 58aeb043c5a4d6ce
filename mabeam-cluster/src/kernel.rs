//! The node's kernel and its services.
//!
//! A node is a small kernel — its incarnation (gossip), its agent system, the views its
//! services publish, and the gateway through which other nodes reach it — plus an ordered
//! list of [`NodeService`]s. Every subsystem is one service: membership, discovery, health,
//! the load balancer, the transport, placement, the registry, passivation, the admin
//! endpoint, and any service an application adds. The kernel starts them in order with a
//! [`NodeContext`] and stops them in reverse; each can serve a wire [`Protocol`] (multiplexed
//! by the gateway), contribute [`AdminRoute`]s and announce gossip keys. State that others
//! read is a [`View`](crate::View): read without a lock, waited on with
//! [`View::wait_for`](crate::View::wait_for).

mod admin_route;
mod boot;
mod context;
mod error;
mod service;

pub use crate::link::{Protocol, ProtocolHandler};
pub use admin_route::{AdminHandler, AdminMethod, AdminResponse, AdminRoute};
pub(crate) use boot::{Kernel, KernelParts};
pub use context::NodeContext;
pub(crate) use error::KernelError;
pub use service::{NodeService, ServiceError};
