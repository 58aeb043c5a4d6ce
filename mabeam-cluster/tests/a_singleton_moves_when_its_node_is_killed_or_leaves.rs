//! When the node running a cluster singleton is killed (kill -9), the singleton comes up on
//! another node — once — and calls from the surviving nodes reach it there. When that node
//! then leaves gracefully, the singleton moves to the last node.
//!
//! Real node processes on 127.0.0.1 (see `support/scripted.rs`): this binary is the
//! coordinator and re-runs itself as each node.

#[path = "support/scripted.rs"]
mod scripted;

use scripted::*;

fn main() {
    let Some(mut nodes) = start_nodes(&["a", "b", "c"]) else {
        return;
    };
    wait_meshed(&mut nodes);
    assert_eq!(nodes[1].ask("start_singleton leader"), "");
    let first = wait_one_singleton(&mut nodes, "leader");
    for node in &mut nodes {
        node.ask("add leader 1");
    }

    // Killed: it comes up elsewhere.
    by_name(&mut nodes, &first).kill();
    let second = wait_one_singleton(&mut nodes, "leader");
    assert_ne!(second, first);
    // A fresh agent (state does not move with a singleton), reached from both survivors.
    let mut total = 0;
    for node in nodes.iter_mut().filter(|n| n.is_alive()) {
        total += 5;
        assert_eq!(
            node.ask("add leader 5"),
            total.to_string(),
            "from {}",
            node.name
        );
    }
    assert_eq!(running(&mut nodes, "leader"), std::slice::from_ref(&second));

    // Left gracefully: it moves to the last node.
    by_name(&mut nodes, &second).leave();
    let third = wait_one_singleton(&mut nodes, "leader");
    assert!(third != first && third != second);
    let last = by_name(&mut nodes, &third);
    assert_eq!(last.ask("add leader 7"), "7");
    let log = last.log();
    assert!(
        log.contains("claimed a singleton's name name=leader epoch=2"),
        "the last node took over at the next epoch:\n{log}"
    );
    println!("a_singleton_moves_when_its_node_is_killed_or_leaves: ok");
}
