use std::fmt;

use serde::{Deserialize, Serialize};

/// What an [`Op`](super::Op) asked a counter for.
///
/// ```
/// use mabeam_core::history::OpKind;
///
/// assert_eq!(OpKind::Increment { by: 3 }.to_string(), "increment 3 of");
/// assert_eq!(OpKind::Read.to_string(), "read of");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub enum OpKind {
    /// Add `by` to the counter; an acknowledgement returns the value after the addition.
    Increment {
        /// The amount added.
        by: u64,
    },
    /// Read the counter's value.
    Read,
}

impl fmt::Display for OpKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            OpKind::Increment { by } => write!(f, "increment {by} of"),
            OpKind::Read => write!(f, "read of"),
        }
    }
}
