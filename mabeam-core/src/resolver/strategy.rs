use std::time::Duration;

/// Which side of a partition survives; see the [module docs](super) for each rule.
///
/// Exhaustive on purpose: a new strategy must be handled wherever one is chosen or shown.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Strategy {
    /// The side with more than half of the counted members survives; on an exact tie, the
    /// side holding the lowest-named counted member (Akka breaks ties by lowest address).
    #[default]
    KeepMajority,
    /// A side with at least `size` counted members survives; if both sides are below, every
    /// member is downed. Safe only with `size` greater than half of the largest cluster
    /// size: two sides of `size` or more would both survive.
    StaticQuorum {
        /// The quorum (at least 1).
        size: usize,
    },
    /// The side holding the oldest counted member (the lowest generation, then the lowest
    /// name) survives.
    KeepOldest {
        /// If the oldest is alone on its side (and the other side is not empty), it downs
        /// itself and the other side survives, so one isolated node cannot take the cluster
        /// with it.
        down_if_alone: bool,
    },
    /// Every side downs itself.
    DownAll,
    /// The side that acquires a lease survives; the side [`KeepMajority`](Self::KeepMajority)
    /// would keep tries at once, the other after `acquire_delay_for_minority`, so the
    /// majority normally wins. The resolver only asks for the lease
    /// ([`Decision::AcquireLease`](super::Decision::AcquireLease)); the lease itself is the
    /// runtime's.
    LeaseMajority {
        /// How long the minority side waits before trying to acquire the lease.
        acquire_delay_for_minority: Duration,
    },
}

impl Strategy {
    /// The strategy's name, as shown by the admin endpoint (`keep-majority`, ...).
    pub fn name(self) -> &'static str {
        match self {
            Self::KeepMajority => "keep-majority",
            Self::StaticQuorum { .. } => "static-quorum",
            Self::KeepOldest { .. } => "keep-oldest",
            Self::DownAll => "down-all",
            Self::LeaseMajority { .. } => "lease-majority",
        }
    }
}
