//! Multicast discovery: nodes started without any seed, with only `--multicast` and a shared
//! secret, find each other through authenticated beacons on a multicast group (here on the
//! loopback interface) and form one cluster. A node with another secret is never admitted:
//! the members drop its beacons (and it drops theirs) with a warning naming the sender, and
//! the cluster goes on serving.
#[path = "support/cluster.rs"]
mod support;

use std::net::UdpSocket;

use support::*;

/// A group on a port no other test uses at the same time.
fn unique_group() -> String {
    let port = UdpSocket::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port();
    format!("239.255.42.99:{port}")
}

fn multicast<'a>(group: &'a str, secret: &'a str) -> [&'a str; 6] {
    [
        "--multicast",
        group,
        "--multicast-secret",
        secret,
        "--discovery-interval-ms",
        "200",
    ]
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn nodes_sharing_the_secret_converge_and_a_node_with_another_secret_is_kept_out() {
    let group = unique_group();
    let mut cluster = Cluster::new();
    for name in ["n0", "n1", "n2"] {
        cluster.add_unseeded(name, &multicast(&group, "the-secret"));
    }
    let members: Vec<String> = ["n0", "n1", "n2"].map(String::from).to_vec();
    let members_ref = &members;
    cluster
        .wait_until("n0, n1, n2 up everywhere, found by beacons alone", |v| {
            all_up(v, members_ref)
        })
        .await;

    let intruder = cluster.add_unseeded("intruder", &multicast(&group, "a-guess"));
    // The intruder's 4th beacon dropped by n0: it has announced itself for 4 rounds, and one
    // authentic beacon is enough to be contacted.
    cluster
        .wait_for_log(
            0,
            "n0 drops the intruder's beacons (bad MAC), naming the sender",
            |line| {
                line.contains("dropped a discovery beacon")
                    && line.contains("from=127.0.0.1:")
                    && line.contains("MAC does not match")
                    && line.contains("dropped=4")
            },
        )
        .await;
    cluster
        .wait_for_log(
            intruder,
            "the intruder drops the members' beacons",
            |line| {
                line.contains("dropped a discovery beacon") && line.contains("MAC does not match")
            },
        )
        .await;
    cluster
        .wait_until_on(
            &[0, 1, 2],
            "the members still serve, and see only each other",
            |v| all_up(v, members_ref) && status_of(v, "intruder").is_none(),
        )
        .await;
    cluster
        .wait_until_on(&[intruder], "the intruder sees only itself", |v| {
            v.members.len() == 1 && v.members[0].node == "intruder"
        })
        .await;
}
