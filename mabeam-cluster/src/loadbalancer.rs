//! The load-balancer agent `mabeam.loadbalancer`: turns the membership view, the nodes'
//! capability tags and the latest health report into scored placement
//! [`Candidate`](mabeam_core::placement::Candidate)s, with the pure
//! [`score_nodes`](mabeam_core::placement::score_nodes):
//!
//! - only `up` members that the health report does not quarantine are candidates;
//! - a candidate's load weighs its CPU, memory, agent count and deepest mailbox
//!   ([`LoadWeights`], set with `NodeBuilder::load_weights`);
//! - a candidate over a health limit (memory, backlog, heartbeat round trip) is *degraded*:
//!   placed on only when no eligible node is within its limits.
//!
//! It rescores every gossip interval and on every `cluster.node.*` and
//! `cluster.health.changed` signal, and publishes the result to a [`LoadBalancerReader`]
//! (an atomically swapped snapshot: reading it takes no lock and no mailbox hop), which the
//! call path reads when it places an agent.

mod agent;

pub use crate::views::{LoadBalancerReader, NodeScores};
pub(crate) use agent::LoadBalancer;
pub use mabeam_core::placement::LoadWeights;
