use std::collections::HashMap;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock, RwLockReadGuard, RwLockWriteGuard, Weak};

use mabeam_core::{Signal, TopicIndex, TopicPattern};
use tokio::sync::Notify;

use super::lane_queue::{Pushed, Waker};
use super::{BusConfig, LaneQueue, Subscription};

/// Identifies one subscriber of a [`SignalBus`].
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct SubscriberId(u64);

/// What [`SignalBus::publish`] did with a signal.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct PublishReport {
    /// Subscribers whose patterns matched.
    pub matched: usize,
    /// Subscribers that queued it.
    pub delivered: usize,
    /// Subscribers that dropped a signal because a lane was full (this one, or with
    /// [`Overflow::DropOldest`](super::Overflow::DropOldest) an older one).
    pub dropped: usize,
}

struct Subscriber {
    patterns: Vec<TopicPattern>,
    queue: Arc<LaneQueue>,
    name: Arc<str>,
}

struct State {
    index: TopicIndex<SubscriberId>,
    subscribers: HashMap<SubscriberId, Subscriber>,
    closed: bool,
}

pub(crate) struct Inner {
    state: RwLock<State>,
    config: BusConfig,
    next_id: AtomicU64,
}

/// Routes signals to subscribers by topic pattern; see the [module docs](crate::bus).
/// Cheap to clone: clones share one bus.
#[derive(Clone)]
pub struct SignalBus {
    inner: Arc<Inner>,
}

impl SignalBus {
    /// A bus with the given lane limits.
    pub fn new(config: BusConfig) -> Self {
        Self {
            inner: Arc::new(Inner {
                state: RwLock::new(State {
                    index: TopicIndex::new(),
                    subscribers: HashMap::new(),
                    closed: false,
                }),
                config,
                next_id: AtomicU64::new(1),
            }),
        }
    }

    fn read(&self) -> RwLockReadGuard<'_, State> {
        self.inner
            .state
            .read()
            .unwrap_or_else(PoisonError::into_inner)
    }

    fn write(&self) -> RwLockWriteGuard<'_, State> {
        self.inner
            .state
            .write()
            .unwrap_or_else(PoisonError::into_inner)
    }

    /// The lane limits.
    pub fn config(&self) -> &BusConfig {
        &self.inner.config
    }

    /// Delivers `signal` to every subscriber with a matching pattern (once per subscriber,
    /// however many of its patterns match). Never blocks; see the
    /// [backpressure rules](crate::bus#backpressure).
    pub fn publish(&self, signal: Signal) -> PublishReport {
        let state = self.read();
        let mut report = PublishReport::default();
        for id in state.index.matches(signal.topic()) {
            let Some(sub) = state.subscribers.get(&id) else {
                continue;
            };
            report.matched += 1;
            match sub.queue.push(signal.clone()) {
                Pushed::Queued => report.delivered += 1,
                Pushed::QueuedEvicting => {
                    report.delivered += 1;
                    report.dropped += 1;
                    tracing::warn!(
                        topic = %signal.topic(), lane = %signal.lane(), subscriber = %sub.name,
                        "slow subscriber: lane full, evicted its oldest signal"
                    );
                }
                Pushed::Refused => {
                    report.dropped += 1;
                    tracing::warn!(
                        topic = %signal.topic(), lane = %signal.lane(), subscriber = %sub.name,
                        "slow subscriber: lane full, signal dropped"
                    );
                }
                Pushed::Closed => {}
            }
        }
        report
    }

    /// A stream subscriber for `patterns`; dropping the [`Subscription`] unsubscribes.
    pub fn subscribe(&self, patterns: impl IntoIterator<Item = TopicPattern>) -> Subscription {
        let queue = Arc::new(LaneQueue::new(
            &self.inner.config,
            Waker::Stream(Notify::new()),
        ));
        let id = self.add(
            patterns.into_iter().collect(),
            queue.clone(),
            "stream".into(),
        );
        Subscription::new(Arc::downgrade(&self.inner), id, queue)
    }

    /// Subscribes an agent: `wake` is called when its queue goes from idle to non-empty.
    pub(crate) fn subscribe_agent(
        &self,
        name: Arc<str>,
        patterns: Vec<TopicPattern>,
        wake: impl Fn() + Send + Sync + 'static,
    ) -> (SubscriberId, Arc<LaneQueue>) {
        let queue = Arc::new(LaneQueue::new(
            &self.inner.config,
            Waker::Agent(Box::new(wake)),
        ));
        let id = self.add(patterns, queue.clone(), name);
        (id, queue)
    }

    fn add(
        &self,
        patterns: Vec<TopicPattern>,
        queue: Arc<LaneQueue>,
        name: Arc<str>,
    ) -> SubscriberId {
        let id = SubscriberId(self.inner.next_id.fetch_add(1, Ordering::Relaxed));
        let mut state = self.write();
        if state.closed {
            queue.close();
        }
        for pattern in &patterns {
            state.index.insert(pattern, id);
        }
        state.subscribers.insert(
            id,
            Subscriber {
                patterns,
                queue,
                name,
            },
        );
        id
    }

    /// Removes a subscriber; its queued signals are dropped.
    pub(crate) fn unsubscribe(&self, id: SubscriberId) {
        remove(&self.inner, id);
    }

    /// How many subscribers the bus has.
    pub fn subscriber_count(&self) -> usize {
        self.read().subscribers.len()
    }

    /// Closes the bus: every subscriber's queue is closed (stream subscribers get
    /// [`RecvError::Closed`](super::RecvError::Closed) once drained) and later subscribers
    /// start closed.
    pub fn close(&self) {
        let mut state = self.write();
        state.closed = true;
        for sub in state.subscribers.values() {
            sub.queue.close();
        }
    }
}

pub(super) fn remove(inner: &Inner, id: SubscriberId) {
    let mut state = inner.state.write().unwrap_or_else(PoisonError::into_inner);
    if let Some(sub) = state.subscribers.remove(&id) {
        for pattern in &sub.patterns {
            state.index.remove(pattern, id);
        }
        sub.queue.close();
    }
}

pub(super) type WeakBus = Weak<Inner>;

impl fmt::Debug for SignalBus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignalBus")
            .field("subscribers", &self.subscriber_count())
            .finish()
    }
}
