use std::collections::BTreeMap;

use chitchat::{Chitchat, NodeState};

/// For every node name, what `read` finds in the state of its newest incarnation that has it
/// (a restarted node's old incarnation may linger in gossip state for a while).
pub(crate) fn newest_per_node<T>(
    chitchat: &Chitchat,
    read: impl Fn(&NodeState) -> Option<T>,
) -> BTreeMap<String, T> {
    let mut newest: BTreeMap<String, (u64, T)> = BTreeMap::new();
    for (id, state) in chitchat.node_states() {
        let Some(value) = read(state) else {
            continue;
        };
        match newest.get(&*id.node_id) {
            Some((generation, _)) if *generation > id.generation_id => {}
            _ => {
                newest.insert(id.node_id.to_string(), (id.generation_id, value));
            }
        }
    }
    newest.into_iter().map(|(node, (_, v))| (node, v)).collect()
}
