use std::time::Duration;

use async_trait::async_trait;
use tokio::task::JoinHandle;

use crate::kernel::{NodeContext, NodeService, ServiceError};

/// The passivation service: every quarter of the idle timeout, passivates the agents
/// activated through the cluster that have been idle that long (see
/// [`Node::passivate_idle`](crate::Node::passivate_idle)).
#[derive(Debug)]
pub(crate) struct PassivationService {
    idle: Duration,
    sweeper: Option<JoinHandle<()>>,
}

impl PassivationService {
    pub(crate) fn new(idle: Duration) -> Self {
        Self {
            idle,
            sweeper: None,
        }
    }
}

#[async_trait]
impl NodeService for PassivationService {
    fn name(&self) -> &'static str {
        "passivation"
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        let (activations, system, idle) = (
            ctx.host().activations().clone(),
            ctx.system().clone(),
            self.idle,
        );
        let every = (idle / 4).max(Duration::from_millis(50));
        self.sweeper = Some(tokio::spawn(async move {
            loop {
                tokio::time::sleep(every).await;
                activations.sweep(&system, idle).await;
            }
        }));
        Ok(())
    }

    async fn stop(&mut self, _ctx: &NodeContext) {
        if let Some(sweeper) = self.sweeper.take() {
            sweeper.abort();
        }
    }
}
