//! The cluster registry: cluster-wide names, cluster singletons and one-per-node agents.
//!
//! What an Erlang `global` user expects, on gossip instead of a global lock:
//! - **Names.** [`Node::register_name`](crate::Node::register_name) gives a local agent a
//!   cluster-wide name, refused when the name is held as far as this node knows;
//!   [`Node::whereis`](crate::Node::whereis) answers from a local copy (no mailbox, no network).
//!   Each node gossips its own claims (`mabeam.name.<name>`). When two nodes claim one name —
//!   at the same moment, or on the two sides of a partition that has healed — every node
//!   picks the same winner: the highest epoch (bumped by each takeover), then the oldest
//!   registration, then the lower node name
//!   ([`mabeam_core::names`]). The losing node stops its agent, logs the winner's node, and
//!   publishes [`NameLost`] (`cluster.name.lost`). The claims of a node declared down or
//!   removed no longer count; a claim whose agent has stopped is withdrawn.
//! - **Singletons.** [`Node::start_singleton`](crate::Node::start_singleton) gossips a spec
//!   (agent type and name) that every node learns and gossips too, so it outlives the node
//!   that started it. The singleton runs on the rendezvous owner of its key among the `up`
//!   nodes hosting its type — the key a call to that agent id is routed by — under a claim to
//!   its name, so that at most one runs while views agree and exactly one survives a healed
//!   partition ([`mabeam_core::singleton`] has the rules). It is never passivated, and a call
//!   never activates it: `node.agent::<A>(name)` from any node goes to where it runs.
//! - **One per node.** [`Node::start_per_node`](crate::Node::start_per_node): every node
//!   hosting the type runs its own copy, a node joining later too. `node.agent::<A>(name)`
//!   reaches this node's copy, [`Node::agent_on`](crate::Node::agent_on) another node's.
//!
//! The `mabeam.registry` agent does the work on each node, every
//! gossip interval and on every membership change; [`RegistryReader`] is its state for
//! readers.

mod agent;
mod error;
mod name_lost;

pub use crate::views::RegistryReader;
pub(crate) use agent::ClusterRegistry;
pub(crate) use agent::ClusterRegistryHandle;
pub use error::RegistryError;
pub use mabeam_core::names::Claim;
pub use mabeam_core::singleton::{Scope, SingletonSpec};
pub use name_lost::NameLost;

/// The longest cluster-wide name, in bytes.
pub const MAX_NAME_LEN: usize = 255;

/// The agent id of the registry agent on every node.
pub(crate) const AGENT_NAME: &str = "mabeam.registry";

/// The gossip value announcing the agent types a node hosts.
pub(crate) fn types_value(types: &crate::hosting::AgentTypes) -> String {
    crate::gossip::schema::encode(&types.type_names()).unwrap_or_default()
}
