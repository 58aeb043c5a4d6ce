use std::fmt;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;

use super::RemoteError;

/// The protocols a node's gateway serves, by id.
pub(crate) type Protocols = std::collections::HashMap<String, Arc<dyn ProtocolHandler>>;

/// Answers the requests of a service's wire protocol: the request bytes in, the answer bytes
/// (or a typed error) out. Implemented for closures `Fn(Vec<u8>) -> impl Future<Output =
/// Result<Vec<u8>, RemoteError>>`.
#[async_trait]
pub trait ProtocolHandler: Send + Sync + 'static {
    /// Answers one request.
    async fn serve(&self, request: Vec<u8>) -> Result<Vec<u8>, RemoteError>;
}

#[async_trait]
impl<F, Fut> ProtocolHandler for F
where
    F: Fn(Vec<u8>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = Result<Vec<u8>, RemoteError>> + Send + 'static,
{
    async fn serve(&self, request: Vec<u8>) -> Result<Vec<u8>, RemoteError> {
        self(request).await
    }
}

/// A service's wire protocol: its id (unique in the cluster, the same on every node) and its
/// handler. Every node's gateway serves the protocols of its services through one message
/// variant, so a new protocol needs no change to the gateway; other nodes reach it with
/// [`NodeContext::call`](crate::NodeContext::call).
#[derive(Clone)]
pub struct Protocol {
    pub(crate) id: String,
    pub(crate) handler: Arc<dyn ProtocolHandler>,
}

impl Protocol {
    /// The protocol `id`, answered by `handler`.
    pub fn new(id: impl Into<String>, handler: impl ProtocolHandler) -> Self {
        Self {
            id: id.into(),
            handler: Arc::new(handler),
        }
    }

    /// Its id.
    pub fn id(&self) -> &str {
        &self.id
    }
}

impl fmt::Debug for Protocol {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Protocol").field("id", &self.id).finish()
    }
}
