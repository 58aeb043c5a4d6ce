use std::fmt;

use serde::{Deserialize, Serialize};

use super::ServedBy;

/// How an [`Op`](super::Op) ended, as the client saw it.
///
/// ```
/// use mabeam_core::history::{Outcome, ServedBy};
///
/// assert_eq!(Outcome::ok(5), Outcome::Ok { value: 5, served_by: None });
/// let served = Outcome::ok_from(5, ServedBy::new("n3", 2));
/// assert_eq!(served.to_string(), "ok 5 from n3@2");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum Outcome {
    /// Acknowledged: the counter's value after the increment, or the value read.
    Ok {
        /// The value the agent returned.
        value: u64,
        /// The copy that served it, when the agent says.
        served_by: Option<ServedBy>,
    },
    /// Definitely not applied ("never sent").
    Failed,
    /// Timed out or otherwise unknown: may or may not have been applied, even later.
    Unknown,
}

impl Outcome {
    /// Acknowledged with `value`, without saying which copy served it.
    pub fn ok(value: u64) -> Self {
        Outcome::Ok {
            value,
            served_by: None,
        }
    }

    /// Acknowledged with `value` by the copy `served_by`.
    pub fn ok_from(value: u64, served_by: ServedBy) -> Self {
        Outcome::Ok {
            value,
            served_by: Some(served_by),
        }
    }
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Outcome::Ok {
                value,
                served_by: None,
            } => write!(f, "ok {value}"),
            Outcome::Ok {
                value,
                served_by: Some(copy),
            } => write!(f, "ok {value} from {copy}"),
            Outcome::Failed => write!(f, "failed"),
            Outcome::Unknown => write!(f, "unknown"),
        }
    }
}
