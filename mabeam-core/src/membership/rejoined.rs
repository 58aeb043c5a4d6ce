use serde::{Deserialize, Serialize};

use super::Incarnation;

/// The payload of `cluster.self.rejoined`: the cluster declared this node's incarnation down
/// (it was frozen, cut off or too slow), so the node rejoined as a new one. Whatever the old
/// incarnation hosted may have been failed over elsewhere meanwhile.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Rejoined {
    /// The incarnation the cluster gave up on.
    pub previous: Incarnation,
    /// The new one.
    pub current: Incarnation,
}
