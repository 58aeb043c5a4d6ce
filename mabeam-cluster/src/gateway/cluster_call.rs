use std::fmt;
use std::future::IntoFuture;
use std::marker::PhantomData;
use std::time::Duration;

use futures::future::BoxFuture;
use mabeam_actors::{AgentHandle, IntoAction, RemoteAgent};
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::{ClusterRef, RemoteError};

/// A call through a [`ClusterRef`] being prepared: set options, then `.await` it for the
/// action's result `T`, or a [`RemoteError`]. Nothing is sent before the await.
///
/// What the typed methods `#[agent]` generates return on a cluster handle:
///
/// ```no_run
/// # use mabeam_actors::agent;
/// # use mabeam_cluster::{gateway::RemoteError, Node};
/// # use std::time::Duration;
/// # #[derive(Default)] struct Counter { n: u64 }
/// # #[agent(remote)]
/// # impl Counter { #[action] fn add(&mut self, by: u64) -> u64 { self.n += by; self.n } }
/// # async fn demo(node: Node) -> Result<(), RemoteError> {
/// let counter = node.agent::<Counter>("c-42");
/// let n = counter.add(5).await?;
/// let m = counter.add(5).timeout(Duration::from_millis(200)).await?;
/// # Ok(()) }
/// ```
#[must_use = "a call does nothing until it is awaited"]
pub struct ClusterCall<'a, A, R, T> {
    agent: &'a ClusterRef<A>,
    request: R,
    timeout: Option<Duration>,
    _result: PhantomData<fn() -> T>,
}

impl<A, R, T> ClusterCall<'_, A, R, T> {
    /// Fails with [`RemoteError::Timeout`] if no reply came within `timeout` (overrides the
    /// handle's, set with [`ClusterRef::timeout`]).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = Some(timeout);
        self
    }
}

impl<'a, A, R, T> IntoFuture for ClusterCall<'a, A, R, T>
where
    A: RemoteAgent,
    // Held across an await by the placement path: boxed as `Send`, the future needs it.
    A::Request: Sync,
    R: IntoAction<A, T> + Into<A::Request> + Send + 'a,
    T: Serialize + DeserializeOwned + Send + 'static,
{
    type Output = Result<T, RemoteError>;
    type IntoFuture = BoxFuture<'a, Self::Output>;

    fn into_future(self) -> Self::IntoFuture {
        let Self {
            agent,
            request,
            timeout,
            ..
        } = self;
        Box::pin(async move {
            match timeout {
                // A handle is cheap to clone; only a call with its own timeout does.
                Some(timeout) => agent.clone().timeout(timeout).request(request).await,
                None => agent.request(request).await,
            }
        })
    }
}

impl<A, R, T> fmt::Debug for ClusterCall<'_, A, R, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ClusterCall")
            .field("agent", self.agent)
            .field("timeout", &self.timeout)
            .finish_non_exhaustive()
    }
}

/// The typed methods `#[agent]` generates (`counter.add(5)`) on a cluster handle.
impl<A, R, T> AgentHandle<A, R, T> for ClusterRef<A>
where
    A: RemoteAgent,
    A::Request: Sync,
    R: IntoAction<A, T> + Into<A::Request> + Send + 'static,
    T: Serialize + DeserializeOwned + Send + 'static,
{
    type Error = RemoteError;
    type Call<'a>
        = ClusterCall<'a, A, R, T>
    where
        Self: 'a;

    fn prepare(&self, request: R) -> Self::Call<'_> {
        ClusterCall {
            agent: self,
            request,
            timeout: None,
            _result: PhantomData,
        }
    }
}
