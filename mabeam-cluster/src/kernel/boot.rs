use std::sync::Arc;
use std::time::Duration;

use mabeam_actors::AgentSystem;
use mabeam_core::membership::Incarnation;
use ractor::{Actor, ActorRef};

use super::context::Inner;
use super::KernelError;
use super::{NodeContext, NodeService};
use crate::gateway::{CallPath, Gateway, GatewayArgs};
use crate::gossip::{schema, Gossip, GossipSettings};
use crate::hosting::{AgentTypes, Host};
use crate::link::{GatewayMsg, NodeLink};
use crate::locator::Locator;
use crate::placement::TypePlacement;
use crate::views::{
    ConnectionsReader, HealthReader, LoadBalancerReader, MembershipReader, RegistryReader, View,
};

/// What the kernel is started with (the builder has validated it).
#[derive(Debug)]
pub(crate) struct KernelParts {
    pub(crate) gossip: GossipSettings,
    /// The application's agent system, or `None` to start one.
    pub(crate) system: Option<AgentSystem>,
    pub(crate) types: AgentTypes,
    /// The placement rules of the types registered with one.
    pub(crate) placements: std::collections::HashMap<&'static str, TypePlacement>,
}

/// A running node's kernel: its context, its services in start order, and its gateway.
pub(crate) struct Kernel {
    ctx: NodeContext,
    services: Vec<Box<dyn NodeService>>,
    gateway: ActorRef<GatewayMsg>,
    /// The node started the system (rather than being given one), so it stops it too.
    owns_system: bool,
}

