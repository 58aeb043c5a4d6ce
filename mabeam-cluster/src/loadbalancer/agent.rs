use std::time::Duration;

use futures::Stream;
use mabeam_actors::agent;
use mabeam_actors::prelude::*;
use mabeam_core::health::{ClusterHealth, Thresholds};
use mabeam_core::membership::MemberEvent;
use mabeam_core::placement::{score_nodes, Candidate, LoadWeights};

use crate::views::{HealthReader, LoadBalancerReader, MembershipReader, NodeScores};

/// The load-balancer agent; see the [module docs](crate::loadbalancer).
pub(crate) struct LoadBalancer {
    node: String,
    period: Duration,
    membership: MembershipReader,
    health: HealthReader,
    weights: LoadWeights,
    limits: Thresholds,
    shared: LoadBalancerReader,
}

impl std::fmt::Debug for LoadBalancer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("LoadBalancer")
            .field("node", &self.node)
            .field("weights", &self.weights)
            .field("version", &self.shared.scores().version)
            .finish_non_exhaustive()
    }
}

impl LoadBalancer {
    /// A load balancer for `node`, rescoring every `period` from `membership` and `health`
    /// and publishing to `shared`.
    pub(crate) fn new(
        node: String,
        period: Duration,
        membership: MembershipReader,
        health: HealthReader,
        weights: LoadWeights,
        shared: LoadBalancerReader,
    ) -> Self {
        Self {
            node,
            period,
            membership,
            health,
            weights,
            limits: Thresholds::default(),
            shared,
        }
    }

    /// Scores the nodes from `health` (or the latest report) and publishes the result when it
    /// differs from the last one.
    fn rescore(&self, health: Option<&ClusterHealth>) {
        let latest;
        let health = match health {
            Some(health) => Some(health),
            None => {
                latest = self.health.latest();
                latest.as_ref()
            }
        };
        let members = self.membership.members();
        let candidates = score_nodes(&members, health, &self.weights, &self.limits);
        let last = self.shared.scores();
        if last.candidates != candidates {
            tracing::debug!(node = %self.node, ?candidates, "placement candidates rescored");
            self.shared.publish(NodeScores {
                version: last.version + 1,
                candidates,
            });
        }
    }
}

#[agent(name = "mabeam.loadbalancer", vis = "pub(crate)")]
impl LoadBalancer {
    /// The nodes placement may use now, scored.
    #[action]
    fn candidates(&self) -> Vec<Candidate> {
        self.shared.scores().candidates.clone()
    }

    /// Rescores every period (the health report's figures change without a signal).
    #[sensor(stream = "ticks")]
    fn on_tick(&mut self, _tick: ()) {
        self.rescore(None);
    }

    /// Rescores when a node changes status (the membership view is already updated).
    #[on_signal("cluster.node.*")]
    fn on_member_change(&mut self, signal: Signal) -> Result<(), AgentError> {
        let event: MemberEvent = signal.decode()?;
        tracing::trace!(node = %self.node, member = %event.member.node, "rescoring on a membership change");
        self.rescore(None);
        Ok(())
    }

    /// Rescores from the new health report.
    #[on_signal("cluster.health.changed")]
    fn on_health_change(&mut self, signal: Signal) -> Result<(), AgentError> {
        let health: ClusterHealth = signal.decode()?;
        self.rescore(Some(&health));
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
