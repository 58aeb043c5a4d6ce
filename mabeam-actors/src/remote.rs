//! Agents whose actions can be requested in wire form: what `#[agent(remote)]` generates, and
//! the two ends a gateway needs — [`RemoteAgent::wire_action`] (or [`serve_encoded`]) on the
//! agent's node, [`encode_request`] / [`decode_reply`] on the caller's.

use std::fmt;
use std::time::Duration;

use mabeam_core::codec::{self, CodecError};
use mabeam_core::wire::OUTCOME_OK;
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Agent, AgentRef, CallError, Reply, Unanswered};

/// An agent whose actions have a serializable form, [`RemoteAgent::Request`] (one variant per
/// action, named fields, no reply port). `#[agent(remote)]` implements it, and converts each
/// generated request struct into the wire form with `From`.
pub trait RemoteAgent: Agent {
    /// The wire form of the agent's actions.
    type Request: Serialize + DeserializeOwned + Send + 'static;

    /// The action for `request`, whose result is encoded and handed to `reply` by the agent
    /// itself (no task or channel in between).
    fn wire_action(request: Self::Request, reply: WireReply) -> Self::Action;
}

/// Why a wire request got no encoded result.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ServeError {
    /// The request bytes are not a request of this agent type (garbage, another type, another
    /// version).
    #[error("cannot decode the request: {0}")]
    Decode(#[source] CodecError),
    /// The call failed: the agent is not running, timed out, or failed before replying.
    #[error(transparent)]
    Call(#[from] CallError),
    /// The result could not be encoded.
    #[error("cannot encode the result: {0}")]
    Encode(#[source] CodecError),
    /// The agent dropped the reply without a result: it stopped or failed before answering.
    #[error("the agent failed before replying")]
    Dropped,
    /// The action panicked; the panic message.
    #[error("the action panicked: {0}")]
    Panicked(String),
}

type WireSink = Box<dyn FnOnce(Result<Vec<u8>, ServeError>) + Send>;

/// Where a wire request's result goes: a function given, exactly once, the outcome bytes
/// ([`OUTCOME_OK`] followed by the encoded result, or a failed outcome written with
/// [`wire::write_error`](mabeam_core::wire::write_error)) or why there are none
/// ([`ServeError::Panicked`] when the action panicked). Dropped unused, it hands over
/// [`ServeError::Dropped`].
pub struct WireReply {
    sink: Option<WireSink>,
}

impl WireReply {
    /// A reply handing its outcome to `sink`.
    pub fn new(sink: impl FnOnce(Result<Vec<u8>, ServeError>) + Send + 'static) -> Self {
        Self {
            sink: Some(Box::new(sink)),
        }
    }

    /// A reply nobody waits for (a cast): the result is neither encoded nor sent.
    pub fn detached() -> Self {
        Self { sink: None }
    }

    /// The same reply, keeping `guard` alive until the outcome is handed over (a detached
    /// reply drops it at once).
    pub fn holding<G: Send + 'static>(mut self, guard: G) -> Self {
        match self.sink.take() {
            None => Self::detached(),
            Some(sink) => Self::new(move |outcome| {
                sink(outcome);
                drop(guard);
            }),
        }
    }

    /// True for a reply nobody waits for.
    pub fn is_detached(&self) -> bool {
        self.sink.is_none()
    }

    /// Hands `outcome` over now (for a failure found before the agent was reached).
    pub fn send(mut self, outcome: Result<Vec<u8>, ServeError>) {
        if let Some(sink) = self.sink.take() {
            sink(outcome);
        }
    }

    /// The typed [`Reply`] an action of result type `T` takes (used by the generated
    /// [`RemoteAgent::wire_action`]).
    #[doc(hidden)]
    pub fn into_reply<T: Serialize + Send + 'static>(mut self) -> Reply<T> {
        match self.sink.take() {
            None => Reply::detached(),
            Some(sink) => Reply::from_fn(move |outcome: Result<T, Unanswered>| {
                sink(match outcome {
                    Ok(value) => encode_outcome(&value),
                    Err(Unanswered::Panicked(panic)) => Err(ServeError::Panicked(panic)),
                    Err(Unanswered::Dropped) => Err(ServeError::Dropped),
                })
            }),
        }
    }
}

