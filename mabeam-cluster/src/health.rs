//! The health monitor agent: gossips this node's metrics, assesses the whole cluster
//! (membership, every node's metrics, flapping) with the pure
//! [`mabeam_core::health::assess`], serves the report to the admin endpoint (`GET /health`),
//! and publishes `cluster.health.changed` (control lane, payload [`ClusterHealth`]) whenever
//! the overall status changes.

mod agent;
mod process;

pub use crate::views::HealthReader;
pub(crate) use agent::Health;
pub use mabeam_core::health::{ClusterHealth, HealthStatus, NodeHealth, NodeMetrics, Thresholds};
