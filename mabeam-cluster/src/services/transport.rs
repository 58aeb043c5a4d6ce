use std::net::SocketAddr;
use std::time::Duration;

use async_trait::async_trait;
use ractor::{Actor, ActorRef};
use ractor_cluster::node::NodeConnectionMode;
use ractor_cluster::{IncomingEncryptionMode, NodeServer, NodeServerMessage};

use crate::connections::Connections;
use crate::gossip::schema;
use crate::kernel::{NodeContext, NodeService, ServiceError};
use crate::tls::TlsConfig;

/// The agent's id.
const AGENT: &str = "mabeam.connections";

/// The transport service: the ractor_cluster node server (cookie-authenticated TCP, mutual
/// TLS optionally) on the listen address, announced in gossip, and the connection manager
/// agent that keeps a session with every live member and publishes them
/// ([`ConnectionsReader`](crate::connections::ConnectionsReader)).
#[derive(Debug)]
pub(crate) struct TransportService {
    listen: SocketAddr,
    cookie: String,
    tls: Option<TlsConfig>,
    server: Option<ActorRef<NodeServerMessage>>,
}

impl TransportService {
    pub(crate) fn new(listen: SocketAddr, cookie: String, tls: Option<TlsConfig>) -> Self {
        Self {
            listen,
            cookie,
            tls,
            server: None,
        }
    }
}

#[async_trait]
impl NodeService for TransportService {
    fn name(&self) -> &'static str {
        "transport"
    }

    fn gossip_keys(&self) -> Vec<(String, String)> {
        vec![(schema::LISTEN.to_owned(), self.listen.to_string())]
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        let listen = self.listen;
        let server = NodeServer::new(
            listen.port(),
            self.cookie.clone(),
            ctx.name().to_owned(),
            listen.ip().to_string(),
            self.tls
                .as_ref()
                .map(|tls| IncomingEncryptionMode::Tls(tls.acceptor())),
            Some(NodeConnectionMode::Isolated),
        )
        .with_listen_addr(listen.ip());
        let (server, _) =
            Actor::spawn(None, server, ())
                .await
                .map_err(|err| ServiceError::Listen {
                    addr: listen,
                    reason: err.to_string(),
                })?;
        self.server = Some(server.clone());
        let (gossip, membership, shared, tls) = (
            ctx.gossip().clone(),
            ctx.membership().clone(),
            ctx.sessions().clone(),
            self.tls.clone(),
        );
        ctx.system()
            .spawn(AGENT, move || {
                Connections::new(
                    server.clone(),
                    gossip.clone(),
                    membership.clone(),
                    shared.clone(),
                )
                .with_tls(tls.clone())
            })
            .await?;
        match &self.tls {
            Some(tls) => {
                tracing::info!(%listen, server_name = tls.server_name(), "transport: mutual TLS")
            }
            None => tracing::info!(%listen, "transport: cookie-authenticated TCP"),
        }
        Ok(())
    }

    async fn stop(&mut self, ctx: &NodeContext) {
        let _ = ctx.system().stop_agent(AGENT).await;
        if let Some(server) = self.server.take() {
            let _ = server
                .stop_and_wait(None, Some(Duration::from_secs(5)))
                .await;
        }
    }
}
