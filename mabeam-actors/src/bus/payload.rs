use mabeam_core::{Lane, Signal, Topic};
use serde::Serialize;

/// A typed signal payload that knows its topic and lane; `#[derive(Signal)]` implements it.
/// Emit one with [`Ctx::emit_signal`](crate::Ctx::emit_signal) or build the signal with
/// [`SignalPayload::into_signal`].
///
/// ```
/// use mabeam_actors::{Lane, SignalPayload, Topic};
///
/// #[derive(serde::Serialize)]
/// struct Shipped { order: u64 }
///
/// impl SignalPayload for Shipped {
///     fn topic() -> Topic { Topic::from_static("orders.shipped") }
///     fn lane() -> Lane { Lane::Control }
/// }
///
/// let signal = Shipped { order: 7 }.into_signal("shop");
/// assert_eq!(signal.topic().as_str(), "orders.shipped");
/// assert_eq!(signal.lane(), Lane::Control);
/// assert_eq!(signal.data::<Shipped>().unwrap().order, 7);
/// ```
pub trait SignalPayload: Serialize + Send + Sync + Sized + 'static {
    /// The topic signals of this payload are published on.
    fn topic() -> Topic;

    /// Their lane (default [`Lane::Events`]).
    fn lane() -> Lane {
        Lane::Events
    }

    /// Wraps the payload in a signal from `source`.
    fn into_signal(self, source: &str) -> Signal {
        Signal::builder(Self::topic())
            .source(source)
            .lane(Self::lane())
            .data(self)
            .build()
    }
}
