use std::time::Duration;

use async_trait::async_trait;
use mabeam_core::membership::MemberStatus;

use crate::gossip::schema::{self, Announced};
use crate::kernel::{AdminResponse, AdminRoute, NodeContext, NodeService, ServiceError};
use crate::membership::{Membership, MembershipReport};

/// The agent's id.
const AGENT: &str = "mabeam.membership";

/// The membership service: runs the [`Membership`] agent, which folds gossip into the view
/// the node's [`MembershipReader`](crate::MembershipReader) publishes; serves
/// `GET /membership` and `GET /health/ready`.
#[derive(Debug)]
pub(crate) struct MembershipService {
    pub(crate) down_after: Duration,
    pub(crate) alone_after: Duration,
    /// The node runs a transport, whose closed sessions are evidence a peer is gone.
    pub(crate) transport: bool,
    pub(crate) tags: Vec<String>,
    ctx: Option<NodeContext>,
}

impl MembershipService {
    pub(crate) fn new(
        down_after: Duration,
        alone_after: Duration,
        transport: bool,
        tags: Vec<String>,
    ) -> Self {
        Self {
            down_after,
            alone_after,
            transport,
            tags,
            ctx: None,
        }
    }
}

#[async_trait]
impl NodeService for MembershipService {
    fn name(&self) -> &'static str {
        "membership"
    }

    fn gossip_keys(&self) -> Vec<(String, String)> {
        let mut keys = vec![(
            schema::STATUS.to_owned(),
            Announced::Joining.as_str().to_owned(),
        )];
        if !self.tags.is_empty() {
            keys.push((schema::TAGS.to_owned(), schema::tags_value(&self.tags)));
        }
        keys
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        let (gossip, shared) = (ctx.gossip().clone(), ctx.membership().clone());
        let links = self.transport.then(|| ctx.sessions().clone());
        let (down_after, alone_after) = (self.down_after, self.alone_after);
        ctx.system()
            .spawn(AGENT, move || {
                Membership::new(
                    gossip.clone(),
                    down_after,
                    alone_after,
                    links.clone(),
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
        let ready = ctx.clone();
        vec![
            AdminRoute::get("/membership", move |_body: Vec<u8>| {
                let ctx = ctx.clone();
                async move {
                    AdminResponse::ok(&MembershipReport {
                        node: ctx.name().to_owned(),
                        members: ctx.membership().members(),
                        connected: ctx.sessions().connected(),
                    })
                }
            }),
            AdminRoute::get("/health/ready", move |_body: Vec<u8>| {
                let ctx = ready.clone();
                async move {
                    match ctx.membership().status(ctx.name()) {
                        Some(MemberStatus::Up) => AdminResponse::status(200, "ready"),
                        _ => AdminResponse::status(503, "starting"),
                    }
                }
            }),
        ]
    }

    async fn stop(&mut self, ctx: &NodeContext) {
        let _ = ctx.system().stop_agent(AGENT).await;
    }
}
