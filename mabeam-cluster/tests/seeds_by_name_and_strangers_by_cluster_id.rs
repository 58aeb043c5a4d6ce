//! Discovery through a DNS name (`localhost:<port>` as the seed is resolved, and re-resolved,
//! like a Kubernetes headless service name would be), and the cluster id as the gossip-level
//! cookie: a node configured for another cluster is refused and never joins.
#[path = "support/cluster.rs"]
mod support;

use support::*;

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_joins_through_a_seed_given_by_dns_name() {
    let mut cluster = Cluster::start(2).await;
    let seed_port = cluster.nodes[0].gossip.port();
    cluster.add_with("n2", Some(format!("localhost:{seed_port}")), &[]);
    let names: Vec<String> = cluster.nodes.iter().map(|n| n.name.clone()).collect();
    cluster
        .wait_until("the node seeded by name is up everywhere", |v| {
            all_up(v, &names)
        })
        .await;
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_node_of_another_cluster_never_joins() {
    let mut cluster = Cluster::start(2).await;
    let stranger = cluster.add_with("stranger", None, &["--cluster-id", "someone-else"]);
    // A legitimate node joining later: once everyone sees it, gossip has run many rounds.
    cluster.add("n2");
    let members: Vec<String> = ["n0", "n1", "n2"].map(String::from).to_vec();
    let members_ref = &members;
    cluster
        .wait_until_on(&[0, 1, 3], "n0, n1, n2 up, and no stranger", move |v| {
            all_up(v, members_ref) && status_of(v, "stranger").is_none()
        })
        .await;
    cluster
        .wait_until_on(&[stranger], "the stranger sees only itself", |v| {
            v.members.len() == 1 && v.members[0].node == "stranger"
        })
        .await;
}
