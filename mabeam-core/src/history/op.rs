use std::fmt;

use serde::{Deserialize, Serialize};

use crate::AgentId;

use super::{OpKind, Outcome};

/// An operation's position in its [`History`](super::History), in invocation order.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct OpId(pub usize);

impl fmt::Display for OpId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "#{}", self.0)
    }
}

/// One operation a workload client did against a counter, as recorded.
///
/// `invoke` and `complete` are ticks of the [`Recorder`](super::Recorder)'s logical clock: if
/// `a.complete < b.invoke`, `a` returned before `b` was sent (real-time order); otherwise the
/// two were concurrent.
///
/// ```
/// use mabeam_core::history::{OpKind, Outcome, Recorder};
///
/// let recorder = Recorder::new();
/// let op = recorder.invoke(1, "counter-1", "n1", OpKind::Increment { by: 2 });
/// recorder.complete(op, Outcome::ok(2));
/// let history = recorder.history();
/// let op = &history.ops()[0];
/// assert!(op.invoke < op.complete);
/// assert_eq!(op.observed(), Some(2));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Op {
    /// Its position in the history.
    pub id: OpId,
    /// The workload client (process) that did it.
    pub client: u64,
    /// The counter (agent) it targets.
    pub counter: AgentId,
    /// The node the request went through.
    pub node: String,
    /// What it asked for.
    pub kind: OpKind,
    /// The clock tick at which it was sent.
    pub invoke: u64,
    /// The clock tick at which its outcome came back.
    pub complete: u64,
    /// What came back.
    pub outcome: Outcome,
}

impl Op {
    /// The counter value this operation observed: the value after an acknowledged increment,
    /// or the value an acknowledged read returned; `None` unless the outcome is `Ok`.
    pub fn observed(&self) -> Option<u64> {
        match self.outcome {
            Outcome::Ok { value, .. } => Some(value),
            Outcome::Failed | Outcome::Unknown => None,
        }
    }

    /// The amount of an increment, `None` for a read.
    pub fn increment(&self) -> Option<u64> {
        match self.kind {
            OpKind::Increment { by } => Some(by),
            OpKind::Read => None,
        }
    }

    /// Whether this operation returned before `other` was sent.
    pub fn precedes(&self, other: &Op) -> bool {
        self.complete < other.invoke
    }
}

impl fmt::Display for Op {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{} client {} {} {} via {} [{}, {}] {}",
            self.id,
            self.client,
            self.kind,
            self.counter.as_str(),
            self.node,
            self.invoke,
            self.complete,
            self.outcome
        )
    }
}
