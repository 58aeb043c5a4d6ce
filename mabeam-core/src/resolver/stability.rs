use std::time::Instant;

/// When the membership view last changed reachability, and since when it has kept changing:
/// the clock-free record [`SplitBrainResolver::decide`](super::SplitBrainResolver::decide)
/// measures stability against.
///
/// The runtime calls [`changed`](Self::changed) whenever a member becomes unreachable or
/// reachable again, and [`settled`](Self::settled) once it has carried out a decision or
/// nothing is unreachable any more, which ends the unstable period.
///
/// ```
/// use std::time::{Duration, Instant};
/// use mabeam_core::resolver::Stability;
///
/// let t0 = Instant::now();
/// let mut stability = Stability::new(t0);
/// stability.changed(t0 + Duration::from_secs(1));
/// stability.changed(t0 + Duration::from_secs(5));
/// assert_eq!(stability.last_change(), t0 + Duration::from_secs(5));
/// assert_eq!(stability.unstable_since(), Some(t0 + Duration::from_secs(1)));
/// stability.settled();
/// assert_eq!(stability.unstable_since(), None);
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Stability {
    last_change: Instant,
    unstable_since: Option<Instant>,
}

impl Stability {
    /// A view that has been stable since `since`.
    pub fn new(since: Instant) -> Self {
        Self {
            last_change: since,
            unstable_since: None,
        }
    }

    /// Records a change of reachability at `at`; the first change after a settled view
    /// starts an unstable period.
    pub fn changed(&mut self, at: Instant) {
        self.last_change = self.last_change.max(at);
        self.unstable_since.get_or_insert(at);
    }

    /// Ends the unstable period (a decision was carried out, or nothing is unreachable).
    pub fn settled(&mut self) {
        self.unstable_since = None;
    }

    /// When reachability last changed.
    pub fn last_change(&self) -> Instant {
        self.last_change
    }

    /// The first change of the current unstable period, if there is one.
    pub fn unstable_since(&self) -> Option<Instant> {
        self.unstable_since
    }
}
