use std::collections::VecDeque;
use std::fmt;
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use mabeam_core::{Lane, Signal};
use tokio::sync::Notify;

use super::{BusConfig, Overflow};

/// How a subscriber is told that signals are waiting.
pub(crate) enum Waker {
    /// An agent: the closure casts a "signals ready" message into its mailbox.
    Agent(Box<dyn Fn() + Send + Sync>),
    /// A stream subscriber awaiting in `recv`.
    Stream(Notify),
}

/// What a push did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Pushed {
    /// Queued.
    Queued,
    /// Queued, and the oldest queued signal of the lane was evicted.
    QueuedEvicting,
    /// Refused: the lane is full.
    Refused,
    /// The subscriber is gone.
    Closed,
}

/// The next item for a subscriber.
#[derive(Debug)]
pub(crate) enum Popped {
    Signal(Signal),
    Lost { lane: Lane, missed: u64 },
}

struct Lanes {
    queues: [VecDeque<Signal>; 4],
    lost: [u64; 4],
    closed: bool,
}

/// One subscriber's bounded queues, one per lane, drained most urgent lane first.
pub(crate) struct LaneQueue {
    lanes: Mutex<Lanes>,
    capacity: [usize; 4],
    overflow: [Overflow; 4],
    /// For agents: a "signals ready" message is in (or about to be in) the mailbox.
    scheduled: AtomicBool,
    waker: Waker,
}

impl LaneQueue {
    pub(crate) fn new(config: &BusConfig, waker: Waker) -> Self {
        Self {
            lanes: Mutex::new(Lanes {
                queues: Default::default(),
                lost: [0; 4],
                closed: false,
            }),
            capacity: Lane::ALL.map(|l| config.lane(l).capacity()),
            overflow: Lane::ALL.map(|l| config.lane(l).overflow()),
            scheduled: AtomicBool::new(false),
            waker,
        }
    }

    fn lock(&self) -> MutexGuard<'_, Lanes> {
        self.lanes.lock().unwrap_or_else(PoisonError::into_inner)
    }

    pub(crate) fn push(&self, signal: Signal) -> Pushed {
        let lane = signal.lane().index();
        let pushed = {
            let mut lanes = self.lock();
            if lanes.closed {
                return Pushed::Closed;
            }
            if lanes.queues[lane].len() < self.capacity[lane] {
                lanes.queues[lane].push_back(signal);
                Pushed::Queued
            } else {
                lanes.lost[lane] += 1;
                match self.overflow[lane] {
                    Overflow::DropNewest => Pushed::Refused,
                    Overflow::DropOldest => {
                        lanes.queues[lane].pop_front();
                        lanes.queues[lane].push_back(signal);
                        Pushed::QueuedEvicting
                    }
                }
            }
        };
        // Wake even on a refusal, so the subscriber learns it lagged.
        self.wake();
        pushed
    }

    fn wake(&self) {
        match &self.waker {
            Waker::Agent(cast) => {
                if !self.scheduled.swap(true, Ordering::SeqCst) {
                    cast();
                }
            }
            Waker::Stream(notify) => notify.notify_one(),
        }
    }

    /// The next signal (or loss notice), most urgent lane first.
    pub(crate) fn pop(&self) -> Option<Popped> {
        let mut lanes = self.lock();
        for lane in Lane::ALL {
            let i = lane.index();
            if lanes.lost[i] > 0 {
                let missed = std::mem::take(&mut lanes.lost[i]);
                return Some(Popped::Lost { lane, missed });
            }
            if let Some(signal) = lanes.queues[i].pop_front() {
                return Some(Popped::Signal(signal));
            }
        }
        None
    }

    pub(crate) fn is_empty(&self) -> bool {
        let lanes = self.lock();
        lanes.queues.iter().all(VecDeque::is_empty) && lanes.lost.iter().all(|n| *n == 0)
    }

    /// Signals queued, all lanes together.
    pub(crate) fn len(&self) -> usize {
        self.lock().queues.iter().map(VecDeque::len).sum()
    }

    pub(crate) fn is_closed(&self) -> bool {
        self.lock().closed
    }

    /// Called by an agent after a drain pass: clears the "scheduled" flag when nothing is
    /// left, and returns whether the agent must schedule another pass.
    pub(crate) fn finish_pass(&self) -> bool {
        if !self.is_empty() {
            return true;
        }
        self.scheduled.store(false, Ordering::SeqCst);
        // A publisher may have pushed between the check and the store and seen the flag still
        // set; take the flag back if so.
        !self.is_empty() && !self.scheduled.swap(true, Ordering::SeqCst)
    }

    pub(crate) fn close(&self) {
        self.lock().closed = true;
        if let Waker::Stream(notify) = &self.waker {
            notify.notify_one();
        }
    }

    pub(crate) fn notified(&self) -> Option<&Notify> {
        match &self.waker {
            Waker::Stream(notify) => Some(notify),
            Waker::Agent(_) => None,
        }
    }
}

