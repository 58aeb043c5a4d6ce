use std::any::Any;
use std::fmt;
use std::pin::Pin;
use std::sync::Arc;
use std::time::Duration;

use futures::{Stream, StreamExt};
use ractor::ActorCell;
use tokio::sync::{OwnedSemaphorePermit, Semaphore};
use tokio::task::JoinHandle;
use tokio::time::{interval_at, Instant, MissedTickBehavior};

use super::{Agent, AgentMsg};

type ItemStream = Pin<Box<dyn Stream<Item = Box<dyn Any + Send>> + Send>>;

enum Source {
    Every(Duration),
    Stream(ItemStream),
}

/// A producer of readings owned by an agent: periodic ticks, or the items of a stream. It runs
/// while the agent runs and stops with it.
///
/// A sensor never floods its agent: a periodic sensor skips a tick while the previous reading
/// is still being handled, and a stream sensor pulls the next item only after the previous one
/// was handled.
///
/// ```
/// use std::time::Duration;
/// use mabeam_actors::Sensor;
///
/// let tick = Sensor::every("sample", Duration::from_secs(1));
/// let feed = Sensor::stream("prices", futures::stream::iter([101u32, 102, 99]));
/// assert_eq!(tick.name(), "sample");
/// assert_eq!(feed.name(), "prices");
/// ```
pub struct Sensor {
    name: &'static str,
    source: Source,
}

impl Sensor {
    /// Ticks every `period`, first one `period` after the agent starts.
    ///
    /// # Panics
    /// When `period` is zero.
    #[track_caller]
    pub fn every(name: &'static str, period: Duration) -> Self {
        assert!(!period.is_zero(), "sensor `{name}`: period must be > 0");
        Self {
            name,
            source: Source::Every(period),
        }
    }

    /// Delivers each item of `stream`; take it with [`Reading::take`]. The sensor ends when the
    /// stream does.
    pub fn stream<S, T>(name: &'static str, stream: S) -> Self
    where
        S: Stream<Item = T> + Send + 'static,
        T: Send + 'static,
    {
        Self {
            name,
            source: Source::Stream(Box::pin(
                stream.map(|item| Box::new(item) as Box<dyn Any + Send>),
            )),
        }
    }

    /// The sensor's name.
    pub fn name(&self) -> &'static str {
        self.name
    }

    /// Starts the sensor's task, feeding readings into `agent`'s mailbox.
    pub(crate) fn spawn<A: Agent>(self, index: usize, agent: ActorCell) -> JoinHandle<()> {
        let name = self.name;
        let gate = Arc::new(Semaphore::new(1));
        let send = move |permit, item| {
            let reading = Reading {
                index,
                name,
                item,
                _permit: permit,
            };
            agent
                .send_message(AgentMsg::<A>::Sensor(Box::new(reading)))
                .is_ok()
        };
        match self.source {
            Source::Every(period) => tokio::spawn(async move {
                let mut ticks = interval_at(Instant::now() + period, period);
                ticks.set_missed_tick_behavior(MissedTickBehavior::Skip);
                loop {
                    ticks.tick().await;
                    // The previous reading is still being handled: skip this tick.
                    let Ok(permit) = gate.clone().try_acquire_owned() else {
                        continue;
                    };
                    if !send(permit, None) {
                        break;
                    }
                }
            }),
            Source::Stream(mut stream) => tokio::spawn(async move {
                loop {
                    let Ok(permit) = gate.clone().acquire_owned().await else {
                        break;
                    };
                    let Some(item) = stream.next().await else {
                        tracing::debug!(sensor = name, "sensor stream ended");
                        break;
                    };
                    if !send(permit, Some(item)) {
                        break;
                    }
                }
            }),
        }
    }
}

impl fmt::Debug for Sensor {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let source = match &self.source {
            Source::Every(period) => format!("every {period:?}"),
            Source::Stream(_) => "stream".to_owned(),
        };
        f.debug_struct("Sensor")
            .field("name", &self.name)
            .field("source", &source)
            .finish()
    }
}

/// One reading of a [`Sensor`], handed to [`Agent::on_sensor`](super::Agent::on_sensor).
/// The sensor produces its next reading only after this one is dropped.
pub struct Reading {
    index: usize,
    name: &'static str,
    item: Option<Box<dyn Any + Send>>,
    _permit: OwnedSemaphorePermit,
}

impl Reading {
    /// The name of the sensor it came from.
    pub fn sensor(&self) -> &'static str {
        self.name
    }

    /// The sensor's position in [`Agent::sensors`](super::Agent::sensors).
    pub fn index(&self) -> usize {
        self.index
    }

    /// True for a periodic tick (no item).
    pub fn is_tick(&self) -> bool {
        self.item.is_none()
    }

    /// Takes a stream sensor's item as a `T`; `None` for a tick, an item already taken, or
    /// another type.
    pub fn take<T: 'static>(&mut self) -> Option<T> {
        let item = self.item.take()?;
        match item.downcast::<T>() {
            Ok(value) => Some(*value),
            Err(item) => {
                self.item = Some(item);
                None
            }
        }
    }
}

impl fmt::Debug for Reading {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reading")
            .field("sensor", &self.name)
            .field("tick", &self.item.is_none())
            .finish()
    }
}
