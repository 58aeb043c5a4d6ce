use std::fmt;

use tokio::sync::oneshot;

/// Where an action sends its result: the caller's end of a one-shot channel.
///
/// Dropping it without sending tells the caller
/// [`CallError::NoReply`](crate::CallError::NoReply).
pub struct Reply<T> {
    tx: Option<oneshot::Sender<T>>,
}

impl<T> Reply<T> {
    /// A reply port and the receiver its value arrives on.
    #[doc(hidden)]
    pub fn pair() -> (Self, oneshot::Receiver<T>) {
        let (tx, rx) = oneshot::channel();
        (Self { tx: Some(tx) }, rx)
    }

    /// A reply nobody waits for (what [`AgentRef::tell`](crate::AgentRef::tell) uses): sending
    /// to it does nothing, and no channel is allocated.
    pub fn detached() -> Self {
        Self { tx: None }
    }

    /// Sends the result. If the caller stopped waiting (timed out or gone) the value is
    /// dropped; use [`Reply::try_send`] to get it back.
    pub fn send(self, value: T) {
        if let Some(tx) = self.tx {
            let _ = tx.send(value);
        }
    }

    /// Sends the result; gives it back when the caller stopped waiting.
    pub fn try_send(self, value: T) -> Result<(), T> {
        match self.tx {
            Some(tx) => tx.send(value),
            None => Err(value),
        }
    }

    /// True when the caller stopped waiting; an action may skip the work then.
    pub fn is_closed(&self) -> bool {
        self.tx.as_ref().is_none_or(oneshot::Sender::is_closed)
    }
}

impl<T> fmt::Debug for Reply<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Reply")
            .field("closed", &self.is_closed())
            .finish()
    }
}
