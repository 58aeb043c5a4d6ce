use std::time::Instant;

/// What this node must do about the unreachable members, as decided by
/// [`SplitBrainResolver::decide`](super::SplitBrainResolver::decide). Node lists are sorted.
///
/// Exhaustive on purpose: a new decision cannot fall into a `_ =>` arm where decisions are
/// carried out.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision {
    /// Nothing is unreachable: nothing to do.
    Nothing,
    /// The view is not stable yet: decide again at `until` (or at the next change).
    Wait {
        /// When the view will have been stable for `stable_after` (or, sooner, when
        /// down-all-when-unstable would fire).
        until: Instant,
    },
    /// This side survives: down these nodes (the other side and any indirectly connected
    /// nodes; never this node).
    DownUnreachable(Vec<String>),
    /// This side loses: fence (stop local agents, stop serving) and down these nodes — this
    /// side, this node included, and any indirectly connected nodes.
    DownSelf(Vec<String>),
    /// No side survives: fence and down every member (this node included).
    DownAll(Vec<String>),
    /// Try to acquire the lease no sooner than `not_before`: if it is acquired, down
    /// `then_down` (this side survives); if it is denied, this side loses, as with
    /// [`DownSelf`](Self::DownSelf).
    AcquireLease {
        /// When to try (now on the side that would have the majority, later on the other).
        not_before: Instant,
        /// What to down once the lease is held.
        then_down: Vec<String>,
    },
}

impl Decision {
    /// Whether this node stays up after carrying out the decision (`AcquireLease`: only
    /// if it gets the lease, so `false` here).
    ///
    /// ```
    /// use mabeam_core::resolver::Decision;
    ///
    /// assert!(Decision::DownUnreachable(vec!["c".into()]).survives());
    /// assert!(!Decision::DownSelf(vec!["a".into()]).survives());
    /// ```
    pub fn survives(&self) -> bool {
        match self {
            Self::Nothing | Self::Wait { .. } | Self::DownUnreachable(_) => true,
            Self::DownSelf(_) | Self::DownAll(_) | Self::AcquireLease { .. } => false,
        }
    }

    /// The nodes to down now (none for `Nothing`, `Wait` and `AcquireLease`).
    pub fn to_down(&self) -> &[String] {
        match self {
            Self::DownUnreachable(nodes) | Self::DownSelf(nodes) | Self::DownAll(nodes) => nodes,
            Self::Nothing | Self::Wait { .. } | Self::AcquireLease { .. } => &[],
        }
    }
}
