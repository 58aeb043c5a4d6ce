use std::fmt;

use serde::{Deserialize, Serialize};

/// Which copy of a counter served an operation: the node it ran on and its epoch
/// (incarnation). Two copies are the same copy exactly when both fields are equal.
///
/// ```
/// use mabeam_core::history::ServedBy;
///
/// let before = ServedBy::new("n2", 1);
/// let after_failover = ServedBy::new("n4", 2);
/// assert_ne!(before, after_failover);
/// assert_eq!(before.to_string(), "n2@1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct ServedBy {
    /// The node the serving copy ran on.
    pub node: String,
    /// The copy's epoch or incarnation.
    pub epoch: u64,
}

impl ServedBy {
    /// The copy on `node` at `epoch`.
    pub fn new(node: impl Into<String>, epoch: u64) -> Self {
        Self {
            node: node.into(),
            epoch,
        }
    }
}

impl fmt::Display for ServedBy {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.node, self.epoch)
    }
}
