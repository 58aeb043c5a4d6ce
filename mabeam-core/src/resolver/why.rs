use std::fmt;
use std::time::Duration;

use serde::Serialize;

/// Why the resolver decided what it did: what the admin endpoint shows next to the
/// [`Decision`](super::Decision). Side sizes count the members the strategy counts (see the
/// [module docs](super)); `here` is this node's side, `there` the unreachable one.
///
/// Exhaustive, like the decision it explains.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "rule", rename_all = "snake_case")]
pub enum Why {
    /// Every member is reachable and no reachable node reports another unreachable.
    AllReachable,
    /// Reachability changed less than `stable_after` ago.
    NotStable {
        /// How long the view has been stable.
        stable_for: Duration,
    },
    /// Down-all-when-unstable: the view kept changing for longer than `stable_after` plus
    /// the margin.
    UnstableTooLong {
        /// How long it has kept changing.
        unstable_for: Duration,
    },
    /// A node this node reaches reports it unreachable: it is indirectly connected, and
    /// downs itself.
    SelfIndirectlyConnected {
        /// The reachable nodes reporting it.
        reported_by: Vec<String>,
    },
    /// Only indirectly connected nodes are unreachable: they are downed, without a strategy.
    OnlyIndirectlyConnected,
    /// Keep-majority: this side has more than half.
    Majority {
        /// This side's size.
        here: usize,
        /// The other side's size.
        there: usize,
    },
    /// Keep-majority: the other side has more than half.
    Minority {
        /// This side's size.
        here: usize,
        /// The other side's size.
        there: usize,
    },
    /// Keep-majority: an exact tie, broken by the side holding the `lowest`-named member.
    Tie {
        /// Each side's size.
        size: usize,
        /// The lowest-named counted member.
        lowest: String,
        /// Whether it is on this side.
        here: bool,
    },
    /// Static quorum: this side has at least `quorum` members.
    QuorumReached {
        /// This side's size.
        here: usize,
        /// The quorum.
        quorum: usize,
    },
    /// Static quorum: this side is below `quorum`, the other side is not.
    QuorumLost {
        /// This side's size.
        here: usize,
        /// The quorum.
        quorum: usize,
    },
    /// Static quorum: both sides are below `quorum`.
    NoQuorum {
        /// This side's size.
        here: usize,
        /// The other side's size.
        there: usize,
        /// The quorum.
        quorum: usize,
    },
    /// Keep-oldest: the `oldest` member is on this side (`here`) or the other.
    Oldest {
        /// The oldest counted member.
        oldest: String,
        /// Whether it is on this side.
        here: bool,
    },
    /// Keep-oldest with down-if-alone: the `oldest` member is alone on its side, which
    /// loses.
    OldestAlone {
        /// The oldest counted member.
        oldest: String,
        /// Whether it is this node.
        here: bool,
    },
    /// The down-all strategy.
    DownAllStrategy,
    /// Lease-majority: which side would have the majority (and so tries first).
    LeaseContest {
        /// This side's size.
        here: usize,
        /// The other side's size.
        there: usize,
        /// Whether this side tries at once.
        favoured: bool,
    },
}

impl fmt::Display for Why {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Self::AllReachable => write!(f, "every member is reachable"),
            Self::NotStable { stable_for } => {
                write!(f, "the view has been stable for only {stable_for:?}")
            }
            Self::UnstableTooLong { unstable_for } => write!(
                f,
                "the view kept changing for {unstable_for:?}: down-all-when-unstable"
            ),
            Self::SelfIndirectlyConnected { reported_by } => write!(
                f,
                "this node is indirectly connected: reported unreachable by {}",
                reported_by.join(", ")
            ),
            Self::OnlyIndirectlyConnected => {
                write!(f, "only indirectly connected nodes are unreachable")
            }
            Self::Majority { here, there } => {
                write!(
                    f,
                    "keep-majority: this side has {here} members, the other {there}"
                )
            }
            Self::Minority { here, there } => write!(
                f,
                "keep-majority: this side has {here} members, the other {there}: minority"
            ),
            Self::Tie { size, lowest, here } => write!(
                f,
                "keep-majority: a tie at {size} members, the lowest node {lowest} is on {} side",
                side(*here)
            ),
            Self::QuorumReached { here, quorum } => {
                write!(
                    f,
                    "static-quorum: this side has {here} members, quorum {quorum}"
                )
            }
            Self::QuorumLost { here, quorum } => write!(
                f,
                "static-quorum: this side has {here} members, below quorum {quorum}"
            ),
            Self::NoQuorum {
                here,
                there,
                quorum,
            } => write!(
                f,
                "static-quorum: both sides ({here} and {there} members) are below quorum {quorum}"
            ),
            Self::Oldest { oldest, here } => write!(
                f,
                "keep-oldest: the oldest node {oldest} is on {} side",
                side(*here)
            ),
            Self::OldestAlone { oldest, here } => write!(
                f,
                "keep-oldest: the oldest node {oldest} is alone on {} side",
                side(*here)
            ),
            Self::DownAllStrategy => write!(f, "down-all: every side downs itself"),
            Self::LeaseContest {
                here,
                there,
                favoured,
            } => write!(
                f,
                "lease-majority: this side has {here} members, the other {there}; {}",
                if *favoured {
                    "tries for the lease at once"
                } else {
                    "tries for the lease after the minority delay"
                }
            ),
        }
    }
}

fn side(here: bool) -> &'static str {
    if here {
        "this"
    } else {
        "the other"
    }
}
