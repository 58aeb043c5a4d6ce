use serde::{Deserialize, Serialize};

/// When a write counts as acknowledged, among the `k` copies of an agent's state (the owner's
/// and its replicas'): a majority of them (the default) or all of them.
///
/// With `w` copies needed to acknowledge a write, a new owner that reads
/// [`read_quorum`](Self::read_quorum) copies (`k - w + 1`) always reaches one that holds every
/// acknowledged write: any `w` copies and any `k - w + 1` copies share at least one.
///
/// ```
/// use mabeam_core::replication::AckRule;
///
/// assert_eq!(AckRule::Majority.write_quorum(3), 2);
/// assert_eq!(AckRule::Majority.read_quorum(3), 2);
/// assert_eq!(AckRule::All.write_quorum(3), 3);
/// assert_eq!(AckRule::All.read_quorum(3), 1);
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub enum AckRule {
    /// More than half of the copies hold the write.
    #[default]
    Majority,
    /// Every copy holds the write.
    All,
}

impl AckRule {
    /// How many of `k` copies (at least 1) must hold a write before it is acknowledged; the
    /// owner's own copy counts.
    pub fn write_quorum(self, k: usize) -> usize {
        let k = k.max(1);
        match self {
            Self::Majority => k / 2 + 1,
            Self::All => k,
        }
    }

    /// How many of `k` copies a new owner must read to be sure to see every acknowledged
    /// write: `k - write_quorum + 1`.
    pub fn read_quorum(self, k: usize) -> usize {
        let k = k.max(1);
        k - self.write_quorum(k) + 1
    }
}
