use std::time::{Duration, UNIX_EPOCH};

use serde::{Deserialize, Serialize};

use crate::codec::{self, CodecError};
use crate::{Lane, Signal, Topic};

/// A signal as it travels between nodes (the body of a [`Kind::Signal`](super::Kind) frame).
///
/// ```
/// use mabeam_core::wire::WireSignal;
/// use mabeam_core::{Lane, Signal, Topic};
///
/// let signal = Signal::builder(Topic::new("orders.created")?)
///     .source("node-a/cart")
///     .lane(Lane::Control)
///     .data(42u64)
///     .build();
/// let bytes = WireSignal::encode(&signal)?;
/// let back = WireSignal::decode(&bytes)?;
/// assert_eq!(back.topic().as_str(), "orders.created");
/// assert_eq!((back.source(), back.lane()), ("node-a/cart", Lane::Control));
/// assert_eq!(back.decode::<u64>()?, 42);
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WireSignal {
    topic: String,
    source: String,
    subject: Option<String>,
    /// Milliseconds since the Unix epoch.
    time_ms: u64,
    lane: Lane,
    #[serde(with = "serde_bytes")]
    data: Option<Vec<u8>>,
}

/// Why a received signal cannot be rebuilt.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum WireSignalError {
    /// The bytes are not an encoded signal, or its payload could not be encoded.
    #[error(transparent)]
    Codec(#[from] CodecError),
    /// The topic is not a valid topic.
    #[error("invalid topic in a received signal: {0}")]
    Topic(#[from] crate::TopicError),
}

impl WireSignal {
    /// Encodes `signal` (its payload encoded if it is a local value).
    pub fn encode(signal: &Signal) -> Result<Vec<u8>, CodecError> {
        let wire = WireSignal {
            topic: signal.topic().as_str().to_owned(),
            source: signal.source().to_owned(),
            subject: signal.subject().map(str::to_owned),
            time_ms: signal
                .time()
                .duration_since(UNIX_EPOCH)
                .map_or(0, |d| d.as_millis() as u64),
            lane: signal.lane(),
            data: signal.encoded_data()?,
        };
        codec::encode(&wire)
    }

    /// Rebuilds a signal from bytes written by [`WireSignal::encode`] (its payload stays
    /// encoded until a subscriber decodes it).
    pub fn decode(bytes: &[u8]) -> Result<Signal, WireSignalError> {
        let wire: WireSignal = codec::decode(bytes)?;
        let mut builder = Signal::builder(Topic::new(&wire.topic)?)
            .source(wire.source)
            .lane(wire.lane)
            .time(UNIX_EPOCH + Duration::from_millis(wire.time_ms));
        if let Some(subject) = wire.subject {
            builder = builder.subject(subject);
        }
        if let Some(data) = wire.data {
            builder = builder.encoded_data(data);
        }
        Ok(builder.build())
    }
}
