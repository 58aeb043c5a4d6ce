//! A one-per-node agent started on one node of two runs on both, and a node joining later
//! starts its own copy; each node's copy is a separate agent, reached locally through
//! `node.agent` and from elsewhere through `node.agent_on`.
//!
//! Real node processes on 127.0.0.1 (see `support/scripted.rs`): this binary is the
//! coordinator and re-runs itself as each node.

#[path = "support/scripted.rs"]
mod scripted;

use scripted::*;

fn main() {
    let Some(mut nodes) = start_nodes(&["a", "b"]) else {
        return;
    };
    let seed = nodes[0].gossip;
    wait_meshed(&mut nodes);
    assert_eq!(nodes[0].ask("start_per_node meter"), "");
    wait_until("both nodes run the meter", || {
        let hosts = running(&mut nodes, "meter");
        if hosts == ["a", "b"] {
            Ok(())
        } else {
            Err(format!("{hosts:?}"))
        }
    });

    // A node joins later and starts its own, with no one asking it to.
    nodes.push(NodeProc::spawn("c", Some(seed)));
    wait_until("the joining node runs its own meter", || {
        let hosts = running(&mut nodes, "meter");
        if hosts == ["a", "b", "c"] {
            Ok(())
        } else {
            Err(format!("{hosts:?}"))
        }
    });
    wait_meshed(&mut nodes);

    // Three separate agents: add to each node's copy from node `a`.
    for (node, by) in [("a", 1), ("b", 10), ("c", 100)] {
        assert_eq!(
            nodes[0].ask(&format!("add_on {node} meter {by}")),
            by.to_string()
        );
    }
    // Each node reaches its own copy through `node.agent`; others through `agent_on`.
    for (node, n) in [("a", "1"), ("b", "10"), ("c", "100")] {
        assert_eq!(
            by_name(&mut nodes, node).ask("get meter"),
            n,
            "{node}'s own"
        );
        assert_eq!(
            nodes[1].ask(&format!("get_on {node} meter")),
            n,
            "{node}'s from b"
        );
    }
    println!("every_node_runs_its_own_per_node_agent: ok");
}
