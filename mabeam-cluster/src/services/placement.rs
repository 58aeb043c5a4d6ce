use std::sync::Arc;

use async_trait::async_trait;
use mabeam_core::placement::LoadWeights;

use crate::kernel::{NodeContext, NodeService, Protocol, ServiceError};
use crate::placement::{DirectoryAgent, Placer, PROTOCOL};

/// The agent's id.
const AGENT: &str = "mabeam.directory";

/// The placement service: the node's [`Placer`] (the directory of the strategy-placed agents
/// it owns by hash, and the rules that place them), its `mabeam.directory` agent that follows
/// membership, and the directory's wire protocol.
#[derive(Debug)]
pub(crate) struct PlacementService {
    weights: LoadWeights,
    placer: Option<Arc<Placer>>,
    ctx: Option<NodeContext>,
}

impl PlacementService {
    pub(crate) fn new(weights: LoadWeights) -> Self {
        Self {
            weights,
            placer: None,
            ctx: None,
        }
    }
}

#[async_trait]
impl NodeService for PlacementService {
    fn name(&self) -> &'static str {
        "placement"
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        let placer = Arc::new(Placer::new(
            ctx.gossip().clone(),
            ctx.membership().clone(),
            ctx.link().clone(),
            ctx.load_balancer().clone(),
            self.weights,
            ctx.locator().placements(),
        ));
        ctx.locator().set_placer(placer.clone());
        let (directory, every) = (placer.clone(), ctx.gossip_interval());
        ctx.system()
            .spawn(AGENT, move || DirectoryAgent::new(directory.clone(), every))
            .await?;
        self.placer = Some(placer);
        self.ctx = Some(ctx.clone());
        Ok(())
    }

    fn protocol(&self) -> Option<Protocol> {
        let (placer, ctx) = (self.placer.clone()?, self.ctx.clone()?);
        Some(Protocol::new(PROTOCOL, move |request: Vec<u8>| {
            let (placer, ctx) = (placer.clone(), ctx.clone());
            async move { placer.serve(ctx.host(), &request).await }
        }))
    }

    async fn stop(&mut self, ctx: &NodeContext) {
        let _ = ctx.system().stop_agent(AGENT).await;
    }
}
