use std::fmt;
use std::path::PathBuf;
use std::sync::Arc;

use rustls::pki_types::ServerName;
use tokio_rustls::{TlsAcceptor, TlsConnector};

use super::TlsConfigBuilder;

/// A loaded and checked mutual-TLS setup for the transport: the node's certificate and key,
/// the CA its peers' certificates must chain to, and the server name every peer's certificate
/// must carry. See the [module docs](crate::tls). Cheap to clone.
#[derive(Clone)]
pub struct TlsConfig {
    pub(super) server: Arc<rustls::ServerConfig>,
    pub(super) client: Arc<rustls::ClientConfig>,
    pub(super) server_name: String,
    pub(super) peer_name: ServerName<'static>,
    pub(super) cert_chain: PathBuf,
    pub(super) ca: PathBuf,
}

impl TlsConfig {
    /// The server name expected in every peer's certificate unless
    /// [`TlsConfigBuilder::server_name`] sets another.
    pub const DEFAULT_SERVER_NAME: &'static str = "mabeam";

    /// Starts configuring TLS from PEM files.
    pub fn builder() -> TlsConfigBuilder {
        TlsConfigBuilder::new()
    }

    /// The server name every peer's certificate must carry.
    pub fn server_name(&self) -> &str {
        &self.server_name
    }

    /// Accepts incoming sessions: TLS 1.3 with a client certificate required.
    pub(crate) fn acceptor(&self) -> TlsAcceptor {
        TlsAcceptor::from(self.server.clone())
    }

    /// Dials peers: TLS 1.3, presenting the node's certificate.
    pub(crate) fn connector(&self) -> TlsConnector {
        TlsConnector::from(self.client.clone())
    }

    /// The name to check every peer's certificate against.
    pub(crate) fn peer_name(&self) -> ServerName<'static> {
        self.peer_name.clone()
    }
}

impl fmt::Debug for TlsConfig {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TlsConfig")
            .field("cert_chain", &self.cert_chain)
            .field("ca", &self.ca)
            .field("server_name", &self.server_name)
            .finish_non_exhaustive()
    }
}
