//! During a partition each side runs its own copy of a cluster singleton, and both sides
//! register one cluster-wide name for different agents. Once the partition heals, exactly one
//! singleton survives, the name stays with the older registration on every node, and the node
//! whose claim lost stops its agent and logs the winner.
//!
//! Real node processes on 127.0.0.1 (see `support/scripted.rs`), the partition made by
//! dropping gossip datagrams at each node's socket: this binary is the coordinator and re-runs
//! itself as each node.

#[path = "support/scripted.rs"]
mod scripted;

use scripted::*;

fn main() {
    let Some(mut nodes) = start_nodes(&["a", "b", "c"]) else {
        return;
    };
    wait_meshed(&mut nodes);
    assert_eq!(nodes[0].ask("start_singleton leader"), "");
    let host = wait_one_singleton(&mut nodes, "leader");

    // Cut the host off from the other two.
    let gossip: Vec<(String, std::net::SocketAddr)> =
        nodes.iter().map(|n| (n.name.clone(), n.gossip)).collect();
    let others: Vec<String> = gossip
        .iter()
        .filter(|(n, _)| *n != host)
        .map(|(_, addr)| addr.to_string())
        .collect();
    let host_addr = gossip.iter().find(|(n, _)| *n == host).unwrap().1;
    for node in &mut nodes {
        let cut = if node.name == host {
            others.join(" ")
        } else {
            host_addr.to_string()
        };
        node.ask(&format!("cut {cut}"));
    }
    // Each side runs its own copy once it holds the other side down.
    wait_until("a copy of the singleton on each side", || {
        let hosts = running(&mut nodes, "leader");
        if hosts.len() == 2 {
            Ok(())
        } else {
            Err(format!("{hosts:?}"))
        }
    });

    // Both sides register "db": the cut-off host first (older), then the other side.
    let other = gossip.iter().find(|(n, _)| *n != host).unwrap().0.clone();
    let me = by_name(&mut nodes, &host);
    me.ask("spawn db-1");
    me.ask("register db db-1");
    std::thread::sleep(std::time::Duration::from_millis(20));
    let them = by_name(&mut nodes, &other);
    them.ask("spawn db-2");
    them.ask("register db db-2");

    for node in &mut nodes {
        node.ask("heal");
    }
    wait_meshed(&mut nodes);
    let survivor = wait_one_singleton(&mut nodes, "leader");
    wait_until("every node finds db on the older registration", || {
        let holders: Vec<String> = nodes.iter_mut().map(|n| n.ask("whereis db")).collect();
        if holders.iter().all(|h| *h == format!("{host}/db-1")) {
            Ok(())
        } else {
            Err(format!("{holders:?}"))
        }
    });
    // The loser stopped its agent and said who won.
    wait_until("the losing agent stops", || {
        let hosts = running(&mut nodes, "db-2");
        if hosts.is_empty() {
            Ok(())
        } else {
            Err(format!("db-2 runs on {hosts:?}"))
        }
    });
    let log = by_name(&mut nodes, &other).log();
    assert!(
        log.lines().any(|l| l.contains("lost a cluster-wide name")
            && l.contains("name=db")
            && l.contains(&format!("winner={host}"))),
        "{other}'s log:\n{log}"
    );
    assert_eq!(running(&mut nodes, "db-1"), [host]);

    // One singleton, one state.
    for (i, node) in nodes.iter_mut().enumerate() {
        assert_eq!(
            node.ask("add leader 1"),
            (i + 1).to_string(),
            "from {}",
            node.name
        );
    }
    assert_eq!(running(&mut nodes, "leader"), [survivor]);
    println!("a_healed_partition_keeps_one_holder_per_name: ok");
}
