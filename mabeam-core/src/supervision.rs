//! The OTP restart rules as a pure state machine.
//!
//! A supervisor feeds [`RestartPlanner::on_exit`] each child exit together with its children
//! (in start order) and the current time; the planner answers with a [`Decision`]: forget the
//! child, restart a set of children after a delay, or escalate because the restart intensity
//! was exceeded. The actor in `mabeam-actors` carries the decision out.
//!
//! ```
//! use std::time::{Duration, Instant};
//! use mabeam_core::supervision::*;
//!
//! let mut planner = RestartPlanner::new(
//!     Strategy::RestForOne,
//!     Intensity::new(3, Duration::from_secs(5)),
//!     Backoff::none(),
//! );
//! let children = [
//!     Child::new("a", Restart::Permanent),
//!     Child::new("b", Restart::Permanent),
//!     Child::new("c", Restart::Temporary),
//! ];
//! let now = Instant::now();
//! assert_eq!(
//!     planner.on_exit(&children, &"b", Exit::Failed, now),
//!     Decision::Restart { stop: vec!["c"], remove: vec!["c"], start: vec!["b"], delay: Duration::ZERO },
//! );
//! ```

use std::collections::{HashMap, VecDeque};
use std::hash::Hash;
use std::time::{Duration, Instant};

/// Which children a supervisor restarts when one of them must be restarted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// Only the child that exited.
    #[default]
    OneForOne,
    /// Every child: the others are stopped (in reverse start order) and all start again.
    OneForAll,
    /// The child that exited and every child started after it.
    RestForOne,
}

/// When a child is restarted.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Restart {
    /// Always, whether it failed or stopped normally.
    #[default]
    Permanent,
    /// Only when it failed (panicked or returned an error).
    Transient,
    /// Never; it is forgotten when it exits, and not restarted when a sibling's restart stops it.
    Temporary,
}

/// How a child ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Exit {
    /// It stopped normally (asked to stop, or stopped itself).
    Normal,
    /// It panicked, returned an error, or was killed.
    Failed,
}

/// Restart intensity: more than `max_restarts` restarts within `within` makes the supervisor
/// give up, stop its children and fail, escalating to its own supervisor.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Intensity {
    max_restarts: u32,
    within: Duration,
}

impl Intensity {
    /// At most `max_restarts` restarts in any window of `within`.
    ///
    /// # Panics
    /// When `within` is zero.
    #[track_caller]
    pub fn new(max_restarts: u32, within: Duration) -> Self {
        assert!(!within.is_zero(), "restart intensity window must be > 0");
        Self {
            max_restarts,
            within,
        }
    }

    /// The most restarts allowed in one window.
    pub fn max_restarts(&self) -> u32 {
        self.max_restarts
    }

    /// The window.
    pub fn within(&self) -> Duration {
        self.within
    }
}

impl Default for Intensity {
    /// 3 restarts in 5 seconds (Elixir's default).
    fn default() -> Self {
        Self::new(3, Duration::from_secs(5))
    }
}

/// The delay before a restart, growing with a child's consecutive restarts.
///
/// The n-th restart of a child within the intensity window waits
/// `min(initial × 2^(n-1), max)`; a child that stays up for a whole window starts over at
/// `initial`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Backoff {
    initial: Duration,
    max: Duration,
}

impl Backoff {
    /// Restart at once (OTP's behaviour).
    pub const fn none() -> Self {
        Self {
            initial: Duration::ZERO,
            max: Duration::ZERO,
        }
    }

    /// Exponential backoff from `initial`, doubling, capped at `max`.
    ///
    /// # Panics
    /// When `max < initial`.
    #[track_caller]
    pub fn exponential(initial: Duration, max: Duration) -> Self {
        assert!(max >= initial, "backoff max must be >= initial");
        Self { initial, max }
    }

    /// The delay before the `attempt`-th consecutive restart (1-based).
    pub fn delay(&self, attempt: u32) -> Duration {
        if attempt == 0 || self.initial.is_zero() {
            return Duration::ZERO;
        }
        let factor = 1u32.checked_shl(attempt - 1).unwrap_or(u32::MAX);
        self.initial.saturating_mul(factor).min(self.max)
    }
}

impl Default for Backoff {
    fn default() -> Self {
        Self::none()
    }
}

/// A child as the planner sees it: its key and restart type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Child<K> {
    /// The child's key (its id in the supervisor).
    pub key: K,
    /// Its restart type.
    pub restart: Restart,
}

impl<K> Child<K> {
    /// A child with `key` and `restart`.
    pub fn new(key: K, restart: Restart) -> Self {
        Self { key, restart }
    }
}

