use super::{Decision, Why};

/// The output of [`SplitBrainResolver::decide`](super::SplitBrainResolver::decide): what to
/// do, and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Verdict {
    /// What to do.
    pub decision: Decision,
    /// Why, for the admin endpoint and the log.
    pub why: Why,
    /// The indirectly connected nodes found (reachable from this node, reported
    /// unreachable by another node it reaches), sorted; they are downed whatever the
    /// strategy decides for the rest.
    pub indirectly_connected: Vec<String>,
}

impl Verdict {
    pub(crate) fn new(decision: Decision, why: Why) -> Self {
        Self {
            decision,
            why,
            indirectly_connected: Vec::new(),
        }
    }
}
