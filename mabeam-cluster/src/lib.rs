//! A mabeam node: one OS process hosting an [`AgentSystem`](mabeam_actors::AgentSystem) and
//! taking part in a cluster.
//!
//! - [`Node`]: built with [`Node::builder`] inside the caller's tokio runtime; joins through
//!   seeds, leaves gracefully on [`Node::shutdown`].
//! - Membership: gossip over UDP with phi-accrual failure detection (`chitchat`), so heartbeats
//!   never queue behind bulk TCP traffic and a frozen or cut-off peer is detected, not only a
//!   closed socket. The view lives in the [`Membership`] agent, which publishes
//!   `cluster.node.up` / `leaving` / `down` / `removed` signals (control lane) on the node's bus.
//! - [`health`]: the health monitor agent — per-node metrics over gossip, an overall
//!   healthy / degraded / critical with reasons, flap detection, `cluster.health.changed`.
//! - [`loadbalancer`]: the load-balancer agent — scores the nodes placement may use from the
//!   membership view, their tags and the health data.
//! - [`placement`]: per-type placement rules (least-loaded, required tags, affinity,
//!   round-robin), with a directory entry on the hash owner.
//! - [`connections`]: the ractor_cluster transport (cookie-authenticated TCP sessions) kept in
//!   step with membership: every live peer dialled, dropped sessions redialled, the sessions of
//!   dead peers closed.
//! - [`tls`]: optional mutual TLS for the transport (certificates from one CA on every node).
//! - [`discovery`]: how a node finds the others — seeds, DNS A/AAAA and SRV names
//!   re-resolved every round, authenticated UDP multicast beacons — run by the
//!   `mabeam.discovery` agent.
//! - [`registry`]: cluster-wide names (`register_name` / `whereis`), cluster singletons and
//!   one-per-node agents, run by the `mabeam.registry` agent.
//! - [`admin`]: an HTTP endpoint with the membership as JSON, and liveness/readiness routes.
//! - [`config`]: [`Config`], a node's settings as one type that derives serde and clap, with
//!   one set of defaults: a TOML file, `MABEAM_*` variables and `mabeam node` flags, layered.
//! - The `mabeam` binary: `mabeam node ...` runs a node until SIGINT/SIGTERM, then leaves
//!   gracefully; `mabeam status --admin ADDR` prints the membership table.
#![warn(
    missing_docs,
    missing_debug_implementations,
    rust_2018_idioms,
    unreachable_pub
)]
#![forbid(unsafe_code)]

pub mod admin;
pub mod config;
pub mod connections;
pub mod discovery;
pub mod gateway;
pub mod gossip;
pub mod health;
mod hosting;
pub mod kernel;
mod link;
#[cfg(feature = "testkit")]
mod link_filter;
pub mod loadbalancer;
mod locator;
mod membership;
mod node;
pub mod placement;
pub mod registry;
mod services;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod tls;
mod views;

pub use config::Config;
pub use discovery::{Discovery, MulticastConfig};
pub use gateway::{ClusterRef, RemoteError};
pub use kernel::{
    AdminHandler, AdminMethod, AdminResponse, AdminRoute, NodeContext, NodeService, Protocol,
    ProtocolHandler, ServiceError,
};
pub use mabeam_core::membership::{Member, MemberEvent, MemberStatus};
pub use membership::MembershipReader;
pub use node::{Node, NodeBuilder, NodeError};
pub use views::View;
