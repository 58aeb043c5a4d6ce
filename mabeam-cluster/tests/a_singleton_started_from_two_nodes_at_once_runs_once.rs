//! A cluster singleton started from two nodes at the same moment — while the three nodes are
//! still finding each other, so their views differ — ends up running on exactly one node, the
//! same one every node routes calls to; calls from every node reach one agent and see one
//! state.
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

    // At once, from `a` and `b`, before they have converged.
    nodes[0].send("start_singleton leader");
    nodes[1].send("start_singleton leader");
    for node in &mut nodes[..2] {
        let reply = node.reply();
        assert_eq!(reply, "ok", "{}: {reply}", node.name);
    }

    wait_meshed(&mut nodes);
    let host = wait_one_singleton(&mut nodes, "leader");

    // One agent, one state, whichever node calls.
    for (i, node) in nodes.iter_mut().enumerate() {
        let n = node.ask("add leader 1");
        assert_eq!(n, (i + 1).to_string(), "a call from {}", node.name);
    }
    assert_eq!(running(&mut nodes, "leader"), std::slice::from_ref(&host));
    for node in &mut nodes {
        assert_eq!(node.ask("get leader"), "3", "read from {}", node.name);
    }
    // Starting it again is harmless: still one, with its state.
    assert_eq!(nodes[2].ask("start_singleton leader"), "");
    assert_eq!(nodes[2].ask("get leader"), "3");
    assert_eq!(running(&mut nodes, "leader"), [host]);
    println!("a_singleton_started_from_two_nodes_at_once_runs_once: ok");
}
