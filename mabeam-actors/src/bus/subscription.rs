use std::fmt;
use std::sync::Arc;

use futures::Stream;
use mabeam_core::Signal;

use super::signal_bus::{remove, WeakBus};
use super::{LaneQueue, Popped, RecvError, SubscriberId, TryRecvError};

/// A plain (non-agent) subscriber: receive signals with [`Subscription::recv`] or as a
/// [`Stream`]. Most urgent lane first; dropping it unsubscribes.
pub struct Subscription {
    bus: WeakBus,
    id: SubscriberId,
    queue: Arc<LaneQueue>,
}

impl Subscription {
    pub(super) fn new(bus: WeakBus, id: SubscriberId, queue: Arc<LaneQueue>) -> Self {
        Self { bus, id, queue }
    }

    /// This subscriber's id.
    pub fn id(&self) -> SubscriberId {
        self.id
    }

    /// Waits for the next signal. Returns [`RecvError::Lagged`] once after signals were dropped
    /// for this subscriber, then continues with what is queued.
    pub async fn recv(&mut self) -> Result<Signal, RecvError> {
        loop {
            match self.try_recv() {
                Ok(signal) => return Ok(signal),
                Err(TryRecvError::Lagged { lane, missed }) => {
                    return Err(RecvError::Lagged { lane, missed })
                }
                Err(TryRecvError::Closed) => return Err(RecvError::Closed),
                Err(TryRecvError::Empty) => {}
            }
            match self.queue.notified() {
                Some(notify) => notify.notified().await,
                None => return Err(RecvError::Closed),
            }
        }
    }

    /// The next signal if one is queued.
    pub fn try_recv(&mut self) -> Result<Signal, TryRecvError> {
        match self.queue.pop() {
            Some(Popped::Signal(signal)) => Ok(signal),
            Some(Popped::Lost { lane, missed }) => Err(TryRecvError::Lagged { lane, missed }),
            None if self.queue.is_closed() => Err(TryRecvError::Closed),
            None => Err(TryRecvError::Empty),
        }
    }

    /// Signals queued right now, all lanes together.
    pub fn len(&self) -> usize {
        self.queue.len()
    }

    /// True when nothing is queued.
    pub fn is_empty(&self) -> bool {
        self.queue.len() == 0
    }

    /// The subscription as a stream of signals and lag notices; it ends when the bus closes.
    pub fn into_stream(self) -> impl Stream<Item = Result<Signal, RecvError>> + Send {
        futures::stream::unfold(self, |mut sub| async move {
            match sub.recv().await {
                Err(RecvError::Closed) => None,
                item => Some((item, sub)),
            }
        })
    }
}

impl Drop for Subscription {
    fn drop(&mut self) {
        if let Some(bus) = self.bus.upgrade() {
            remove(&bus, self.id);
        }
    }
}

impl fmt::Debug for Subscription {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Subscription")
            .field("id", &self.id)
            .field("queued", &self.queue.len())
            .finish()
    }
}
