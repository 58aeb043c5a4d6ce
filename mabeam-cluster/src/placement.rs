//! Placement per agent type: besides the hash (the default), an agent type registered with
//! [`NodeBuilder::agent_type_placed`](crate::NodeBuilder::agent_type_placed) chooses its node
//! by load, capability tags, affinity / anti-affinity or round-robin ([`TypePlacement`]),
//! among the nodes the [load balancer](crate::loadbalancer) scores. The agent's directory
//! entry lives on its hash owner, so a call is still one hop to it.

mod agent;
mod directory_msg;
mod placer;
mod type_placement;

pub(crate) use agent::DirectoryAgent;
pub(crate) use placer::{Placer, Route, PROTOCOL};
pub use type_placement::TypePlacement;
