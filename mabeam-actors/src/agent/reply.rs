use std::fmt;
use std::future::Future;
use std::panic::{self, AssertUnwindSafe};

use futures::FutureExt;
use tokio::sync::oneshot;

use super::Unanswered;

/// A function that takes a reply's outcome: its value, or why there is none.
type Sink<T> = Box<dyn FnOnce(Result<T, Unanswered>) + Send>;

enum Port<T> {
    /// Nobody waits, or the outcome was handed over.
    None,
    Oneshot(oneshot::Sender<Result<T, Unanswered>>),
    Sink(Sink<T>),
}

/// Where an action sends its result: usually the caller's end of a one-shot channel.
///
/// Dropping it without sending tells the caller
/// [`CallError::NoReply`](crate::CallError::NoReply). An action run through
/// [`Reply::send_with`] or [`Reply::send_from`] (as every `#[agent]` action is) that panics
/// tells the caller [`CallError::AgentFailed`](crate::CallError::AgentFailed) with the panic
/// message instead.
pub struct Reply<T> {
    port: Port<T>,
}

impl<T> Reply<T> {
    /// A reply port and the receiver its outcome arrives on (an error only when the action
    /// panicked; a dropped reply closes the channel).
    #[doc(hidden)]
    pub fn pair() -> (Self, oneshot::Receiver<Result<T, Unanswered>>) {
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

    /// A reply that hands its outcome to `sink` — `Ok(value)` when sent, `Err` when dropped
    /// without a value or when the action panicked — in the agent's task. A gateway uses it to
    /// answer a remote caller straight from the agent, with no task or channel in between.
    ///
    /// ```
    /// use mabeam_actors::prelude::*;
    /// use mabeam_actors::agent::Unanswered;
    /// use std::sync::{Arc, Mutex};
    ///
    /// let got = Arc::new(Mutex::new(Vec::new()));
    /// let sink = |got: &Arc<Mutex<Vec<_>>>| {
    ///     let seen = got.clone();
    ///     move |v: Result<u32, Unanswered>| seen.lock().unwrap().push(v)
    /// };
    /// Reply::from_fn(sink(&got)).send(7);
    /// drop(Reply::from_fn(sink(&got)));
    /// assert_eq!(*got.lock().unwrap(), vec![Ok(7), Err(Unanswered::Dropped)]);
    /// ```
    pub fn from_fn(sink: impl FnOnce(Result<T, Unanswered>) + Send + 'static) -> Self {
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
            Port::Oneshot(tx) => match tx.send(Ok(value)) {
                Ok(()) => Ok(()),
                Err(Ok(value)) => Err(value),
                Err(Err(_)) => unreachable!("a value was sent"),
            },
            Port::Sink(sink) => {
                sink(Ok(value));
                Ok(())
            }
            Port::None => Err(value),
        }
    }

    /// Sends what `action` returns. If `action` panics, the caller is told the panic message
    /// ([`CallError::AgentFailed`](crate::CallError::AgentFailed)) and the panic then carries
    /// on, crashing the agent as it would have. `#[agent]` runs every synchronous action
    /// through it; a hand-written agent can too:
    ///
    /// ```
    /// # use mabeam_actors::prelude::*;
    /// # struct Account { balance: u64 }
    /// # enum Op { Withdraw(u64, Reply<u64>) }
    /// # impl Account { async fn handle(&mut self, op: Op) {
    /// match op {
    ///     Op::Withdraw(n, reply) => reply.send_with(|| {
    ///         self.balance = self.balance.checked_sub(n).expect("checked by the caller");
    ///         self.balance
    ///     }),
    /// }
    /// # }}
    /// ```
    pub fn send_with(self, action: impl FnOnce() -> T) {
        // Unwind-safe: the panic is resumed at once; only the reply is used in between, and it
        // holds nothing of the action's state.
        match panic::catch_unwind(AssertUnwindSafe(action)) {
            Ok(value) => self.send(value),
            Err(payload) => {
                self.fail(Unanswered::panicked(&*payload));
                panic::resume_unwind(payload)
            }
        }
    }

    /// Like [`Reply::send_with`], for an async action: sends its output, or tells the caller
    /// its panic message before the panic carries on.
    pub async fn send_from(self, action: impl Future<Output = T>) {
        // Unwind-safe for the reason `send_with` gives.
        match AssertUnwindSafe(action).catch_unwind().await {
            Ok(value) => self.send(value),
            Err(payload) => {
                self.fail(Unanswered::panicked(&*payload));
                panic::resume_unwind(payload)
            }
        }
    }

    /// Completes the reply without a value, saying why.
    fn fail(mut self, why: Unanswered) {
        match std::mem::replace(&mut self.port, Port::None) {
            Port::Oneshot(tx) => {
                let _ = tx.send(Err(why));
            }
            Port::Sink(sink) => sink(Err(why)),
            Port::None => {}
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
            sink(Err(Unanswered::Dropped));
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
