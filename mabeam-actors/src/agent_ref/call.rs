use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use mabeam_core::AgentId;
use pin_project_lite::pin_project;
use tokio::sync::oneshot;
use tokio::time::Timeout;

use super::{AgentRef, CallError};
use crate::agent::{Agent, AgentMsg, Reply};

/// A call being prepared: set options, then `.await` it. Nothing is sent before the await.
///
/// ```no_run
/// # use mabeam_actors::prelude::*;
/// # use std::time::Duration;
/// # struct A; enum Act { Get(Reply<u64>) }
/// # impl Agent for A { type Action = Act;
/// #   async fn handle(&mut self, _: &mut Ctx<Self>, _: Act) -> Result<(), AgentError> { Ok(()) } }
/// # async fn demo(agent: AgentRef<A>) -> Result<(), CallError> {
/// let n = agent.call(Act::Get).timeout(Duration::from_millis(100)).await?;
/// let m = agent.call(Act::Get).no_timeout().await?;
/// # Ok(()) }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct Call<'a, A: Agent, T, F> {
    agent: &'a AgentRef<A>,
    build: F,
    timeout: Option<Duration>,
    _reply: PhantomData<fn() -> T>,
}

impl<'a, A, T, F> Call<'a, A, T, F>
where
    A: Agent,
    F: FnOnce(Reply<T>) -> A::Action,
    T: Send + 'static,
{
    pub(super) fn new(agent: &'a AgentRef<A>, build: F, timeout: Option<Duration>) -> Self {
        Self {
            agent,
            build,
            timeout,
            _reply: PhantomData,
        }
    }

    /// Fails with [`CallError::Timeout`] if no reply came within `timeout` (overrides the
    /// system's default).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }

    /// Waits for the reply however long it takes.
    pub fn no_timeout(mut self) -> Self {
        self.timeout = None;
        self
    }
}

impl<'a, A, T, F> IntoFuture for Call<'a, A, T, F>
where
    A: Agent,
    F: FnOnce(Reply<T>) -> A::Action,
    T: Send + 'static,
{
    type Output = Result<T, CallError>;
    type IntoFuture = CallFuture<'a, T>;

    fn into_future(self) -> Self::IntoFuture {
        let slot = self.agent.slot();
        let id = slot.id();
        let current = slot.current();
        let Some(cell) = current.as_ref() else {
            return CallFuture::failed(id, CallError::NotRunning { id: id.clone() });
        };
        let (reply, rx) = Reply::pair();
        if cell
            .send_message(AgentMsg::<A>::Action((self.build)(reply)))
            .is_err()
        {
            return CallFuture::failed(id, CallError::NotRunning { id: id.clone() });
        }
        CallFuture::waiting(id, rx, self.timeout)
    }
}

impl<A: Agent, T, F> fmt::Debug for Call<'_, A, T, F> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Call")
            .field("agent", self.agent.id())
            .field("timeout", &self.timeout)
            .finish()
    }
}

pin_project! {
    #[project = StateProj]
    enum State<T> {
        Failed { error: Option<CallError> },
        Waiting { #[pin] rx: oneshot::Receiver<T> },
        Timed { #[pin] rx: Timeout<oneshot::Receiver<T>>, after: Duration },
    }
}

pin_project! {
    /// The future of an awaited [`Call`].
    #[must_use = "futures do nothing unless polled"]
    pub struct CallFuture<'a, T> {
        id: &'a AgentId,
        #[pin]
        state: State<T>,
    }
}

impl<'a, T> CallFuture<'a, T> {
    fn failed(id: &'a AgentId, error: CallError) -> Self {
        Self {
            id,
            state: State::Failed { error: Some(error) },
        }
    }

    fn waiting(id: &'a AgentId, rx: oneshot::Receiver<T>, timeout: Option<Duration>) -> Self {
        let state = match timeout {
            Some(after) => State::Timed {
                rx: tokio::time::timeout(after, rx),
                after,
            },
            None => State::Waiting { rx },
        };
        Self { id, state }
    }
}

impl<T> Future for CallFuture<'_, T> {
    type Output = Result<T, CallError>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.project();
        let id = *this.id;
        let no_reply = || CallError::NoReply { id: id.clone() };
        Poll::Ready(match this.state.project() {
            StateProj::Failed { error } => Err(error.take().unwrap_or_else(no_reply)),
            StateProj::Waiting { rx } => ready!(rx.poll(cx)).map_err(|_| no_reply()),
            StateProj::Timed { rx, after } => match ready!(rx.poll(cx)) {
                Ok(reply) => reply.map_err(|_| no_reply()),
                Err(_) => Err(CallError::Timeout {
                    id: id.clone(),
                    after: *after,
                }),
            },
        })
    }
}

impl<T> fmt::Debug for CallFuture<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("CallFuture")
            .field("agent", self.id)
            .finish()
    }
}

/// Awaits a reply receiver with an optional timeout (for the non-action requests).
pub(crate) async fn await_reply<T>(
    id: &AgentId,
    rx: oneshot::Receiver<T>,
    timeout: Option<Duration>,
) -> Result<T, CallError> {
    CallFuture::waiting(id, rx, timeout).await
}
