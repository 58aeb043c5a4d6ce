use std::collections::{BTreeMap, BTreeSet};

use crate::membership::Member;

use super::Stability;

/// What one node sees when it resolves: the input of
/// [`SplitBrainResolver::decide`](super::SplitBrainResolver::decide).
///
/// The members are this node's view: a member whose status is
/// [`Unreachable`](crate::membership::MemberStatus::Unreachable) is unreachable *from this
/// node*; `joining`, `up` and `leaving` ones are reachable from it. A member's age is its
/// generation (lower is older); its tags are its roles.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Situation {
    /// This node's name.
    pub me: String,
    /// The members as this node sees them (this node included).
    pub members: Vec<Member>,
    /// The nodes each observer reports unreachable, as gossiped (this node's own report is
    /// its members' statuses). Only the reports of observers this node reaches count.
    pub reports: BTreeMap<String, BTreeSet<String>>,
    /// When reachability last changed, and since when it keeps changing.
    pub stability: Stability,
}

impl Situation {
    /// Node `me` seeing `members`, with the view's `stability`, and no other node's reports.
    pub fn new(
        me: impl Into<String>,
        members: impl IntoIterator<Item = Member>,
        stability: Stability,
    ) -> Self {
        Self {
            me: me.into(),
            members: members.into_iter().collect(),
            reports: BTreeMap::new(),
            stability,
        }
    }

    /// With `observer` reporting `unreachable` nodes unreachable.
    pub fn report<S: Into<String>>(
        mut self,
        observer: impl Into<String>,
        unreachable: impl IntoIterator<Item = S>,
    ) -> Self {
        self.reports
            .entry(observer.into())
            .or_default()
            .extend(unreachable.into_iter().map(Into::into));
        self
    }
}
