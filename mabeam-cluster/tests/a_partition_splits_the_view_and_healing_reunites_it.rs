//! Partition a 5-node cluster 3|2 (gossip links cut both ways at each node's socket): each side
//! sees the other side down and itself up; after healing, every node sees all five up again.
#[path = "support/cluster.rs"]
mod support;

use mabeam_cluster::admin::MembershipReport;
use mabeam_cluster::MemberStatus;
use support::*;

fn sees(view: &MembershipReport, up: &[&str], down: &[&str]) -> bool {
    up.iter()
        .all(|n| status_of(view, n) == Some(MemberStatus::Up))
        && down
            .iter()
            .all(|n| status_of(view, n) == Some(MemberStatus::Down))
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn each_side_sees_what_it_can_reach_and_healing_converges() {
    let (cluster, names) = Cluster::start_converged(5).await;

    cluster.partition(&[&[0, 1, 2], &[3, 4]]).await;
    cluster
        .wait_until_on(&[0, 1, 2], "the majority sees n3, n4 down", |v| {
            sees(v, &["n0", "n1", "n2"], &["n3", "n4"])
        })
        .await;
    cluster
        .wait_until_on(&[3, 4], "the minority sees n0, n1, n2 down", |v| {
            sees(v, &["n3", "n4"], &["n0", "n1", "n2"])
        })
        .await;

    cluster.heal().await;
    cluster
        .wait_until("all 5 up everywhere after healing", |v| all_up(v, &names))
        .await;
}