/// What a supervisor does about a child's exit.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Decision<K> {
    /// Forget the child: it is not restarted.
    Remove(K),
    /// Stop the children in `stop` (in that order: reverse start order), forget those in
    /// `remove`, then after `delay` start those in `start` (in start order).
    Restart {
        /// Running siblings to stop first, in the order to stop them.
        stop: Vec<K>,
        /// Children to forget (temporary siblings that were stopped).
        remove: Vec<K>,
        /// Children to start again, in start order.
        start: Vec<K>,
        /// How long to wait before starting them.
        delay: Duration,
    },
    /// The restart intensity is exceeded: stop every child and fail.
    Escalate {
        /// Restarts counted in the window, including this one.
        restarts: u32,
        /// The window.
        within: Duration,
    },
    /// The key is not one of the children (a late event for a child already gone).
    Ignore,
}

/// The restart bookkeeping of one supervisor; see the [module docs](self).
#[derive(Debug, Clone)]
pub struct RestartPlanner<K> {
    strategy: Strategy,
    intensity: Intensity,
    backoff: Backoff,
    restarts: VecDeque<Instant>,
    per_child: HashMap<K, VecDeque<Instant>>,
}

impl<K: Clone + Eq + Hash> RestartPlanner<K> {
    /// A planner with no restart history.
    pub fn new(strategy: Strategy, intensity: Intensity, backoff: Backoff) -> Self {
        Self {
            strategy,
            intensity,
            backoff,
            restarts: VecDeque::new(),
            per_child: HashMap::new(),
        }
    }

    /// The strategy.
    pub fn strategy(&self) -> Strategy {
        self.strategy
    }

    /// Decides what to do about `exited` ending with `exit` at `now`. `children` lists the
    /// supervisor's current children in start order, `exited` included.
    pub fn on_exit(
        &mut self,
        children: &[Child<K>],
        exited: &K,
        exit: Exit,
        now: Instant,
    ) -> Decision<K> {
        let Some(pos) = children.iter().position(|c| c.key == *exited) else {
            return Decision::Ignore;
        };
        let restart = match (children[pos].restart, exit) {
            (Restart::Temporary, _) | (Restart::Transient, Exit::Normal) => false,
            (Restart::Permanent, _) | (Restart::Transient, Exit::Failed) => true,
        };
        if !restart {
            self.per_child.remove(exited);
            return Decision::Remove(exited.clone());
        }

        let window_start = now.checked_sub(self.intensity.within);
        let expired = |t: &Instant| window_start.is_some_and(|start| *t <= start);
        self.restarts.push_back(now);
        while self.restarts.front().is_some_and(expired) {
            self.restarts.pop_front();
        }
        let count = self.restarts.len() as u32;
        if count > self.intensity.max_restarts {
            return Decision::Escalate {
                restarts: count,
                within: self.intensity.within,
            };
        }

        let affected: &[Child<K>] = match self.strategy {
            Strategy::OneForOne => &children[pos..=pos],
            Strategy::OneForAll => children,
            Strategy::RestForOne => &children[pos..],
        };
        let siblings = affected.iter().filter(|c| c.key != *exited);
        let stop: Vec<K> = siblings.clone().rev().map(|c| c.key.clone()).collect();
        let remove: Vec<K> = siblings
            .filter(|c| c.restart == Restart::Temporary)
            .map(|c| c.key.clone())
            .collect();
        for key in &remove {
            self.per_child.remove(key);
        }
        let start: Vec<K> = affected
            .iter()
            .filter(|c| c.key == *exited || c.restart != Restart::Temporary)
            .map(|c| c.key.clone())
            .collect();
        // Every child started again counts this restart in its own history; the delay follows
        // the history of the child that exited.
        for key in &start {
            let history = self.per_child.entry(key.clone()).or_default();
            history.push_back(now);
            while history.front().is_some_and(expired) {
                history.pop_front();
            }
        }
        let delay = self.backoff.delay(self.recent_restarts(exited));
        Decision::Restart {
            stop,
            remove,
            start,
            delay,
        }
    }