impl fmt::Debug for LaneQueue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("LaneQueue")
            .field("queued", &self.len())
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::bus::LaneConfig;
    use mabeam_core::Topic;

    fn signal(lane: Lane, n: u32) -> Signal {
        Signal::builder(Topic::new("t").unwrap())
            .lane(lane)
            .data(n)
            .build()
    }

    fn queue(config: BusConfig) -> LaneQueue {
        LaneQueue::new(&config, Waker::Stream(Notify::new()))
    }

    fn next_data(q: &LaneQueue) -> Option<u32> {
        match q.pop()? {
            Popped::Signal(s) => s.data::<u32>().copied(),
            Popped::Lost { .. } => None,
        }
    }

    #[test]
    fn the_most_urgent_lane_is_drained_first() {
        let q = queue(BusConfig::default());
        q.push(signal(Lane::Telemetry, 1));
        q.push(signal(Lane::Data, 2));
        q.push(signal(Lane::Events, 3));
        q.push(signal(Lane::Control, 4));
        let order: Vec<u32> = std::iter::from_fn(|| next_data(&q)).collect();
        assert_eq!(order, [4, 3, 2, 1]);
    }

    #[test]
    fn drop_newest_keeps_the_oldest_and_reports_the_loss() {
        let config = BusConfig::builder()
            .lane(Lane::Data, LaneConfig::new(2, Overflow::DropNewest))
            .build()
            .unwrap();
        let q = queue(config);
        assert_eq!(q.push(signal(Lane::Data, 1)), Pushed::Queued);
        assert_eq!(q.push(signal(Lane::Data, 2)), Pushed::Queued);
        assert_eq!(q.push(signal(Lane::Data, 3)), Pushed::Refused);
        assert!(matches!(
            q.pop(),
            Some(Popped::Lost {
                lane: Lane::Data,
                missed: 1
            })
        ));
        assert_eq!(next_data(&q), Some(1));
        assert_eq!(next_data(&q), Some(2));
        assert!(q.pop().is_none());
    }

    #[test]
    fn drop_oldest_keeps_the_newest() {
        let config = BusConfig::builder()
            .lane(Lane::Telemetry, LaneConfig::new(2, Overflow::DropOldest))
            .build()
            .unwrap();
        let q = queue(config);
        for n in 1..=5 {
            q.push(signal(Lane::Telemetry, n));
        }
        assert!(matches!(q.pop(), Some(Popped::Lost { missed: 3, .. })));
        assert_eq!(next_data(&q), Some(4));
        assert_eq!(next_data(&q), Some(5));
        assert_eq!(q.len(), 0);
    }

    #[test]
    fn a_closed_queue_refuses_pushes() {
        let q = queue(BusConfig::default());
        q.close();
        assert_eq!(q.push(signal(Lane::Control, 1)), Pushed::Closed);
        assert!(q.is_closed());
    }
}
