//! The health monitor agent on every node: a whole cluster is `healthy`, with every node's
//! gossiped metrics and the heartbeat round trip to every peer; a killed node makes the survivors `degraded`, naming it; the minority side
//! of a partition is `critical`.
#[path = "support/cluster.rs"]
mod support;

use mabeam_cluster::admin::fetch_health;
use mabeam_cluster::health::{ClusterHealth, HealthStatus};
use support::*;

async fn wait_for_health(
    cluster: &Cluster,
    which: &[usize],
    what: &str,
    check: impl Fn(&ClusterHealth) -> bool,
) {
    let deadline = tokio::time::Instant::now() + PATIENCE;
    loop {
        let mut reports = Vec::new();
        for &i in which {
            reports.push(fetch_health(cluster.nodes[i].admin).await.ok());
        }
        if reports.iter().all(|r| r.as_ref().is_some_and(&check)) {
            return;
        }
        assert!(
            tokio::time::Instant::now() < deadline,
            "not reached within {PATIENCE:?}: {what}\n{reports:#?}"
        );
        tokio::time::sleep(std::time::Duration::from_millis(GOSSIP_MS)).await;
    }
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn healthy_then_degraded_by_a_kill_with_metrics_from_every_node() {
    let mut cluster = Cluster::start(3).await;
    wait_for_health(
        &cluster,
        &[0, 1, 2],
        "healthy, with 3 nodes' metrics",
        |h| {
            h.status == HealthStatus::Healthy
                && h.nodes.len() == 3
                && h.nodes
                    .iter()
                    .all(|n| n.metrics.is_some_and(|m| m.agents >= 2 && m.rss_bytes > 0))
                // Heartbeat round trips are measured to every peer, not to the node itself.
                && h.nodes
                    .iter()
                    .all(|n| (n.node == h.node) == n.rtt_micros.is_none())
        },
    )
    .await;

    cluster.kill(2).await;
    wait_for_health(&cluster, &[0, 1], "degraded because n2 is down", |h| {
        h.status == HealthStatus::Degraded && h.reasons.iter().any(|r| r == "n2 is down")
    })
    .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_minority_side_of_a_partition_is_critical() {
    let cluster = Cluster::start(5).await;
    wait_for_health(&cluster, &[0, 1, 2, 3, 4], "healthy", |h| {
        h.status == HealthStatus::Healthy && h.nodes.len() == 5
    })
    .await;
    cluster.partition(&[&[0, 1, 2], &[3, 4]]).await;
    wait_for_health(&cluster, &[3, 4], "the minority is critical", |h| {
        h.status == HealthStatus::Critical
    })
    .await;
    wait_for_health(
        &cluster,
        &[0, 1, 2],
        "the majority is degraded, not critical",
        |h| h.status == HealthStatus::Degraded,
    )
    .await;
    cluster.heal().await;
    wait_for_health(
        &cluster,
        &[0, 1, 2, 3, 4],
        "healthy again after healing",
        |h| h.status == HealthStatus::Healthy,
    )
    .await;
}
