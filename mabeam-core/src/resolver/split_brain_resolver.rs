use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use crate::membership::{Member, MemberStatus};

use super::{Decision, Situation, Strategy, Verdict, Why};

/// How long reachability must stay unchanged before the resolver acts (Akka's default).
pub const DEFAULT_STABLE_AFTER: Duration = Duration::from_secs(20);

/// The least derived down-all-when-unstable margin (Akka's).
const MIN_UNSTABLE_MARGIN: Duration = Duration::from_secs(4);

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum UnstableMargin {
    /// Three quarters of `stable_after`, at least [`MIN_UNSTABLE_MARGIN`].
    Derived,
    Off,
    After(Duration),
}

/// One node's split-brain resolver: a strategy and its timing, deciding from a
/// [`Situation`] which members to down. See the [module docs](super) for the rules.
///
/// ```
/// use std::time::Duration;
/// use mabeam_core::resolver::{SplitBrainResolver, Strategy};
///
/// let resolver = SplitBrainResolver::new(Strategy::KeepMajority)
///     .stable_after(Duration::from_secs(10));
/// assert_eq!(resolver.unstable_margin(), Some(Duration::from_millis(7_500)));
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SplitBrainResolver {
    strategy: Strategy,
    stable_after: Duration,
    unstable: UnstableMargin,
    role: Option<String>,
}

impl Default for SplitBrainResolver {
    fn default() -> Self {
        Self::new(Strategy::default())
    }
}

/// Which way the strategy went for this side.
enum Outcome {
    Survive,
    Lose,
    DownAll,
    Lease { favoured: bool },
}

impl SplitBrainResolver {
    /// A resolver with `strategy`, [`DEFAULT_STABLE_AFTER`], down-all-when-unstable on
    /// (derived margin) and no role.
    ///
    /// # Panics
    ///
    /// If `strategy` is a [`Strategy::StaticQuorum`] of size 0.
    #[track_caller]
    pub fn new(strategy: Strategy) -> Self {
        if let Strategy::StaticQuorum { size } = strategy {
            assert!(size > 0, "a static quorum must be at least 1");
        }
        Self {
            strategy,
            stable_after: DEFAULT_STABLE_AFTER,
            unstable: UnstableMargin::Derived,
            role: None,
        }
    }

    /// With reachability required to stay unchanged for `stable_after` before acting.
    pub fn stable_after(mut self, stable_after: Duration) -> Self {
        self.stable_after = stable_after;
        self
    }

    /// With down-all-when-unstable after `stable_after` plus `margin` of changes, or off
    /// (`None`). By default the margin is three quarters of `stable_after`, at least 4 s.
    pub fn down_all_when_unstable(mut self, margin: Option<Duration>) -> Self {
        self.unstable = margin.map_or(UnstableMargin::Off, UnstableMargin::After);
        self
    }

    /// With only the members tagged `role` counted by the strategy (all members are still
    /// downed with their side). If no member has the role, every member is counted.
    pub fn role(mut self, role: impl Into<String>) -> Self {
        self.role = Some(role.into());
        self
    }

    /// The strategy.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// The down-all-when-unstable margin, if it is on.
    pub fn unstable_margin(&self) -> Option<Duration> {
        match self.unstable {
            UnstableMargin::Derived => Some((self.stable_after * 3 / 4).max(MIN_UNSTABLE_MARGIN)),
            UnstableMargin::Off => None,
            UnstableMargin::After(margin) => Some(margin),
        }
    }

