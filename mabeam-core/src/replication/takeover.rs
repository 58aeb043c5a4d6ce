use std::collections::BTreeMap;

use super::{AckRule, Version};

/// What a would-be owner does next.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum TakeoverStep {
    /// Fewer copies took the term than needed: wait for more answers.
    Wait {
        /// Copies that took the term, the would-be owner's own included.
        have: usize,
        /// Copies needed.
        need: usize,
    },
    /// A copy had already taken this term or a newer one: start again with `term`.
    Retry {
        /// The term to announce next.
        term: u64,
    },
    /// Activate from the copy held by `from` (the newest), writing under `term`.
    Restore {
        /// The node holding the newest copy (possibly the new owner itself).
        from: String,
        /// Its version.
        version: Version,
        /// Where the new owner's writes start.
        term: Version,
    },
    /// No copy holds any state: activate fresh, writing under `term`.
    Fresh {
        /// Where the new owner's writes start.
        term: Version,
    },
}

/// A node becoming an agent's owner — on its first activation, after the owner was declared
/// down, or on a hand-over — under a new term (Paxos's prepare phase).
///
/// It announces the term to the agent's copies ([`ReplicaSlot::promise`](super::ReplicaSlot::promise)),
/// its own included. Once enough copies took it — a majority, and at least a
/// [`read_quorum`](AckRule::read_quorum) — it restores the newest copy among them, which holds
/// every acknowledged write, and writes under the term. A copy that had taken a newer or equal
/// term makes it start again with a newer one. Because any two majorities share a copy, two
/// owners never hold one term, and a former owner's later writes are refused by enough copies
/// that none is acknowledged.
///
/// ```
/// use mabeam_core::replication::{AckRule, Takeover, TakeoverStep, Version};
///
/// // k = 3, majority: the new owner `b` and one more copy must take term 2.
/// let mut takeover = Takeover::new(AckRule::Majority, 3, 2);
/// takeover.promised("b", Some(Version::new(1, 6)));
/// assert!(matches!(takeover.step(), TakeoverStep::Wait { have: 1, need: 2 }));
/// takeover.promised("c", Some(Version::new(1, 7)));
/// assert_eq!(
///     takeover.step(),
///     TakeoverStep::Restore {
///         from: "c".into(),
///         version: Version::new(1, 7),
///         term: Version::new(2, 0),
///     }
/// );
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Takeover {
    term: u64,
    need: usize,
    /// The copies that took the term, and what each holds.
    took: BTreeMap<String, Option<Version>>,
    /// The newest term a copy had taken before, when it refused this one.
    outbid: Option<u64>,
}

impl Takeover {
    /// A takeover announcing term `term` to the `k` copies of an agent replicated by `rule`.
    pub fn new(rule: AckRule, k: usize, term: u64) -> Self {
        let majority = AckRule::Majority.write_quorum(k);
        Self {
            term,
            need: rule.read_quorum(k).max(majority),
            took: BTreeMap::new(),
            outbid: None,
        }
    }

    /// How many copies must take the term: a majority of `k`, and at least the read quorum.
    /// With `k = 2` that is both copies, so an agent cannot be taken over without its owner:
    /// choose an odd `k` of 3 or more.
    pub fn need(&self) -> usize {
        self.need
    }

    /// The term announced.
    pub fn term(&self) -> u64 {
        self.term
    }

    /// `node`'s copy took the term; it holds `held` (`None`: no state).
    pub fn promised(&mut self, node: impl Into<String>, held: Option<Version>) {
        self.took.insert(node.into(), held);
    }

    /// `node`'s copy refused the term: it had taken `promised`, newer or equal.
    pub fn outbid(&mut self, promised: u64) {
        self.outbid = Some(self.outbid.map_or(promised, |o| o.max(promised)));
    }

    /// What to do now.
    pub fn step(&self) -> TakeoverStep {
        if let Some(promised) = self.outbid {
            return TakeoverStep::Retry {
                term: promised.max(self.term) + 1,
            };
        }
        if self.took.len() < self.need {
            return TakeoverStep::Wait {
                have: self.took.len(),
                need: self.need,
            };
        }
        let term = Version::new(self.term, 0);
        match newest(self.took.iter().map(|(n, v)| (n.as_str(), *v))) {
            Some((from, version)) => TakeoverStep::Restore {
                from: from.to_owned(),
                version,
                term,
            },
            None => TakeoverStep::Fresh { term },
        }
    }
}

/// The newest of some copies, by node (`None`: that node holds no copy); on equal versions
/// the lowest node name, so every node picks the same one. Also what a healed cluster keeps
/// when two sides hold copies of one agent: the newest, the others replaced by it.
///
/// ```
/// use mabeam_core::replication::{newest, Version};
///
/// let copies = [("a", Some(Version::new(2, 1))), ("b", None), ("c", Some(Version::new(3, 0)))];
/// assert_eq!(newest(copies), Some(("c", Version::new(3, 0))));
/// assert_eq!(newest([("a", None)]), None);
/// ```
pub fn newest<'a>(
    copies: impl IntoIterator<Item = (&'a str, Option<Version>)>,
) -> Option<(&'a str, Version)> {
    copies
        .into_iter()
        .filter_map(|(node, held)| Some((node, held?)))
        .fold(
            None,
            |best: Option<(&str, Version)>, (node, version)| match best {
                Some((best_node, best_version))
                    if best_version > version || (best_version == version && best_node <= node) =>
                {
                    Some((best_node, best_version))
                }
                _ => Some((node, version)),
            },
        )
}
