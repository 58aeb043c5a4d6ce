use std::fmt;

use tokio::sync::oneshot;

/// A function that takes a reply's value (`None`: the reply was dropped without one).
type Sink<T> = Box<dyn FnOnce(Option<T>) + Send>;

enum Port<T> {
    /// Nobody waits, or the value was sent.
    None,
    Oneshot(oneshot::Sender<T>),
    Sink(Sink<T>),
}

/// Where an action sends its result: usually the caller's end of a one-shot channel.
///
/// Dropping it without sending tells the caller
/// [`CallError::NoReply`](crate::CallError::NoReply).
pub struct Reply<T> {
    port: Port<T>,
}

impl<T> Reply<T> {
    /// A reply port and the receiver its value arrives on.
    #[doc(hidden)]
    pub fn pair() -> (Self, oneshot::Receiver<T>) {
        let (tx, rx) = oneshot::channel();
        (
            Self {
                port: Port::Oneshot(tx),
            },
            rx,
        )
    }

    /// A reply nobody waits for (what [`AgentRef::tell`](crate::AgentRef::tell) uses): sending
    /// to it does nothing, and no channel is allocated.
    pub fn detached() -> Self {
        Self { port: Port::None }
    }

    /// A reply that hands its value to `sink` — `Some(value)` when sent, `None` when dropped
    /// without a value (the agent failed) — in the agent's task. A gateway uses it to answer a
    /// remote caller straight from the agent, with no task or channel in between.
    ///
    /// ```
    /// use mabeam_actors::prelude::*;
    /// use std::sync::{Arc, Mutex};
    ///
    /// let got = Arc::new(Mutex::new(Vec::new()));
    /// let seen = got.clone();
    /// let reply = Reply::from_fn(move |v: Option<u32>| seen.lock().unwrap().push(v));
    /// reply.send(7);
    /// drop(Reply::from_fn({ let seen = got.clone(); move |v| seen.lock().unwrap().push(v) }));
    /// assert_eq!(*got.lock().unwrap(), vec![Some(7), None]);
    /// ```
    pub fn from_fn(sink: impl FnOnce(Option<T>) + Send + 'static) -> Self {
        Self {
            port: Port::Sink(Box::new(sink)),
        }
    }

    /// Sends the result. If the caller stopped waiting (timed out or gone) the value is
    /// dropped; use [`Reply::try_send`] to get it back.
    pub fn send(self, value: T) {
        let _ = self.try_send(value);
    }

    /// Sends the result; gives it back when the caller stopped waiting.
    pub fn try_send(mut self, value: T) -> Result<(), T> {
        match std::mem::replace(&mut self.port, Port::None) {
            Port::Oneshot(tx) => tx.send(value),
            Port::Sink(sink) => {
                sink(Some(value));
                Ok(())
            }
            Port::None => Err(value),
        }
    }

    /// True when the caller stopped waiting; an action may skip the work then.
    pub fn is_closed(&self) -> bool {
        match &self.port {
            Port::None => true,
            Port::Oneshot(tx) => tx.is_closed(),
            Port::Sink(_) => false,
        }
    }
}

impl<T> Drop for Reply<T> {
    fn drop(&mut self) {
        if let Port::Sink(sink) = std::mem::replace(&mut self.port, Port::None) {
            sink(None);
        }
    }
}

impl<T> fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("closed", &self.is_closed())
            .finish()
    }
}
