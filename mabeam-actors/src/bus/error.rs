use mabeam_core::Lane;
use thiserror::Error;

/// Why [`Subscription::recv`](super::Subscription::recv) returned no signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum RecvError {
    /// The subscriber was too slow: `missed` signals of `lane` were dropped by the lane's
    /// overflow policy since the last receive. Receiving again continues with what is queued.
    #[error("subscriber lagged: {missed} {lane} signals were dropped")]
    Lagged {
        /// The lane that overflowed.
        lane: Lane,
        /// How many signals were dropped.
        missed: u64,
    },
    /// The bus was closed (its agent system shut down) and nothing is queued.
    #[error("the signal bus is closed")]
    Closed,
}

/// Why [`Subscription::try_recv`](super::Subscription::try_recv) returned no signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TryRecvError {
    /// Nothing is queued right now.
    #[error("no signal is queued")]
    Empty,
    /// See [`RecvError::Lagged`].
    #[error("subscriber lagged: {missed} {lane} signals were dropped")]
    Lagged {
        /// The lane that overflowed.
        lane: Lane,
        /// How many signals were dropped.
        missed: u64,
    },
    /// See [`RecvError::Closed`].
    #[error("the signal bus is closed")]
    Closed,
}
