//! Agents whose actions can be requested in wire form: what `#[agent(remote)]` generates, and
//! the two ends a gateway needs — [`serve_encoded`] on the agent's node, [`encode_request`] /
//! [`decode_reply`] on the caller's.

use std::time::Duration;

use futures::future::BoxFuture;
use mabeam_core::codec::{self, CodecError};
use serde::de::DeserializeOwned;
use serde::Serialize;

use crate::{Agent, AgentRef, CallError};

/// An agent whose actions have a serializable form, [`RemoteAgent::Request`] (one variant per
/// action, named fields, no reply port). `#[agent(remote)]` implements it, and converts each
/// generated request struct into the wire form with `From`.
pub trait RemoteAgent: Agent {
    /// The wire form of the agent's actions.
    type Request: Serialize + DeserializeOwned + Send + 'static;

    /// Runs `request` on `agent` (waiting at most `timeout`, or forever with `None`) and
    /// encodes its result with the versioned codec.
    fn serve(
        agent: AgentRef<Self>,
        request: Self::Request,
        timeout: Option<Duration>,
    ) -> BoxFuture<'static, Result<Vec<u8>, ServeError>>;
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
}

/// Decodes `request` as a request of `A` and serves it on `agent`: the server end of a remote
/// call.
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
    A::serve(agent, request, timeout).await
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

/// Encodes an action's result (used by the generated [`RemoteAgent::serve`]).
#[doc(hidden)]
pub fn encode_result<T: Serialize>(result: &T) -> Result<Vec<u8>, ServeError> {
    codec::encode(result).map_err(ServeError::Encode)
}
