//! What the node's services publish and everyone else reads: each view is read without a
//! lock or a mailbox hop and can be waited on ([`View::wait_for`]) instead of polled.
//!
//! - [`MembershipReader`]: the membership view (published by the membership service);
//! - [`ConnectionsReader`]: the authenticated transport sessions (the transport service);
//! - [`HealthReader`]: the latest health report (the health service);
//! - [`LoadBalancerReader`]: the load balancer's scores (the load-balancer service);
//! - [`RegistryReader`]: names, singletons and one-per-node agents (the registry service).

mod health;
mod load;
mod membership;
mod registry;
mod sessions;
mod view;

pub use health::HealthReader;
pub use load::{LoadBalancerReader, NodeScores};
pub use membership::MembershipReader;
pub use registry::RegistryReader;
pub(crate) use registry::Route;
pub use sessions::{ConnectionsReader, Session};
pub use view::View;
