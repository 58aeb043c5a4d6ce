use std::fmt;

use xxhash_rust::xxh3::xxh3_64;

/// What placement hashes: an agent's type and id (two agents of different types may share an
/// id). Hashed once; scoring it against each node is then one more hash per node.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct PlacementKey {
    hash: u64,
}

impl PlacementKey {
    /// The key of agent `id` of type `agent_type`.
    pub fn new(agent_type: &str, id: &str) -> Self {
        let mut bytes = Vec::with_capacity(agent_type.len() + id.len() + 1);
        bytes.extend_from_slice(agent_type.as_bytes());
        // A separator no type name contains, so ("ab", "c") and ("a", "bc") differ.
        bytes.push(0);
        bytes.extend_from_slice(id.as_bytes());
        Self {
            hash: xxh3_64(&bytes),
        }
    }

    pub(super) fn hash(&self) -> u64 {
        self.hash
    }
}

impl fmt::Display for PlacementKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.hash)
    }
}
