//! The node as a host of agents: the agent types it can activate on demand (virtual
//! activation), each behind the object-safe [`HostedType`](type_entry::HostedType) trait over
//! a typed `TypeEntry<A>`, and the agents it activated or passivated.

mod activations;
mod agent_types;
mod host;
mod type_entry;

pub(crate) use agent_types::AgentTypes;
pub(crate) use host::Host;
