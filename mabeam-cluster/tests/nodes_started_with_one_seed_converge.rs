//! Nodes started with one seed converge to a view where every node is up; a node that joins
//! later is seen by all.
#[path = "support/cluster.rs"]
mod support;

use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn five_nodes_converge_and_a_sixth_joins() {
    let mut cluster = Cluster::start(5).await;
    let names: Vec<String> = cluster.nodes.iter().map(|n| n.name.clone()).collect();
    cluster
        .wait_until("all 5 nodes up everywhere", |v| all_up(v, &names))
        .await;

    cluster.add("n5");
    let names: Vec<String> = cluster.nodes.iter().map(|n| n.name.clone()).collect();
    cluster
        .wait_until("all 6 nodes up everywhere", |v| all_up(v, &names))
        .await;
}
