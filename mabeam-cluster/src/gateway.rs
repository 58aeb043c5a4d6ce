//! The gateway: one actor per node through which agents are reached from other nodes.
//!
//! Agents are never exposed to ractor_cluster one by one: each node runs one gateway actor in
//! the ractor `pg` group [`GATEWAY_GROUP`], which ractor_cluster shares with every connected
//! node. A remote call is an envelope — agent type, agent id, timeout, and the request in the
//! agent's wire form (`#[agent(remote)]`), encoded with mabeam's versioned msgpack codec —
//! sent as one RPC to the owner's gateway. The gateway hands it to the agent, which answers
//! the caller itself with the encoded result or a typed [`RemoteError`]; an agent that is not
//! running is activated first (virtual activation) in a task of its own. The gateway never
//! awaits an agent, so a slow or panicking action never blocks or takes down the gateway. The
//! gateway also serves the node's services' wire protocols
//! ([`GatewayMsg::Service`]).
//!
//! Callers use a [`ClusterRef`] (from [`Node::agent`](crate::Node::agent)): the same typed
//! methods `#[agent]` generates for a local `AgentRef` (`node.agent::<Counter>(id).add(5).await`,
//! a [`ClusterCall`] with its own `.timeout(..)`), or the same request structs
//! (`request(CounterAdd { by: 5 })`); where the agent runs is the node's one locator's answer,
//! and the call takes the local path (no encoding) when that is this node.

mod actor;
mod call_path;
mod cluster_call;
mod cluster_ref;

pub use crate::link::{GatewayMsg, RemoteError, GATEWAY_GROUP};
pub(crate) use actor::{Gateway, GatewayArgs};
pub(crate) use call_path::CallPath;
pub use cluster_call::ClusterCall;
pub use cluster_ref::ClusterRef;
