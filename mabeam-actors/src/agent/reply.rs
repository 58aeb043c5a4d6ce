use std::fmt;

use tokio::sync::oneshot;

/// Where an action sends its result: the caller's end of a one-shot channel.
///
/// Dropping it without sending tells the caller
/// [`CallError::NoReply`](crate::CallError::NoReply).
pub struct Reply<T> {
    tx: oneshot::Sender<T>,
}

impl<T> Reply<T> {
    /// A reply port and the receiver its value arrives on.
    #[doc(hidden)]
    pub fn pair() -> (Self, oneshot::Receiver<T>) {
        let (tx, rx) = oneshot::channel();
        (Self { tx }, rx)
    }

    /// Sends the result. If the caller stopped waiting (timed out or gone) the value is
    /// dropped; use [`Reply::try_send`] to get it back.
    pub fn send(self, value: T) {
        let _ = self.tx.send(value);
    }

    /// Sends the result; gives it back when the caller stopped waiting.
    pub fn try_send(self, value: T) -> Result<(), T> {
        self.tx.send(value)
    }

    /// True when the caller stopped waiting; an action may skip the work then.
    pub fn is_closed(&self) -> bool {
        self.tx.is_closed()
    }
}

impl<T> fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("closed", &self.tx.is_closed())
            .finish()
    }
}
