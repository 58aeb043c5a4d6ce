use async_trait::async_trait;
use mabeam_core::placement::LoadWeights;

use crate::kernel::{NodeContext, NodeService, ServiceError};
use crate::loadbalancer::LoadBalancer;

/// The agent's id.
const AGENT: &str = "mabeam.loadbalancer";

/// The load-balancer service: runs the [`LoadBalancer`] agent (every gossip interval), which
/// publishes the node's [`LoadBalancerReader`](crate::loadbalancer::LoadBalancerReader).
#[derive(Debug)]
pub(crate) struct LoadBalancerService {
    pub(crate) weights: LoadWeights,
}

#[async_trait]
impl NodeService for LoadBalancerService {
    fn name(&self) -> &'static str {
        "load-balancer"
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        let (node, membership, health, shared) = (
            ctx.name().to_owned(),
            ctx.membership().clone(),
            ctx.health().clone(),
            ctx.load_balancer().clone(),
        );
        let (every, weights) = (ctx.gossip_interval(), self.weights);
        ctx.system()
            .spawn(AGENT, move || {
                LoadBalancer::new(
                    node.clone(),
                    every,
                    membership.clone(),
                    health.clone(),
                    weights,
                    shared.clone(),
                )
            })
            .await?;
        Ok(())
    }

    async fn stop(&mut self, ctx: &NodeContext) {
        let _ = ctx.system().stop_agent(AGENT).await;
    }
}
