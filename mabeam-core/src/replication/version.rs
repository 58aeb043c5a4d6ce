use std::fmt;

use serde::{Deserialize, Serialize};

/// Where a copy of an agent's state stands: the owner term it was written in (`epoch`) and
/// its place in that term's writes (`seq`). Ordered by epoch, then sequence: a copy of a later
/// term is newer than any copy of an earlier one, whatever their sequences.
///
/// ```
/// use mabeam_core::replication::Version;
///
/// assert!(Version::new(2, 0) > Version::new(1, 900));
/// assert!(Version::new(2, 5) > Version::new(2, 4));
/// assert_eq!(Version::new(1, 3).next(), Version::new(1, 4));
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Version {
    /// The owner term: it grows every time the agent starts on an owner (activation after a
    /// failover, a hand-over), so a paused former owner writes under an older one.
    pub epoch: u64,
    /// The write's number within its term, from 1 (0: the state the term started from).
    pub seq: u64,
}

impl Version {
    /// The version `epoch`, `seq`.
    pub const fn new(epoch: u64, seq: u64) -> Self {
        Self { epoch, seq }
    }

    /// The next write in the same term.
    pub const fn next(self) -> Self {
        Self {
            epoch: self.epoch,
            seq: self.seq + 1,
        }
    }

    /// The start of the term after the newest of `seen` (epoch 1 when nothing was seen): what
    /// an owner activating the agent writes under, so that no earlier owner can overwrite it.
    ///
    /// ```
    /// use mabeam_core::replication::Version;
    ///
    /// let seen = [Version::new(3, 10), Version::new(4, 2), Version::new(4, 1)];
    /// assert_eq!(Version::next_term(seen), Version::new(5, 0));
    /// assert_eq!(Version::next_term([]), Version::new(1, 0));
    /// ```
    pub fn next_term(seen: impl IntoIterator<Item = Version>) -> Self {
        let newest = seen.into_iter().map(|v| v.epoch).max().unwrap_or(0);
        Self {
            epoch: newest + 1,
            seq: 0,
        }
    }
}

impl fmt::Display for Version {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}.{}", self.epoch, self.seq)
    }
}
