//! Failure detection on real processes: a node killed with `kill -9` is marked down; a node
//! frozen with SIGSTOP (its sockets still open) is marked unreachable by the phi-accrual
//! detector, then down, and after SIGCONT rejoins with a new generation; a killed node
//! restarted under the same name rejoins with a new generation; a node that leaves gracefully
//! ends `removed`, never `down`. (The exact unreachable → down path is asserted on signals in
//! `membership_changes_arrive_as_signals.rs`, where no poll can miss it.)
#[path = "support/cluster.rs"]
mod support;

use mabeam_cluster::MemberStatus;
use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_killed_node_is_marked_down_by_the_others() {
    let (mut cluster, _) = Cluster::start_converged(3).await;

    cluster.kill(2).await;
    cluster
        .wait_until("n2 down on n0 and n1", |v| {
            status_of(v, "n2") == Some(MemberStatus::Down)
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_frozen_node_goes_down_and_rejoins_as_a_new_generation_when_thawed() {
    let (cluster, names) = Cluster::start_converged(3).await;
    let before = cluster.views(&[0]).await[0]
        .1
        .as_ref()
        .and_then(|v| generation_of(v, "n2"))
        .expect("n0 knows n2");

    cluster.freeze(2);
    // The frozen node cannot answer its admin endpoint: ask the other two.
    cluster
        .wait_until_on(&[0, 1], "frozen n2 down on n0 and n1", |v| {
            status_of(v, "n2") == Some(MemberStatus::Down)
        })
        .await;

    cluster.thaw(2);
    cluster
        .wait_until("thawed n2 up again everywhere, as a new generation", |v| {
            all_up(v, &names) && generation_of(v, "n2").is_some_and(|g| g > before)
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_graceful_leave_ends_removed_never_down() {
    let (mut cluster, _) = Cluster::start_converged(3).await;

    cluster.terminate(1).await;
    cluster
        .wait_until("n1 removed on n0 and n2", |v| {
            status_of(v, "n1") == Some(MemberStatus::Removed)
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_restarted_node_rejoins_with_a_new_generation() {
    let (mut cluster, _) = Cluster::start_converged(3).await;
    let before = cluster.views(&[0]).await[0]
        .1
        .as_ref()
        .and_then(|v| generation_of(v, "n2"))
        .expect("n0 knows n2");

    cluster.kill(2).await;
    cluster
        .wait_until("n2 down", |v| {
            status_of(v, "n2") == Some(MemberStatus::Down)
        })
        .await;
    cluster.restart(2);
    cluster
        .wait_until("n2 up again, as a new generation", |v| {
            status_of(v, "n2") == Some(MemberStatus::Up)
                && generation_of(v, "n2").is_some_and(|g| g > before)
        })
        .await;
}
