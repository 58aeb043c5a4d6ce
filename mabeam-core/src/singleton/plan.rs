use std::collections::BTreeMap;

use super::Effect;

/// The output of [`Planner::plan`](super::Planner::plan).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Plan {
    /// What to do now, in order: stops and releases first, then claims and starts.
    pub effects: Vec<Effect>,
    /// Where a call to each managed name goes: the node holding a singleton's claim (or,
    /// while none does, its owner); for a one-per-node agent this node when it hosts the
    /// type, else the owner of its key among the nodes that do. Names with nowhere to go are
    /// absent.
    pub routes: BTreeMap<String, String>,
}
