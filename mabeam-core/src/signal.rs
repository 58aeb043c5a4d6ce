use std::any::Any;
use std::fmt;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::SystemTime;

use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

use crate::codec::{self, CodecError};
use crate::{Lane, Topic};

/// A signal's id: unique within the process that created it; `(source, id)` is unique
/// cluster-wide, as in CloudEvents.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub struct SignalId(pub u64);

impl SignalId {
    fn next() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(1);
        Self(NEXT.fetch_add(1, Ordering::Relaxed))
    }
}

impl fmt::Display for SignalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}

type EncodeFn = fn(&(dyn Any + Send + Sync)) -> Result<Vec<u8>, CodecError>;

enum Data {
    None,
    /// A value published in this process: delivered to local subscribers without encoding.
    Local {
        value: Box<dyn Any + Send + Sync>,
        encode: EncodeFn,
        type_name: &'static str,
    },
    /// Bytes written by [`codec::encode`], e.g. received from another node.
    Encoded(Vec<u8>),
}

struct Inner {
    id: SignalId,
    topic: Topic,
    source: Arc<str>,
    subject: Option<String>,
    time: SystemTime,
    lane: Lane,
    data: Data,
}

/// A typed, routable event: the CloudEvents-like envelope agents emit and subscribe to.
///
/// Cloning a signal is cheap (one reference count), so fanning out to many subscribers shares
/// one payload. A payload published locally travels as the value itself ([`Signal::data`]
/// borrows it with no decoding); it is encoded only when it must leave the process.
///
/// ```
/// use mabeam_core::{Lane, Signal, Topic};
///
/// #[derive(serde::Serialize, serde::Deserialize, Debug, PartialEq, Clone)]
/// struct Created { order: u64 }
///
/// let signal = Signal::builder(Topic::new("orders.created")?)
///     .source("shop/cart-7")
///     .lane(Lane::Events)
///     .data(Created { order: 42 })
///     .build();
/// assert_eq!(signal.data::<Created>(), Some(&Created { order: 42 }));
/// assert_eq!(signal.decode::<Created>()?, Created { order: 42 });
/// # Ok::<(), Box<dyn std::error::Error>>(())
/// ```
#[derive(Clone)]
pub struct Signal {
    inner: Arc<Inner>,
}

impl Signal {
    /// A signal on `topic` carrying `data`, with the default lane and no source.
    pub fn new<T>(topic: Topic, data: T) -> Self
    where
        T: Serialize + Send + Sync + 'static,
    {
        Self::builder(topic).data(data).build()
    }

    /// Starts building a signal on `topic`.
    pub fn builder(topic: Topic) -> SignalBuilder {
        SignalBuilder {
            topic,
            source: None,
            subject: None,
            time: None,
            lane: Lane::default(),
            data: Data::None,
        }
    }

    /// The signal's id.
    pub fn id(&self) -> SignalId {
        self.inner.id
    }

    /// The topic it is routed by.
    pub fn topic(&self) -> &Topic {
        &self.inner.topic
    }

    /// Who emitted it (for an agent: its id); empty when not set.
    pub fn source(&self) -> &str {
        &self.inner.source
    }

    /// What it is about, when the emitter said so.
    pub fn subject(&self) -> Option<&str> {
        self.inner.subject.as_deref()
    }

    /// When it was created.
    pub fn time(&self) -> SystemTime {
        self.inner.time
    }

    /// The lane it is delivered on.
    pub fn lane(&self) -> Lane {
        self.inner.lane
    }

    /// True when the signal carries a payload.
    pub fn has_data(&self) -> bool {
        !matches!(self.inner.data, Data::None)
    }

    /// Borrows the payload when it was published in this process as a `T`; `None` for another
    /// type, no payload, or an encoded payload (use [`Signal::decode`] for those).
    pub fn data<T: Any>(&self) -> Option<&T> {
        match &self.inner.data {
            Data::Local { value, .. } => value.downcast_ref(),
            _ => None,
        }
    }

    /// Decodes the payload as a `T`, whether it is local or encoded.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, CodecError> {
        match &self.inner.data {
            Data::None => Err(CodecError::Empty),
            Data::Local { value, encode, .. } => codec::decode(&encode(value.as_ref())?),
            Data::Encoded(bytes) => codec::decode(bytes),
        }
    }

    /// The payload in its encoded (wire) form; `None` when there is no payload.
    pub fn encoded_data(&self) -> Result<Option<Vec<u8>>, CodecError> {
        match &self.inner.data {
            Data::None => Ok(None),
            Data::Local { value, encode, .. } => encode(value.as_ref()).map(Some),
            Data::Encoded(bytes) => Ok(Some(bytes.clone())),
        }
    }
}

