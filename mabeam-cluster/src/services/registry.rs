use std::sync::{Arc, OnceLock};

use async_trait::async_trait;
use mabeam_actors::AgentRef;

use crate::gossip::schema;
use crate::kernel::{NodeContext, NodeService, ServiceError};
use crate::registry::{ClusterRegistry, AGENT_NAME};

/// The registry service: announces the agent types the node hosts and runs the
/// `mabeam.registry` agent (cluster-wide names, singletons, one-per-node agents), which
/// publishes the node's [`RegistryReader`](crate::registry::RegistryReader).
#[derive(Debug)]
pub(crate) struct RegistryService {
    /// The gossip value of the hosted types.
    types: String,
    /// Where the node finds the agent (for `register_name`, `start_singleton`, ...).
    agent: Arc<OnceLock<AgentRef<ClusterRegistry>>>,
}

impl RegistryService {
    pub(crate) fn new(types: String, agent: Arc<OnceLock<AgentRef<ClusterRegistry>>>) -> Self {
        Self { types, agent }
    }
}

#[async_trait]
impl NodeService for RegistryService {
    fn name(&self) -> &'static str {
        "registry"
    }

    fn gossip_keys(&self) -> Vec<(String, String)> {
        vec![(schema::TYPES.to_owned(), self.types.clone())]
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        let (gossip, membership, types, shared) = (
            ctx.gossip().clone(),
            ctx.membership().clone(),
            ctx.host().clone(),
            ctx.registry().clone(),
        );
        let agent = ctx
            .system()
            .spawn(AGENT_NAME, move || {
                ClusterRegistry::new(
                    gossip.clone(),
                    membership.clone(),
                    types.clone(),
                    shared.clone(),
                )
            })
            .await?;
        let _ = self.agent.set(agent);
        Ok(())
    }

    async fn stop(&mut self, ctx: &NodeContext) {
        // The registry has handed its singletons over during the leave. Quiet it before
        // stopping it: it must not be waiting on the root supervisor (starting or stopping an
        // agent) while the root waits for it to stop.
        let registry = ctx.registry();
        registry.close();
        let managed = registry.running_here();
        let _ = ctx.system().stop_agent(AGENT_NAME).await;
        // The singletons and one-per-node agents it ran (an application's system goes on).
        for agent in managed {
            let _ = ctx.system().stop_agent(&agent).await;
        }
    }
}