    /// Decides what this node does about the unreachable members at `now`.
    pub fn decide(&self, situation: &Situation, now: Instant) -> Verdict {
        let me = situation.me.as_str();
        let live: BTreeMap<&str, &Member> = situation
            .members
            .iter()
            .filter(|m| !m.status.is_final())
            .map(|m| (m.node.as_str(), m))
            .collect();
        let reaches =
            |node: &str| node == me || live.get(node).is_some_and(|m| m.status.is_reachable());
        let unreachable: BTreeSet<&str> = live
            .values()
            .filter(|m| m.node != me && m.status == MemberStatus::Unreachable)
            .map(|m| m.node.as_str())
            .collect();

        // Indirectly connected: reachable from here, reported unreachable by another node
        // this node reaches.
        let mut reporters: BTreeMap<&str, Vec<String>> = BTreeMap::new();
        for (observer, subjects) in &situation.reports {
            if observer == me || !reaches(observer) {
                continue;
            }
            for subject in subjects {
                let known = subject == me || live.contains_key(subject.as_str());
                if subject != observer && known && reaches(subject) {
                    reporters
                        .entry(subject.as_str())
                        .or_default()
                        .push(observer.clone());
                }
            }
        }
        let indirect: BTreeSet<&str> = reporters.keys().copied().collect();

        if unreachable.is_empty() && indirect.is_empty() {
            return Verdict::new(Decision::Nothing, Why::AllReachable);
        }
        let with_indirect = |decision, why| Verdict {
            decision,
            why,
            indirectly_connected: names(&indirect),
        };

        let here: BTreeSet<&str> = live
            .keys()
            .copied()
            .chain([me])
            .filter(|node| reaches(node) && !indirect.contains(node))
            .collect();

        let stability = situation.stability;
        let stable_at = stability.last_change() + self.stable_after;
        if now < stable_at {
            let mut until = stable_at;
            if let (Some(margin), Some(since)) =
                (self.unstable_margin(), stability.unstable_since())
            {
                let deadline = since + self.stable_after + margin;
                if now >= deadline {
                    let all = names(here.iter().chain(&union(&unreachable, &indirect)));
                    return with_indirect(
                        Decision::DownAll(all),
                        Why::UnstableTooLong {
                            unstable_for: now.saturating_duration_since(since),
                        },
                    );
                }
                until = until.min(deadline);
            }
            return with_indirect(
                Decision::Wait { until },
                Why::NotStable {
                    stable_for: now.saturating_duration_since(stability.last_change()),
                },
            );
        }

        if let Some(reported_by) = reporters.get(me) {
            return with_indirect(
                Decision::DownSelf(names(&indirect)),
                Why::SelfIndirectlyConnected {
                    reported_by: reported_by.clone(),
                },
            );
        }
        if unreachable.is_empty() {
            return with_indirect(
                Decision::DownUnreachable(names(&indirect)),
                Why::OnlyIndirectlyConnected,
            );
        }

        let (here_c, there_c) = self.counted(&live, &here, &unreachable);
        let (outcome, why) = match self.strategy {
            Strategy::KeepMajority => majority(&here_c, &there_c),
            Strategy::StaticQuorum { size } => quorum(size, here_c.len(), there_c.len()),
            Strategy::KeepOldest { down_if_alone } => oldest(down_if_alone, &here_c, &there_c),
            Strategy::DownAll => (Outcome::DownAll, Why::DownAllStrategy),
            Strategy::LeaseMajority { .. } => {
                let (majority, _) = majority(&here_c, &there_c);
                let favoured = matches!(majority, Outcome::Survive);
                (
                    Outcome::Lease { favoured },
                    Why::LeaseContest {
                        here: here_c.len(),
                        there: there_c.len(),
                        favoured,
                    },
                )
            }
        };
        let others = union(&unreachable, &indirect);
        let decision = match outcome {
            Outcome::Survive => Decision::DownUnreachable(names(&others)),
            Outcome::Lose => Decision::DownSelf(names(here.iter().chain(&indirect))),
            Outcome::DownAll => Decision::DownAll(names(here.iter().chain(&others))),
            Outcome::Lease { favoured } => {
                let delay = match self.strategy {
                    Strategy::LeaseMajority {
                        acquire_delay_for_minority,
                    } if !favoured => acquire_delay_for_minority,
                    _ => Duration::ZERO,
                };
                Decision::AcquireLease {
                    not_before: now + delay,
                    then_down: names(&others),
                }
            }
        };
        with_indirect(decision, why)
    }

