//! The node's own services, in the order the kernel starts them (see
//! [`NodeBuilder::start`](crate::NodeBuilder::start)): each wraps one subsystem — its agents,
//! the view it publishes, its wire protocol, its admin routes and gossip keys — as a
//! [`NodeService`](crate::NodeService). The subsystems themselves (`membership/`,
//! `placement/`, ...) know nothing of the kernel.

mod admin;
mod discovery;
#[cfg(feature = "testkit")]
mod fault_injection;
mod health;
mod loadbalancer;
mod membership;
mod passivation;
mod placement;
mod registry;
mod transport;

pub(crate) use admin::AdminService;
pub(crate) use discovery::DiscoveryService;
#[cfg(feature = "testkit")]
pub(crate) use fault_injection::FaultInjection;
pub(crate) use health::HealthService;
pub(crate) use loadbalancer::LoadBalancerService;
pub(crate) use membership::MembershipService;
pub(crate) use passivation::PassivationService;
pub(crate) use placement::PlacementService;
pub(crate) use registry::RegistryService;
pub(crate) use transport::TransportService;