impl std::fmt::Debug for Kernel {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Kernel")
            .field("node", &self.ctx.name())
            .field(
                "services",
                &self.services.iter().map(|s| s.name()).collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

impl Kernel {
    /// Starts the agent system (unless given one), gossip as a new incarnation, each service
    /// in order, and the gateway. A service that fails to start stops the ones started
    /// before it, in reverse order.
    pub(crate) async fn start(
        parts: KernelParts,
        mut services: Vec<Box<dyn NodeService>>,
    ) -> Result<Self, KernelError> {
        let name = parts.gossip.name.clone();
        let owns_system = parts.system.is_none();
        let system = match parts.system {
            Some(system) => system,
            None => AgentSystem::builder().name(&name).start().await?,
        };
        let key_values = services.iter().flat_map(|s| s.gossip_keys()).collect();
        let addr = parts.gossip.addr;
        let gossip_interval = parts.gossip.interval;
        let gossip = Gossip::start(parts.gossip, key_values)
            .await
            .map_err(|err| KernelError::Gossip {
                addr,
                reason: err.to_string(),
            })?;
        let (membership, sessions, registry) = (
            MembershipReader::default(),
            ConnectionsReader::default(),
            RegistryReader::default(),
        );
        let link = Arc::new(NodeLink::new(
            name.clone(),
            system.clone(),
            membership.clone(),
            sessions.clone(),
            #[cfg(feature = "testkit")]
            gossip.faults(),
        ));
        let host = Host::new(name.clone(), system.clone(), parts.types);
        let locator = Arc::new(Locator::new(
            name.clone(),
            membership.clone(),
            registry.clone(),
            parts.placements,
        ));
        let path = Arc::new(CallPath {
            locator: locator.clone(),
            link: link.clone(),
            host: host.clone(),
        });
        let ctx = NodeContext::new(Inner {
            name: name.clone(),
            gossip_interval,
            system: system.clone(),
            gossip,
            membership,
            sessions,
            health: HealthReader::default(),
            load: LoadBalancerReader::default(),
            registry,
            host,
            locator,
            link,
            path,
            routes: View::default(),
            protocols: View::default(),
        });
        for at in 0..services.len() {
            let service = &mut services[at];
            if let Err(source) = service.start(&ctx).await {
                let service = service.name();
                tracing::error!(node = %name, service, %source, "a service failed to start");
                Self::abandon(&ctx, &mut services[..at], owns_system).await;
                return Err(KernelError::Service { service, source });
            }
            let service = &services[at];
            if let Some(protocol) = service.protocol() {
                ctx.protocols().update(|protocols| {
                    let mut protocols = protocols.clone();
                    protocols.insert(protocol.id, protocol.handler);
                    protocols
                });
            }
            let routes = service.admin_routes();
            if !routes.is_empty() {
                ctx.routes()
                    .update(|all| all.iter().cloned().chain(routes).collect());
            }
            tracing::debug!(node = %name, service = service.name(), "service started");
        }
        let spawned = Actor::spawn(
            None,
            Gateway,
            GatewayArgs {
                host: ctx.host().clone(),
                locator: ctx.locator().clone(),
                protocols: ctx.protocols().clone(),
                #[cfg(feature = "testkit")]
                link: ctx.link().clone(),
            },
        )
        .await;
        let gateway = match spawned {
            Ok((gateway, _)) => gateway,
            Err(err) => {
                Self::abandon(&ctx, &mut services, owns_system).await;
                return Err(KernelError::Gateway(err.to_string()));
            }
        };
        tracing::info!(
            node = %name,
            generation = ctx.generation(),
            gossip = %addr,
            services = ?services.iter().map(|s| s.name()).collect::<Vec<_>>(),
            "node started"
        );
        Ok(Self {
            ctx,
            services,
            gateway,
            owns_system,
        })
    }

    pub(crate) fn ctx(&self) -> &NodeContext {
        &self.ctx
    }

    /// Leaves the cluster gracefully (announces the leave and waits for the peers to see
    /// it), stops every service in reverse start order, then the gateway, gossip and — when
    /// the node started it — the agent system.
    pub(crate) async fn stop(mut self) {
        let ctx = self.ctx.clone();
        ctx.gossip()
            .set_self(schema::STATUS, schema::Announced::Leaving.as_str())
            .await;
        self.await_leave_acknowledged().await;
        Self::stop_services(&ctx, &mut self.services).await;
        self.gateway.stop(None);
        ctx.gossip().shutdown().await;
        if self.owns_system {
            ctx.system().shutdown().await;
        }
        tracing::info!(node = %ctx.name(), "left the cluster");
    }

    /// Undoes a start that failed half-way: stops the services started (in reverse), gossip,
    /// and the system if the node started it.
    async fn abandon(ctx: &NodeContext, started: &mut [Box<dyn NodeService>], owns_system: bool) {
        Self::stop_services(ctx, started).await;
        ctx.gossip().shutdown().await;
        if owns_system {
            ctx.system().shutdown().await;
        }
    }

    async fn stop_services(ctx: &NodeContext, services: &mut [Box<dyn NodeService>]) {
        for service in services.iter_mut().rev() {
            service.stop(ctx).await;
            tracing::debug!(node = %ctx.name(), service = service.name(), "service stopped");
        }
    }

    /// Waits until every peer heard has listed this incarnation among the leaves it saw (so
    /// it will end `removed`, not `down`), for at least three gossip rounds and at most 30
    /// (or 10 s).
    async fn await_leave_acknowledged(&self) {
        let gossip = self.ctx.gossip();
        let me = Incarnation::new(self.ctx.name(), gossip.generation());
        let interval = self.ctx.gossip_interval();
        let least = interval * 3;
        let most = (interval * 30).min(Duration::from_secs(10)).max(least);
        let start = tokio::time::Instant::now();
        loop {
            tokio::time::sleep(interval).await;
            let pending: Vec<String> = {
                let chitchat = gossip.chitchat();
                let chitchat = chitchat.lock().await;
                chitchat
                    .live_nodes()
                    .filter(|id| *id.node_id != *me.node)
                    .filter(|id| {
                        let seen = chitchat
                            .node_state(id)
                            .map(schema::leaving_seen)
                            .unwrap_or_default();
                        !seen.contains(&me)
                    })
                    .map(|id| id.node_id.to_string())
                    .collect()
            };
            let waited = start.elapsed();
            if pending.is_empty() && waited >= least {
                return;
            }
            if waited >= most {
                tracing::warn!(node = %self.ctx.name(), ?pending, "leaving without every peer's acknowledgement");
                return;
            }
        }
    }
}