    /// The members the strategy counts on each side: `up`, `leaving` and `unreachable`
    /// ones with the role; without the role if none has it; every live one if none is
    /// counted.
    fn counted<'a>(
        &self,
        live: &BTreeMap<&str, &'a Member>,
        here: &BTreeSet<&str>,
        there: &BTreeSet<&str>,
    ) -> (Vec<&'a Member>, Vec<&'a Member>) {
        let side = |nodes: &BTreeSet<&str>, keep: &dyn Fn(&Member) -> bool| -> Vec<&'a Member> {
            nodes
                .iter()
                .filter_map(|n| live.get(n).copied())
                .filter(|m| keep(m))
                .collect()
        };
        let counts = |m: &Member| {
            matches!(
                m.status,
                MemberStatus::Up | MemberStatus::Leaving | MemberStatus::Unreachable
            )
        };
        let filters: [&dyn Fn(&Member) -> bool; 3] = [
            &|m| counts(m) && self.role.as_ref().is_none_or(|r| m.tags.contains(r)),
            &counts,
            &|_| true,
        ];
        for keep in filters {
            let sides = (side(here, keep), side(there, keep));
            if !sides.0.is_empty() || !sides.1.is_empty() {
                return sides;
            }
        }
        (Vec::new(), Vec::new())
    }
}

fn union<'a>(a: &BTreeSet<&'a str>, b: &BTreeSet<&'a str>) -> BTreeSet<&'a str> {
    a.union(b).copied().collect()
}

fn names<'a>(nodes: impl IntoIterator<Item = &'a &'a str>) -> Vec<String> {
    let set: BTreeSet<&str> = nodes.into_iter().copied().collect();
    set.into_iter().map(String::from).collect()
}

fn majority(here: &[&Member], there: &[&Member]) -> (Outcome, Why) {
    let (h, t) = (here.len(), there.len());
    if h > t {
        return (Outcome::Survive, Why::Majority { here: h, there: t });
    }
    if h < t {
        return (Outcome::Lose, Why::Minority { here: h, there: t });
    }
    let (lh, lt) = (lowest(here), lowest(there));
    let is_here = match (lh, lt) {
        (Some(lh), Some(lt)) => lh < lt,
        (Some(_), None) => true,
        (None, _) => false,
    };
    let lowest = if is_here { lh } else { lt }.unwrap_or_default().to_owned();
    let why = Why::Tie {
        size: h,
        lowest,
        here: is_here,
    };
    let outcome = if is_here {
        Outcome::Survive
    } else {
        Outcome::Lose
    };
    (outcome, why)
}

/// The lowest node name on a side.
fn lowest<'a>(side: &[&'a Member]) -> Option<&'a str> {
    side.iter().map(|m| m.node.as_str()).min()
}

/// A member's age for keep-oldest: its generation, then its name.
fn age(m: &Member) -> (u64, &str) {
    (m.generation, m.node.as_str())
}

fn quorum(size: usize, here: usize, there: usize) -> (Outcome, Why) {
    if here >= size {
        (Outcome::Survive, Why::QuorumReached { here, quorum: size })
    } else if there >= size {
        (Outcome::Lose, Why::QuorumLost { here, quorum: size })
    } else {
        (
            Outcome::DownAll,
            Why::NoQuorum {
                here,
                there,
                quorum: size,
            },
        )
    }
}

fn oldest(down_if_alone: bool, here: &[&Member], there: &[&Member]) -> (Outcome, Why) {
    let oldest_here = here.iter().copied().min_by_key(|m| age(m));
    let oldest_there = there.iter().copied().min_by_key(|m| age(m));
    let (oldest, is_here) = match (oldest_here, oldest_there) {
        (Some(h), Some(t)) if age(h) < age(t) => (h, true),
        (Some(h), None) => (h, true),
        (_, Some(t)) => (t, false),
        (None, None) => return (Outcome::Lose, Why::Minority { here: 0, there: 0 }),
    };
    let oldest_name = oldest.node.clone();
    let (own, other) = if is_here {
        (here.len(), there.len())
    } else {
        (there.len(), here.len())
    };
    if down_if_alone && own == 1 && other > 0 {
        let outcome = if is_here {
            Outcome::Lose
        } else {
            Outcome::Survive
        };
        return (
            outcome,
            Why::OldestAlone {
                oldest: oldest_name,
                here: is_here,
            },
        );
    }
    let outcome = if is_here {
        Outcome::Survive
    } else {
        Outcome::Lose
    };
    (
        outcome,
        Why::Oldest {
            oldest: oldest_name,
            here: is_here,
        },
    )
}

#[cfg(test)]
mod tests;
