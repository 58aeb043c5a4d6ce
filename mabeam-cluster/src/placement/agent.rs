use std::sync::Arc;
use std::time::Duration;

use futures::Stream;
use mabeam_actors::agent;
use mabeam_actors::prelude::*;
use mabeam_core::membership::MemberEvent;

use super::placer::Placer;

/// The directory agent `mabeam.directory`: keeps this node's placement directory in step with
/// the membership view. On every membership change (and every gossip interval, to retry) it
/// drops the entries of lost hosts and of agents now owned elsewhere, and sends each hash owner
/// the report of the strategy-placed agents this node hosts for it; see the
/// [module docs](crate::placement).
pub(crate) struct DirectoryAgent {
    placer: Arc<Placer>,
    period: Duration,
}

impl std::fmt::Debug for DirectoryAgent {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("DirectoryAgent")
            .field("placer", &self.placer)
            .finish_non_exhaustive()
    }
}

impl DirectoryAgent {
    pub(crate) fn new(placer: Arc<Placer>, period: Duration) -> Self {
        Self { placer, period }
    }
}

#[agent(name = "mabeam.directory", vis = "pub(crate)")]
impl DirectoryAgent {
    /// How many directory entries this node keeps (agents it owns by hash that a rule placed),
    /// and how many placed agents it hosts.
    #[action]
    fn counts(&self) -> (usize, usize) {
        self.placer.counts()
    }

    /// Every gossip interval: reports not yet acknowledged are sent again.
    #[sensor(stream = "ticks")]
    async fn on_tick(&mut self, _tick: ()) {
        self.placer.follow_membership().await;
    }

    /// A membership change (the view is already updated): follow it at once.
    #[on_signal("cluster.node.*")]
    async fn on_member_change(&mut self, signal: Signal) -> Result<(), AgentError> {
        let _event: MemberEvent = signal.decode()?;
        self.placer.follow_membership().await;
        Ok(())
    }

    fn ticks(&self) -> impl Stream<Item = ()> + Send + 'static {
        let period = self.period;
        futures::stream::unfold(true, move |first| async move {
            if !first {
                tokio::time::sleep(period).await;
            }
            Some(((), false))
        })
    }
}