impl Drop for WireReply {
    fn drop(&mut self) {
        if let Some(sink) = self.sink.take() {
            sink(Err(ServeError::Dropped));
        }
    }
}

impl fmt::Debug for WireReply {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("WireReply")
            .field("detached", &self.sink.is_none())
            .finish()
    }
}

/// `OUTCOME_OK` followed by the encoded `value`.
fn encode_outcome<T: Serialize>(value: &T) -> Result<Vec<u8>, ServeError> {
    let mut out = Vec::with_capacity(16);
    out.push(OUTCOME_OK);
    codec::encode_into(&mut out, value).map_err(ServeError::Encode)?;
    Ok(out)
}

/// Decodes `request` as a request of `A`, runs it on `agent` (waiting at most `timeout`, or
/// forever with `None`) and returns its encoded result: the server end of a remote call.
///
/// ```
/// use mabeam_actors::prelude::*;
/// use mabeam_actors::agent;
/// use mabeam_actors::remote::{decode_reply, encode_request, serve_encoded};
///
/// #[derive(Default)]
/// struct Counter { n: u64 }
///
/// #[agent(remote)]
/// impl Counter {
///     #[action]
///     fn add(&mut self, by: u64) -> u64 { self.n += by; self.n }
/// }
///
/// # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let system = AgentSystem::builder().start().await?;
/// let counter = system.spawn("c1", Counter::default).await?;
/// let wire = encode_request::<Counter, _>(CounterAdd { by: 5 })?;
/// let reply = serve_encoded(counter, &wire, None).await?;
/// assert_eq!(decode_reply::<u64>(&reply)?, 5);
/// # system.shutdown().await; Ok(()) }
/// ```
pub async fn serve_encoded<A: RemoteAgent>(
    agent: AgentRef<A>,
    request: &[u8],
    timeout: Option<Duration>,
) -> Result<Vec<u8>, ServeError> {
    let request: A::Request = codec::decode(request).map_err(ServeError::Decode)?;
    let (tx, rx) = tokio::sync::oneshot::channel();
    let action = A::wire_action(
        request,
        WireReply::new(move |outcome| {
            let _ = tx.send(outcome);
        }),
    );
    let id = agent.id().clone();
    agent
        .cast(action)
        .map_err(|_| CallError::NotRunning { id: id.clone() })?;
    let outcome = match timeout {
        Some(after) => tokio::time::timeout(after, rx)
            .await
            .map_err(|_| CallError::Timeout {
                id: id.clone(),
                after,
            })?,
        None => rx.await,
    };
    // As for a call: an agent that dropped the reply (it failed) is `NoReply`, a panic in the
    // action `AgentFailed`.
    let no_reply = || ServeError::Call(CallError::NoReply { id: id.clone() });
    let mut bytes = match outcome {
        Ok(Ok(bytes)) => bytes,
        Ok(Err(ServeError::Dropped)) | Err(_) => return Err(no_reply()),
        Ok(Err(ServeError::Panicked(panic))) => {
            return Err(ServeError::Call(CallError::AgentFailed {
                id: id.clone(),
                panic,
            }))
        }
        Ok(Err(other)) => return Err(other),
    };
    bytes.remove(0);
    Ok(bytes)
}

/// Encodes a prepared request (a request struct `#[agent(remote)]` generated) in the wire form
/// of `A`: the caller's end.
pub fn encode_request<A, R>(request: R) -> Result<Vec<u8>, CodecError>
where
    A: RemoteAgent,
    R: Into<A::Request>,
{
    codec::encode(&request.into())
}

/// Decodes the encoded result of a remote call.
pub fn decode_reply<T: DeserializeOwned>(reply: &[u8]) -> Result<T, CodecError> {
    codec::decode(reply)
}
