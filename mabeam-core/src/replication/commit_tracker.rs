use std::collections::BTreeMap;

use super::{AckRule, Version};

/// The owner's count of which of its writes are acknowledged.
///
/// A copy applies writes in order (a snapshot replaces, a delta follows the one before), so a
/// copy that holds write `n` holds every write before it and reports only its newest. The
/// acknowledged point is then the [`write_quorum`](AckRule::write_quorum)-th newest version
/// among the copies, the owner's own included: every write up to it is held by enough copies
/// that a new owner reading a [`read_quorum`](AckRule::read_quorum) finds it. A caller is
/// answered once its write is at or below that point.
///
/// The quorum is taken from the configured replication factor `k`, not from how many nodes
/// are up: on a cluster with fewer nodes than the quorum, no write is acknowledged (the caller
/// times out) rather than one being acknowledged by too few copies.
///
/// ```
/// use mabeam_core::replication::{AckRule, CommitTracker, Version};
///
/// // k = 3 (the owner and two replicas), majority: 2 copies.
/// let mut owner = CommitTracker::new(AckRule::Majority, 3, Version::new(1, 0), ["b", "c"]);
/// let first = owner.write();
/// let second = owner.write();
/// assert!(!owner.is_acknowledged(first));
/// // `c` holds the second write, hence the first too: both are acknowledged at once.
/// assert_eq!(owner.acked("c", second), Some(second));
/// assert!(owner.is_acknowledged(first) && owner.is_acknowledged(second));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CommitTracker {
    quorum: usize,
    /// The term this owner writes in (acks of other terms are not for it).
    term: u64,
    /// The owner's newest write.
    written: Version,
    /// Each replica's newest acknowledged copy in this term (`None`: none yet).
    replicas: BTreeMap<String, Option<Version>>,
    acknowledged: Version,
}

impl CommitTracker {
    /// The tracker of an owner that starts its term at `start` (the version it activated
    /// from, [`Version::next_term`]) with `replicas`, acknowledging by `rule` over `k` copies.
    pub fn new(
        rule: AckRule,
        k: usize,
        start: Version,
        replicas: impl IntoIterator<Item = impl Into<String>>,
    ) -> Self {
        Self {
            quorum: rule.write_quorum(k),
            term: start.epoch,
            written: start,
            replicas: replicas.into_iter().map(|r| (r.into(), None)).collect(),
            acknowledged: start,
        }
    }

    /// Records the owner's next write and returns its version (to send to the replicas).
    pub fn write(&mut self) -> Version {
        self.written = self.written.next();
        self.recompute();
        self.written
    }

    /// The owner's newest write.
    pub fn written(&self) -> Version {
        self.written
    }

    /// Records that `replica` holds `version` (and so every write before it); returns the new
    /// acknowledged point when it moved. Acks from a node that is not a replica, of another
    /// term, or of a version not written yet are ignored.
    pub fn acked(&mut self, replica: &str, version: Version) -> Option<Version> {
        if version.epoch != self.term || version > self.written {
            return None;
        }
        let held = self.replicas.get_mut(replica)?;
        if held.is_some_and(|h| h >= version) {
            return None;
        }
        *held = Some(version);
        let before = self.acknowledged;
        self.recompute();
        (self.acknowledged > before).then_some(self.acknowledged)
    }

    /// Replaces the replica set (after a membership change): a replica that stays keeps what
    /// it acknowledged; a new one starts with nothing (it needs the full state first).
    pub fn set_replicas(&mut self, replicas: impl IntoIterator<Item = impl Into<String>>) {
        let mut next = BTreeMap::new();
        for replica in replicas {
            let replica = replica.into();
            let held = self.replicas.get(&replica).copied().flatten();
            next.insert(replica, held);
        }
        self.replicas = next;
    }

    /// The newest write every write up to which is acknowledged.
    pub fn acknowledged(&self) -> Version {
        self.acknowledged
    }

    /// Whether `version` (a write of this owner) is acknowledged.
    pub fn is_acknowledged(&self, version: Version) -> bool {
        version <= self.acknowledged
    }

    fn recompute(&mut self) {
        let mut held: Vec<Version> = self.replicas.values().flatten().copied().collect();
        held.push(self.written);
        held.sort_unstable_by(|a, b| b.cmp(a));
        // Never moves back: a replica set change may drop a replica that counted.
        if let Some(&point) = held.get(self.quorum - 1) {
            self.acknowledged = self.acknowledged.max(point);
        }
    }
}
