use std::fmt;
use std::future::{Future, IntoFuture};
use std::marker::PhantomData;
use std::pin::Pin;
use std::sync::Arc;
use std::task::{ready, Context, Poll};
use std::time::Duration;

use mabeam_core::AgentId;
use pin_project_lite::pin_project;
use tokio::sync::oneshot;
use tokio::time::Timeout;

use super::{AgentRef, CallError};
use crate::agent::{Agent, AgentMsg, Reply, Unanswered};
use crate::registry::AgentSlot;
use ractor::MessagingErr;

/// Builds an agent's action around the [`Reply`] for its result: what [`Call`] sends.
///
/// Implemented for closures `FnOnce(Reply<T>) -> A::Action` (what [`AgentRef::call`] takes)
/// and for the request types `#[agent]` generates.
pub trait IntoAction<A: Agent, T> {
    /// The action, carrying `reply`.
    fn into_action(self, reply: Reply<T>) -> A::Action;
}

impl<A: Agent, T, F: FnOnce(Reply<T>) -> A::Action> IntoAction<A, T> for F {
    fn into_action(self, reply: Reply<T>) -> A::Action {
        self(reply)
    }
}

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
    F: IntoAction<A, T>,
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
    F: IntoAction<A, T>,
    T: Send + 'static,
{
    type Output = Result<T, CallError>;
    type IntoFuture = CallFuture<'a, T>;

    fn into_future(self) -> Self::IntoFuture {
        let slot = self.agent.slot();
        let id = slot.id();
        let (reply, rx) = Reply::pair();
        let mut message = AgentMsg::<A>::Action(self.build.into_action(reply));
        if let Some(cell) = slot.current().as_ref() {
            match cell.send_message(message) {
                Ok(()) => {
                    slot.note_queued();
                    return CallFuture::waiting(id, rx, self.timeout);
                }
                Err(MessagingErr::SendErr(back)) => message = back,
                Err(_) => return CallFuture::failed(id, CallError::NotRunning { id: id.clone() }),
            }
        }
        // No live instance right now (restarting, or stopping): wait for the next one.
        CallFuture {
            id,
            state: State::Slow {
                fut: Box::pin(deliver(slot.clone(), message, rx, self.timeout)),
            },
        }
    }
}

/// The slow path of a call: waits (within `timeout`) for a live instance, delivers, and waits
/// for the reply.
pub(crate) async fn deliver<A: Agent, T>(
    slot: Arc<AgentSlot>,
    mut message: AgentMsg<A>,
    rx: Receiver<T>,
    timeout: Option<Duration>,
) -> Result<T, CallError> {
    let id = slot.id().clone();
    let work = async {
        loop {
            let Some((holder, cell)) = slot.running().await else {
                return Err(CallError::NotRunning { id: id.clone() });
            };
            match cell.send_message(message) {
                Ok(()) => {
                    holder.note_queued();
                    break;
                }
                // It is stopping: forget it and wait for its successor.
                Err(MessagingErr::SendErr(back)) => {
                    message = back;
                    holder.clear_if(cell.get_id());
                }
                Err(_) => return Err(CallError::NotRunning { id: id.clone() }),
            }
        }
        outcome(&id, rx.await)
    };
    match timeout {
        Some(after) => tokio::time::timeout(after, work).await.unwrap_or_else(|_| {
            Err(CallError::Timeout {
                id: id.clone(),
                after,
            })
        }),
        None => work.await,
    }
}

/// Where a call's outcome arrives (see [`Reply::pair`]).
type Receiver<T> = oneshot::Receiver<Result<T, Unanswered>>;

/// A call's result from what its reply channel gave: the value, the action's panic, or
/// nothing (the reply was dropped).
fn outcome<T>(
    id: &AgentId,
    received: Result<Result<T, Unanswered>, oneshot::error::RecvError>,
) -> Result<T, CallError> {
    match received {
        Ok(Ok(value)) => Ok(value),
        Ok(Err(Unanswered::Panicked(panic))) => Err(CallError::AgentFailed {
            id: id.clone(),
            panic,
        }),
        Ok(Err(Unanswered::Dropped)) | Err(_) => Err(CallError::NoReply { id: id.clone() }),
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
    enum State<'a, T> {
        Failed { error: Option<CallError> },
        Slow { fut: Pin<Box<dyn Future<Output = Result<T, CallError>> + Send + 'a>> },
        Waiting { #[pin] rx: Receiver<T> },
        Timed { #[pin] rx: Timeout<Receiver<T>>, after: Duration },
    }
}

pin_project! {
    /// The future of an awaited [`Call`].
    #[must_use = "futures do nothing unless polled"]
    pub struct CallFuture<'a, T> {
        id: &'a AgentId,
        #[pin]
        state: State<'a, T>,
    }
}

impl<'a, T> CallFuture<'a, T> {
    fn failed(id: &'a AgentId, error: CallError) -> Self {
        Self {
            id,
            state: State::Failed { error: Some(error) },
        }
    }

    fn waiting(id: &'a AgentId, rx: Receiver<T>, timeout: Option<Duration>) -> Self {
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
        Poll::Ready(match this.state.project() {
            StateProj::Failed { error } => Err(error
                .take()
                .unwrap_or_else(|| CallError::NoReply { id: id.clone() })),
            StateProj::Slow { fut } => ready!(fut.as_mut().poll(cx)),
            StateProj::Waiting { rx } => outcome(id, ready!(rx.poll(cx))),
            StateProj::Timed { rx, after } => match ready!(rx.poll(cx)) {
                Ok(received) => outcome(id, received),
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
