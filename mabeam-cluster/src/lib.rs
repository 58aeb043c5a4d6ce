//! A mabeam node: one OS process hosting an [`AgentSystem`](mabeam_actors::AgentSystem) and
//! taking part in a cluster.
//!
//! ```no_run
//! use mabeam_cluster::prelude::*;
//! # #[derive(Default)] struct Counter { n: u64 }
//! # #[mabeam_actors::agent(remote)] impl Counter {
//! #     #[action] fn add(&mut self, by: u64) -> u64 { self.n += by; self.n } }
//!
//! # async fn demo() -> Result<(), Box<dyn std::error::Error>> {
//! let node = Node::builder()
//!     .name("n1")
//!     .gossip_addr("127.0.0.1:7001".parse()?)
//!     .listen_addr("127.0.0.1:7101".parse()?)
//!     .seed("127.0.0.1:7000")
//!     .agent_type(Counter::default) // hosted on every node, activated on first call
//!     .start()
//!     .await?;
//! node.ready(3).await; // three members up, every link up
//! // Wherever "c-42" runs (or will run), with the methods `#[agent]` generates:
//! let n = node.agent::<Counter>("c-42").add(1).await?;
//! node.shutdown().await;
//! # Ok(()) }
//! ```
//!
//! A node is a **kernel plus services** ([`kernel`]). The kernel holds the node's incarnation
//! (gossip), its agent system, the [`View`]s its services publish, and the gateway through
//! which other nodes reach it. Every subsystem is a [`NodeService`], started in order and
//! stopped in reverse:
//!
//! - membership: gossip over UDP with phi-accrual failure detection (`chitchat`), published
//!   as [`MembershipReader`] and as `cluster.node.*` signals;
//! - [`discovery`]: seeds, DNS A/AAAA and SRV names, authenticated multicast beacons;
//! - [`health`]: per-node metrics over gossip, an overall healthy / degraded / critical;
//! - [`loadbalancer`]: scores the nodes placement may use;
//! - the transport ([`connections`], [`tls`]): ractor_cluster sessions with every live member;
//! - [`placement`]: per-type placement rules, with a directory entry on the hash owner;
//! - [`registry`]: cluster-wide names, singletons and one-per-node agents;
//! - passivation of idle agents, and the [`admin`] HTTP endpoint;
//! - an application's own services ([`NodeBuilder::service`]), with their own wire
//!   [`Protocol`], [`AdminRoute`]s and gossip keys.
//!
//! Calls go through a [`ClusterRef`] ([`Node::agent`]): one locator decides where the agent
//! runs, the local path takes no encoding, a remote call is one RPC to the owner's gateway.
//! [`config`] has [`Config`], the node's settings as one type (serde and clap, one set of
//! defaults). With the `testkit` cargo feature, the `testkit` module cuts and heals links in tests.
//! The `mabeam` binary runs a node (`mabeam node ...`) and shows a cluster (`mabeam status`).
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
pub mod prelude;
pub mod registry;
mod services;
#[cfg(feature = "testkit")]
pub mod testkit;
pub mod tls;
mod views;

pub use config::Config;
pub use connections::{ConnectionsReader, Session};
pub use discovery::{Discovery, MulticastConfig};
pub use gateway::{ClusterCall, ClusterRef, GatewayMsg, RemoteError, GATEWAY_GROUP};
pub use health::HealthReader;
pub use kernel::{
    AdminHandler, AdminMethod, AdminResponse, AdminRoute, NodeContext, NodeService, Protocol,
    ProtocolHandler, ServiceError,
};
pub use loadbalancer::{LoadBalancerReader, LoadWeights, NodeScores};
pub use mabeam_core::membership::{Member, MemberEvent, MemberStatus};
pub use membership::{MembershipReader, MembershipReport};
pub use node::{Node, NodeBuilder, NodeError};
pub use placement::TypePlacement;
pub use registry::{Claim, RegistryError, RegistryReader};
pub use views::View;
