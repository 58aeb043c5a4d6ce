//! The admin endpoint (Akka Management style): HTTP/1.1, its routes contributed by the
//! node's services ([`NodeService::admin_routes`](crate::NodeService::admin_routes)).
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /membership` | `200`, `{"node": "<this node>", "members": [Member, ...]}` |
//! | `GET /health` | `200`, the latest [`ClusterHealth`](crate::health::ClusterHealth): `{"node", "status": "healthy" \| "degraded" \| "critical", "reasons": [..], "nodes": [{"node", "status", "metrics": {"agents", "rss_bytes", "largest_backlog", "cpu_percent"}, "rtt_micros", "recent_downs", "quarantined"}]}`; `503` before the first assessment |
//! | `GET /health/live` | `200`, `{"status": "live"}` while the process serves |
//! | `GET /health/ready` | `200` `{"status": "ready"}` once this node sees itself `up`, else `503` `{"status": "starting"}` |
//! | `POST /debug/partition` | only in a `testkit` build with fault injection on: body `["127.0.0.1:7003", ...]` cuts the links (gossip and transport) to those peers; `200` |
//! | `POST /debug/heal` | only in a `testkit` build with fault injection on: restores every link; `200` |
//! | a route of an application's service | what the service answers |
//! | anything else | `404` for a `GET`, `405` for any other method |
//!
//! The membership report also lists `connected`: the peers with an authenticated transport
//! session (see [`connections`](crate::connections)).
//!
//! A `Member` is `{"node": "n1", "generation": 1732371234567, "gossip_addr": "127.0.0.1:7001",
//! "status": "joining" | "up" | "leaving" | "unreachable" | "down" | "removed", "tags": ["gpu"]}`;
//! members are sorted by name.
//!
//! A client that sends garbage gets `400` from the HTTP parser; one that sends nothing is
//! dropped after 5 s; either way the endpoint keeps serving.

mod client;

pub use crate::membership::MembershipReport;
#[cfg(feature = "testkit")]
pub(crate) use client::request;
pub use client::{fetch_health, fetch_membership, FetchError};
