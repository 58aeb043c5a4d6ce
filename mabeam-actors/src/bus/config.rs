use mabeam_core::Lane;
use thiserror::Error;

/// What happens when a subscriber's lane queue is full.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Overflow {
    /// Refuse the new signal (the queue keeps the oldest).
    DropNewest,
    /// Evict the oldest queued signal to make room (the queue keeps the newest).
    DropOldest,
}

/// Capacity and overflow policy of one lane, per subscriber.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LaneConfig {
    capacity: usize,
    overflow: Overflow,
}

impl LaneConfig {
    /// A lane holding at most `capacity` signals per subscriber.
    ///
    /// # Panics
    /// When `capacity` is zero.
    #[track_caller]
    pub fn new(capacity: usize, overflow: Overflow) -> Self {
        assert!(capacity > 0, "a lane needs a capacity of at least 1");
        Self { capacity, overflow }
    }

    /// Signals queued at most, per subscriber.
    pub fn capacity(&self) -> usize {
        self.capacity
    }

    /// The overflow policy.
    pub fn overflow(&self) -> Overflow {
        self.overflow
    }
}

/// Per-lane queue limits of the [`SignalBus`](super::SignalBus).
///
/// Defaults: `control` 4096 / drop newest, `events` 1024 / drop newest, `data` 1024 / drop
/// newest, `telemetry` 256 / drop oldest (the newest reading matters most).
///
/// ```
/// use mabeam_actors::{BusConfig, Lane, LaneConfig, Overflow};
///
/// let config = BusConfig::builder()
///     .lane(Lane::Data, LaneConfig::new(64, Overflow::DropOldest))
///     .build()?;
/// assert_eq!(config.lane(Lane::Data).capacity(), 64);
/// # Ok::<(), mabeam_actors::BusConfigError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BusConfig {
    lanes: [LaneConfig; 4],
}

impl BusConfig {
    /// Starts from the defaults.
    pub fn builder() -> BusConfigBuilder {
        BusConfigBuilder {
            config: Self::default(),
        }
    }

    /// The configuration of `lane`.
    pub fn lane(&self, lane: Lane) -> LaneConfig {
        self.lanes[lane.index()]
    }
}

impl Default for BusConfig {
    fn default() -> Self {
        Self {
            lanes: [
                LaneConfig::new(4096, Overflow::DropNewest),
                LaneConfig::new(1024, Overflow::DropNewest),
                LaneConfig::new(1024, Overflow::DropNewest),
                LaneConfig::new(256, Overflow::DropOldest),
            ],
        }
    }
}

/// Builds a [`BusConfig`].
#[derive(Debug)]
#[must_use]
pub struct BusConfigBuilder {
    config: BusConfig,
}

impl BusConfigBuilder {
    /// Sets one lane's limits.
    pub fn lane(mut self, lane: Lane, config: LaneConfig) -> Self {
        self.config.lanes[lane.index()] = config;
        self
    }

    /// Checks the configuration: the control lane must hold at least as many signals as any
    /// other lane, so a burst never costs control traffic first.
    pub fn build(self) -> Result<BusConfig, BusConfigError> {
        let control = self.config.lanes[Lane::Control.index()].capacity;
        for lane in Lane::ALL {
            let capacity = self.config.lanes[lane.index()].capacity;
            if capacity > control {
                return Err(BusConfigError::ControlLaneTooSmall {
                    control,
                    lane,
                    capacity,
                });
            }
        }
        Ok(self.config)
    }
}

/// Why a [`BusConfig`] was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BusConfigError {
    /// A lane is larger than the control lane.
    #[error("the control lane ({control}) must hold at least as many signals as the {lane} lane ({capacity})")]
    ControlLaneTooSmall {
        /// Control lane capacity.
        control: usize,
        /// The larger lane.
        lane: Lane,
        /// Its capacity.
        capacity: usize,
    },
}
