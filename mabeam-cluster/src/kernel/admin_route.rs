use std::fmt;
use std::future::Future;
use std::sync::Arc;

use async_trait::async_trait;
use serde::Serialize;

/// The HTTP method of an admin route.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum AdminMethod {
    /// `GET`: reads.
    Get,
    /// `POST`: actions.
    Post,
}

/// What an admin route answers: an HTTP status and a JSON body.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AdminResponse {
    pub(crate) status: u16,
    pub(crate) body: Vec<u8>,
}

impl AdminResponse {
    /// `200` with `body` as JSON.
    pub fn ok(body: &impl Serialize) -> Self {
        Self::json(200, body)
    }

    /// `status` with `body` as JSON (an unserializable body becomes `null`).
    pub fn json(status: u16, body: &impl Serialize) -> Self {
        Self {
            status,
            body: serde_json::to_vec(body).unwrap_or_else(|_| b"null".to_vec()),
        }
    }

    /// `status` with `{"status": status_text}`, the shape of the built-in routes' short
    /// answers.
    pub fn status(status: u16, status_text: &str) -> Self {
        #[derive(Serialize)]
        struct Status<'a> {
            status: &'a str,
        }
        Self::json(
            status,
            &Status {
                status: status_text,
            },
        )
    }

    /// Its HTTP status.
    pub fn code(&self) -> u16 {
        self.status
    }

    /// Its body.
    pub fn body(&self) -> &[u8] {
        &self.body
    }
}

/// Answers an admin route: the request body in (empty for `GET`), the response out.
/// Implemented for closures `Fn(Vec<u8>) -> impl Future<Output = AdminResponse>`.
#[async_trait]
pub trait AdminHandler: Send + Sync + 'static {
    /// Answers one request.
    async fn handle(&self, body: Vec<u8>) -> AdminResponse;
}

#[async_trait]
impl<F, Fut> AdminHandler for F
where
    F: Fn(Vec<u8>) -> Fut + Send + Sync + 'static,
    Fut: Future<Output = AdminResponse> + Send + 'static,
{
    async fn handle(&self, body: Vec<u8>) -> AdminResponse {
        self(body).await
    }
}

/// One route of the admin endpoint, contributed by a service
/// ([`NodeService::admin_routes`](crate::NodeService::admin_routes)): a method, an exact
/// path, and its handler.
#[derive(Clone)]
pub struct AdminRoute {
    pub(crate) method: AdminMethod,
    pub(crate) path: String,
    pub(crate) handler: Arc<dyn AdminHandler>,
}

impl AdminRoute {
    /// `GET path`.
    pub fn get(path: impl Into<String>, handler: impl AdminHandler) -> Self {
        Self::new(AdminMethod::Get, path, handler)
    }

    /// `POST path`.
    pub fn post(path: impl Into<String>, handler: impl AdminHandler) -> Self {
        Self::new(AdminMethod::Post, path, handler)
    }

    /// `method path`.
    pub fn new(method: AdminMethod, path: impl Into<String>, handler: impl AdminHandler) -> Self {
        Self {
            method,
            path: path.into(),
            handler: Arc::new(handler),
        }
    }

    /// Its method.
    pub fn method(&self) -> AdminMethod {
        self.method
    }

    /// Its path.
    pub fn path(&self) -> &str {
        &self.path
    }
}

impl fmt::Debug for AdminRoute {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("AdminRoute")
            .field("method", &self.method)
            .field("path", &self.path)
            .finish_non_exhaustive()
    }
}