impl fmt::Debug for Signal {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let data = match &self.inner.data {
            Data::None => "none".to_owned(),
            Data::Local { type_name, .. } => (*type_name).to_owned(),
            Data::Encoded(bytes) => format!("{} encoded bytes", bytes.len()),
        };
        f.debug_struct("Signal")
            .field("id", &self.inner.id)
            .field("topic", &self.inner.topic)
            .field("source", &self.inner.source)
            .field("subject", &self.inner.subject)
            .field("lane", &self.inner.lane)
            .field("data", &data)
            .finish()
    }
}

/// Builds a [`Signal`]; see [`Signal::builder`].
#[must_use]
pub struct SignalBuilder {
    topic: Topic,
    source: Option<Arc<str>>,
    subject: Option<String>,
    time: Option<SystemTime>,
    lane: Lane,
    data: Data,
}

impl SignalBuilder {
    /// Who emits it.
    pub fn source(mut self, source: impl Into<Arc<str>>) -> Self {
        self.source = Some(source.into());
        self
    }

    /// What it is about.
    pub fn subject(mut self, subject: impl Into<String>) -> Self {
        self.subject = Some(subject.into());
        self
    }

    /// The lane (default [`Lane::Events`]).
    pub fn lane(mut self, lane: Lane) -> Self {
        self.lane = lane;
        self
    }

    /// The creation time (default: now, at [`SignalBuilder::build`]).
    pub fn time(mut self, time: SystemTime) -> Self {
        self.time = Some(time);
        self
    }

    /// A typed payload; local subscribers borrow it, remote ones get it encoded.
    pub fn data<T>(mut self, data: T) -> Self
    where
        T: Serialize + Send + Sync + 'static,
    {
        fn encode<T: Serialize + 'static>(
            value: &(dyn Any + Send + Sync),
        ) -> Result<Vec<u8>, CodecError> {
            match value.downcast_ref::<T>() {
                Some(v) => codec::encode(v),
                None => Err(CodecError::Empty),
            }
        }
        self.data = Data::Local {
            value: Box::new(data),
            encode: encode::<T>,
            type_name: std::any::type_name::<T>(),
        };
        self
    }

    /// A payload already encoded with [`codec::encode`].
    pub fn encoded_data(mut self, bytes: Vec<u8>) -> Self {
        self.data = Data::Encoded(bytes);
        self
    }

    /// Finishes the signal, giving it a fresh [`SignalId`].
    pub fn build(self) -> Signal {
        Signal {
            inner: Arc::new(Inner {
                id: SignalId::next(),
                topic: self.topic,
                source: self.source.unwrap_or_else(|| Arc::from("")),
                subject: self.subject,
                time: self.time.unwrap_or_else(SystemTime::now),
                lane: self.lane,
                data: self.data,
            }),
        }
    }
}

impl fmt::Debug for SignalBuilder {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SignalBuilder")
            .field("topic", &self.topic)
            .field("lane", &self.lane)
            .finish_non_exhaustive()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_local_payload_is_borrowed_and_also_decodable() {
        let s = Signal::new(Topic::new("a.b").unwrap(), (1u8, "x".to_string()));
        assert_eq!(s.data::<(u8, String)>(), Some(&(1, "x".to_string())));
        assert_eq!(s.data::<u64>(), None);
        assert_eq!(s.decode::<(u8, String)>().unwrap(), (1, "x".to_string()));
    }

    #[test]
    fn an_encoded_payload_decodes_but_does_not_borrow() {
        let bytes = codec::encode(&7u32).unwrap();
        let s = Signal::builder(Topic::new("a").unwrap())
            .encoded_data(bytes)
            .build();
        assert_eq!(s.data::<u32>(), None);
        assert_eq!(s.decode::<u32>().unwrap(), 7);
    }

    #[test]
    fn ids_are_unique_and_clones_share_them() {
        let a = Signal::new(Topic::new("a").unwrap(), ());
        let b = Signal::new(Topic::new("a").unwrap(), ());
        assert_ne!(a.id(), b.id());
        assert_eq!(a.clone().id(), a.id());
    }
}
