use async_trait::async_trait;
use mabeam_core::health::Thresholds;

use crate::health::Health;
use crate::kernel::{AdminResponse, AdminRoute, NodeContext, NodeService, ServiceError};

/// The agent's id.
const AGENT: &str = "mabeam.health";

/// The health service: runs the [`Health`] monitor (every 5 gossip intervals), which
/// publishes the node's [`HealthReader`](crate::health::HealthReader); serves `GET /health`.
#[derive(Debug, Default)]
pub(crate) struct HealthService {
    ctx: Option<NodeContext>,
}

#[async_trait]
impl NodeService for HealthService {
    fn name(&self) -> &'static str {
        "health"
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        let (gossip, membership, shared) = (
            ctx.gossip().clone(),
            ctx.membership().clone(),
            ctx.health().clone(),
        );
        let period = ctx.gossip_interval() * 5;
        ctx.system()
            .spawn(AGENT, move || {
                Health::new(
                    period,
                    gossip.clone(),
                    membership.clone(),
                    Thresholds::default(),
                    shared.clone(),
                )
            })
            .await?;
        self.ctx = Some(ctx.clone());
        Ok(())
    }

    fn admin_routes(&self) -> Vec<AdminRoute> {
        let Some(ctx) = self.ctx.clone() else {
            return Vec::new();
        };
        vec![AdminRoute::get("/health", move |_body: Vec<u8>| {
            let latest = ctx.health().latest();
            async move {
                match latest {
                    Some(health) => AdminResponse::ok(&health),
                    None => AdminResponse::status(503, "starting"),
                }
            }
        })]
    }

    async fn stop(&mut self, ctx: &NodeContext) {
        let _ = ctx.system().stop_agent(AGENT).await;
    }
}
