use std::net::SocketAddr;

use async_trait::async_trait;

use crate::discovery::{Setup, AGENT_NAME};
use crate::kernel::{NodeContext, NodeService, ServiceError};

/// The discovery service: runs the `mabeam.discovery` agent with the strategies the builder
/// validated (none: no agent).
#[derive(Debug)]
pub(crate) struct DiscoveryService {
    setup: Option<Setup>,
    gossip_addr: SocketAddr,
}

impl DiscoveryService {
    pub(crate) fn new(setup: Setup, gossip_addr: SocketAddr) -> Self {
        Self {
            setup: Some(setup),
            gossip_addr,
        }
    }
}

#[async_trait]
impl NodeService for DiscoveryService {
    fn name(&self) -> &'static str {
        "discovery"
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        if let Some(setup) = self.setup.take() {
            setup
                .spawn(
                    ctx.system(),
                    ctx.name(),
                    self.gossip_addr,
                    ctx.gossip().clone(),
                )
                .await?;
        }
        Ok(())
    }

    async fn stop(&mut self, ctx: &NodeContext) {
        // Before gossip stops: it would keep asking the stopped gossip layer to contact peers.
        let _ = ctx.system().stop_agent(AGENT_NAME).await;
    }
}
