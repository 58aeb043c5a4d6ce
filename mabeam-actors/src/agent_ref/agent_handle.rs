use std::future::IntoFuture;

use super::{AgentRef, Call, CallError, IntoAction};
use crate::agent::Agent;

/// A handle through which agent `A` can be called with the prepared request `R`, for a result
/// `T`: the common ground of a local [`AgentRef<A>`] and a cluster-wide
/// `mabeam_cluster::gateway::ClusterRef<A>`.
///
/// The handle trait `#[agent]` generates (`CounterHandle`, one method per action) is
/// implemented for every type that is an `AgentHandle` for each of the agent's requests, so
/// `counter.add(5)` reads the same on either handle and returns that handle's own call
/// builder: a [`Call`] on an `AgentRef` (nothing boxed or serialized), a `ClusterCall` on a
/// `ClusterRef`. Each can be given a timeout before it is awaited.
///
/// ```
/// use mabeam_actors::prelude::*;
/// use mabeam_actors::agent;
///
/// #[derive(Default)]
/// struct Counter { n: u64 }
///
/// #[agent]
/// impl Counter {
///     #[action]
///     fn add(&mut self, by: u64) -> u64 { self.n += by; self.n }
/// }
///
/// /// Works with any handle on a `Counter`, local or cluster-wide.
/// async fn add_twice(counter: &impl CounterHandle) -> Result<u64, Box<dyn std::error::Error>> {
///     counter.add(1).await?;
///     Ok(counter.add(1).await?)
/// }
///
/// # #[tokio::main(flavor = "multi_thread", worker_threads = 2)]
/// # async fn main() -> Result<(), Box<dyn std::error::Error>> {
/// let system = AgentSystem::builder().start().await?;
/// let counter = system.spawn("c1", Counter::default).await?;
/// assert_eq!(add_twice(&counter).await?, 2);
/// system.shutdown().await;
/// # Ok(()) }
/// ```
///
/// The result type is a parameter rather than an associated type of the request, so that an
/// action may return a type private to the agent's module.
pub trait AgentHandle<A: Agent, R, T> {
    /// Why a call through this handle fails.
    type Error: std::error::Error + Send + Sync + 'static;

    /// A prepared call: set its options, then `.await` it for the action's result.
    type Call<'a>: IntoFuture<Output = Result<T, Self::Error>>
    where
        Self: 'a;

    /// Prepares a call of `request`. Nothing is sent before it is awaited.
    fn prepare(&self, request: R) -> Self::Call<'_>;
}

impl<A, R, T> AgentHandle<A, R, T> for AgentRef<A>
where
    A: Agent,
    R: IntoAction<A, T>,
    T: Send + 'static,
{
    type Error = CallError;
    type Call<'a>
        = Call<'a, A, T, R>
    where
        Self: 'a;

    fn prepare(&self, request: R) -> Self::Call<'_> {
        self.request(request)
    }
}