    /// How many times `key` was restarted (as the child that exited, or as a sibling) within
    /// the current window.
    pub fn recent_restarts<Q>(&self, key: &Q) -> u32
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.per_child.get(key).map_or(0, |h| h.len() as u32)
    }

    /// Forgets a child's history (it was removed).
    pub fn forget<Q>(&mut self, key: &Q)
    where
        K: std::borrow::Borrow<Q>,
        Q: Hash + Eq + ?Sized,
    {
        self.per_child.remove(key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn planner(strategy: Strategy) -> RestartPlanner<&'static str> {
        RestartPlanner::new(
            strategy,
            Intensity::new(2, Duration::from_secs(10)),
            Backoff::none(),
        )
    }

    fn abc() -> Vec<Child<&'static str>> {
        vec![
            Child::new("a", Restart::Permanent),
            Child::new("b", Restart::Transient),
            Child::new("c", Restart::Permanent),
        ]
    }

    fn restart(stop: &[&'static str], start: &[&'static str]) -> Decision<&'static str> {
        Decision::Restart {
            stop: stop.to_vec(),
            remove: vec![],
            start: start.to_vec(),
            delay: Duration::ZERO,
        }
    }

    #[test]
    fn one_for_one_restarts_only_the_failed_child() {
        let now = Instant::now();
        let d = planner(Strategy::OneForOne).on_exit(&abc(), &"b", Exit::Failed, now);
        assert_eq!(d, restart(&[], &["b"]));
    }

    #[test]
    fn one_for_all_stops_siblings_in_reverse_and_restarts_all_in_order() {
        let now = Instant::now();
        let d = planner(Strategy::OneForAll).on_exit(&abc(), &"b", Exit::Failed, now);
        assert_eq!(d, restart(&["c", "a"], &["a", "b", "c"]));
    }

    #[test]
    fn rest_for_one_restarts_the_child_and_those_started_after_it() {
        let now = Instant::now();
        let d = planner(Strategy::RestForOne).on_exit(&abc(), &"a", Exit::Failed, now);
        assert_eq!(d, restart(&["c", "b"], &["a", "b", "c"]));
    }

    #[test]
    fn restart_types_decide_between_restart_and_remove() {
        let now = Instant::now();
        let mut p = planner(Strategy::OneForOne);
        let kids = vec![
            Child::new("p", Restart::Permanent),
            Child::new("t", Restart::Transient),
            Child::new("x", Restart::Temporary),
        ];
        assert_eq!(
            p.on_exit(&kids, &"p", Exit::Normal, now),
            restart(&[], &["p"])
        );
        assert_eq!(
            p.on_exit(&kids, &"t", Exit::Normal, now),
            Decision::Remove("t")
        );
        assert_eq!(
            p.on_exit(&kids, &"t", Exit::Failed, now),
            restart(&[], &["t"])
        );
        assert_eq!(
            p.on_exit(&kids, &"x", Exit::Failed, now),
            Decision::Remove("x")
        );
    }

    #[test]
    fn exceeding_the_intensity_escalates_and_old_restarts_expire() {
        let t0 = Instant::now();
        let mut p = planner(Strategy::OneForOne);
        let kids = abc();
        assert!(matches!(
            p.on_exit(&kids, &"a", Exit::Failed, t0),
            Decision::Restart { .. }
        ));
        let t1 = t0 + Duration::from_secs(2);
        assert!(matches!(
            p.on_exit(&kids, &"c", Exit::Failed, t1),
            Decision::Restart { .. }
        ));
        // 11 s after t0: the first restart left the window, so this is the 2nd in it.
        let t2 = t0 + Duration::from_secs(11);
        assert!(matches!(
            p.on_exit(&kids, &"a", Exit::Failed, t2),
            Decision::Restart { .. }
        ));
        let t3 = t2 + Duration::from_millis(1);
        assert_eq!(
            p.on_exit(&kids, &"a", Exit::Failed, t3),
            Decision::Escalate {
                restarts: 3,
                within: Duration::from_secs(10)
            }
        );
    }

    #[test]
    fn backoff_doubles_per_consecutive_restart_up_to_the_cap() {
        let b = Backoff::exponential(Duration::from_millis(10), Duration::from_millis(35));
        let delays: Vec<_> = (1..=4).map(|n| b.delay(n).as_millis()).collect();
        assert_eq!(delays, [10, 20, 35, 35]);
        assert_eq!(Backoff::none().delay(5), Duration::ZERO);

        let mut p = RestartPlanner::new(
            Strategy::OneForOne,
            Intensity::new(10, Duration::from_secs(1)),
            b,
        );
        let kids = abc();
        let t0 = Instant::now();
        let delay_at = |p: &mut RestartPlanner<_>, t| match p.on_exit(&kids, &"a", Exit::Failed, t)
        {
            Decision::Restart { delay, .. } => delay.as_millis(),
            other => panic!("{other:?}"),
        };
        assert_eq!(delay_at(&mut p, t0), 10);
        assert_eq!(delay_at(&mut p, t0 + Duration::from_millis(100)), 20);
        // After a quiet window the child starts over.
        assert_eq!(delay_at(&mut p, t0 + Duration::from_secs(5)), 10);
    }

    #[test]
    fn siblings_restarted_by_one_for_all_count_the_restart() {
        let mut p = planner(Strategy::OneForAll);
        p.on_exit(&abc(), &"b", Exit::Failed, Instant::now());
        assert_eq!(p.recent_restarts(&"a"), 1);
        assert_eq!(p.recent_restarts(&"b"), 1);
        assert_eq!(p.recent_restarts(&"c"), 1);
    }

    #[test]
    fn a_temporary_sibling_stopped_by_one_for_all_is_removed_not_restarted() {
        let kids = vec![
            Child::new("a", Restart::Permanent),
            Child::new("tmp", Restart::Temporary),
        ];
        let d = planner(Strategy::OneForAll).on_exit(&kids, &"a", Exit::Failed, Instant::now());
        assert_eq!(
            d,
            Decision::Restart {
                stop: vec!["tmp"],
                remove: vec!["tmp"],
                start: vec!["a"],
                delay: Duration::ZERO
            }
        );
    }

    #[test]
    fn an_unknown_child_is_ignored() {
        let d = planner(Strategy::OneForOne).on_exit(&abc(), &"zz", Exit::Failed, Instant::now());
        assert_eq!(d, Decision::Ignore);
    }
}
