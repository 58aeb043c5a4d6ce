use std::net::SocketAddr;

use async_trait::async_trait;

use crate::kernel::{AdminResponse, AdminRoute, NodeContext, NodeService, ServiceError};
use crate::link_filter::LinkFilter;

/// The fault-injection service: the admin routes that cut and heal the node's links.
#[derive(Debug)]
pub(crate) struct FaultInjection {
    pub(crate) filter: LinkFilter,
}

#[async_trait]
impl NodeService for FaultInjection {
    fn name(&self) -> &'static str {
        "fault-injection"
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        tracing::warn!(node = %ctx.name(), "fault injection is on: never in production");
        Ok(())
    }

    fn admin_routes(&self) -> Vec<AdminRoute> {
        let (cut, heal) = (self.filter.clone(), self.filter.clone());
        vec![
            AdminRoute::post("/debug/partition", move |body: Vec<u8>| {
                let filter = cut.clone();
                async move {
                    match serde_json::from_slice::<Vec<SocketAddr>>(&body) {
                        Ok(peers) => {
                            filter.block(peers);
                            AdminResponse::status(200, "partitioned")
                        }
                        Err(_) => AdminResponse::status(400, "expected a JSON list of addresses"),
                    }
                }
            }),
            AdminRoute::post("/debug/heal", move |_body: Vec<u8>| {
                let filter = heal.clone();
                async move {
                    filter.heal();
                    AdminResponse::status(200, "healed")
                }
            }),
        ]
    }
}
