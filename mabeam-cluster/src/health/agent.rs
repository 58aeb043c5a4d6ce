use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use futures::Stream;
use mabeam_actors::prelude::*;
use mabeam_actors::{agent, Lane};
use mabeam_core::health::{
    assess, ClusterHealth, FlapTracker, HealthStatus, NodeMetrics, Thresholds,
};
use mabeam_core::membership::MemberEvent;

use super::process::{rss_bytes, CpuMeter};
use crate::gossip::{newest_per_node, schema, Gossip};
use crate::views::{HealthReader, MembershipReader};

/// The health monitor agent; see the [module docs](crate::health).
pub(crate) struct Health {
    period: Duration,
    gossip: Gossip,
    membership: MembershipReader,
    flaps: FlapTracker,
    metrics: BTreeMap<String, NodeMetrics>,
    cpu: CpuMeter,
    limits: Thresholds,
    last: Option<HealthStatus>,
    shared: HealthReader,
}

impl std::fmt::Debug for Health {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Health")
            .field("node", &self.gossip.name())
            .field("last", &self.last)
            .finish_non_exhaustive()
    }
}

impl Health {
    fn reassess(&mut self, ctx: &mut Ctx<Self>) {
        self.flaps.expire(Instant::now());
        let members = self.membership.members();
        let rtts: BTreeMap<String, Duration> = members
            .iter()
            .filter(|m| m.node != self.gossip.name())
            .filter_map(|m| Some((m.node.clone(), self.gossip.rtt().get(m.gossip_addr)?)))
            .collect();
        let health = assess(
            self.gossip.name(),
            &members,
            &self.metrics,
            &rtts,
            &self.flaps,
            &self.limits,
        );
        if self.last != Some(health.status) {
            tracing::info!(status = ?health.status, reasons = ?health.reasons, "cluster health changed");
            self.last = Some(health.status);
            let _ = ctx.emit_on(Lane::Control, "cluster.health.changed", health.clone());
        }
        self.shared.set(health);
    }

    pub(crate) fn new(
        period: Duration,
        gossip: Gossip,
        membership: MembershipReader,
        limits: Thresholds,
        shared: HealthReader,
    ) -> Self {
        Self {
            period,
            gossip,
            membership,
            flaps: FlapTracker::new(limits.flap_window),
            metrics: BTreeMap::new(),
            cpu: CpuMeter::new(),
            limits,
            last: None,
            shared,
        }
    }
}

#[agent(name = "mabeam.health", vis = "pub(crate)")]
impl Health {
    /// The latest report.
    #[action]
    fn report(&self) -> Option<ClusterHealth> {
        self.shared.latest()
    }

    /// Publishes this node's metrics, then reassesses the cluster.
    #[sensor(stream = "ticks")]
    async fn on_tick(&mut self, ctx: &mut Ctx<Self>, _tick: ()) {
        let registry = ctx.system().registry();
        let largest = registry.largest_backlog();
        if let Some((agent, backlog)) = largest
            .as_ref()
            .filter(|(_, b)| *b > self.limits.max_backlog)
        {
            tracing::warn!(%agent, backlog, limit = self.limits.max_backlog, "an agent cannot keep up with its mailbox");
        }
        let own = NodeMetrics {
            agents: registry.len() as u64,
            rss_bytes: rss_bytes(),
            largest_backlog: largest.map_or(0, |(_, b)| b),
            cpu_percent: self.cpu.sample(),
        };
        self.metrics = {
            let chitchat = self.gossip.chitchat();
            let mut gossip = chitchat.lock().await;
            let state = gossip.self_node_state();
            schema::set_metrics(state, &own);
            newest_per_node(&gossip, schema::metrics)
        };
        self.reassess(ctx);
    }

    /// Reassesses on every membership change (losses also count towards flapping).
    #[on_signal("cluster.node.*")]
    fn on_member_change(&mut self, ctx: &mut Ctx<Self>, signal: Signal) -> Result<(), AgentError> {
        let event: MemberEvent = signal.decode()?;
        self.flaps.record(&event, Instant::now());
        self.reassess(ctx);
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
