use std::convert::Infallible;
use std::net::SocketAddr;
use std::sync::{Arc, OnceLock};
use std::time::Duration;

use async_trait::async_trait;
use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::kernel::{
    AdminMethod, AdminResponse, AdminRoute, NodeContext, NodeService, ServiceError,
};
use crate::views::View;

/// The largest request body accepted.
const MAX_BODY: usize = 64 * 1024;

/// The admin service: an HTTP/1.1 endpoint serving the routes every service contributes
/// (see the [module docs](super)), plus `GET /health/live`.
#[derive(Debug)]
pub(crate) struct AdminService {
    addr: SocketAddr,
    /// Where it listens once started (the node reads it).
    bound: Arc<OnceLock<SocketAddr>>,
    server: Option<JoinHandle<()>>,
}

impl AdminService {
    pub(crate) fn new(addr: SocketAddr, bound: Arc<OnceLock<SocketAddr>>) -> Self {
        Self {
            addr,
            bound,
            server: None,
        }
    }
}

#[async_trait]
impl NodeService for AdminService {
    fn name(&self) -> &'static str {
        "admin"
    }

    async fn start(&mut self, ctx: &NodeContext) -> Result<(), ServiceError> {
        let listen = |err: std::io::Error| ServiceError::Listen {
            addr: self.addr,
            reason: err.to_string(),
        };
        let listener = TcpListener::bind(self.addr).await.map_err(listen)?;
        let bound = listener.local_addr().map_err(listen)?;
        let _ = self.bound.set(bound);
        self.server = Some(tokio::spawn(serve(listener, ctx.routes().clone())));
        tracing::info!(node = %ctx.name(), admin = %bound, "admin endpoint listening");
        Ok(())
    }

    fn admin_routes(&self) -> Vec<AdminRoute> {
        vec![AdminRoute::get("/health/live", |_body: Vec<u8>| async {
            AdminResponse::status(200, "live")
        })]
    }

    async fn stop(&mut self, _ctx: &NodeContext) {
        if let Some(server) = self.server.take() {
            server.abort();
        }
    }
}

fn response(answer: AdminResponse) -> Response<Full<Bytes>> {
    let mut response = Response::new(Full::new(Bytes::from(answer.body)));
    *response.status_mut() =
        StatusCode::from_u16(answer.status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

async fn respond(req: Request<Incoming>, routes: &View<Vec<AdminRoute>>) -> Response<Full<Bytes>> {
    let method = match *req.method() {
        Method::GET => Some(AdminMethod::Get),
        Method::POST => Some(AdminMethod::Post),
        _ => None,
    };
    let routes = routes.get();
    let found = routes
        .iter()
        .find(|r| Some(r.method) == method && r.path == req.uri().path())
        .cloned();
    let Some(route) = found else {
        return response(match method {
            Some(AdminMethod::Get) => AdminResponse::status(404, "not found"),
            _ => AdminResponse::status(405, "method not allowed"),
        });
    };
    let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
        Ok(body) => body.to_bytes().to_vec(),
        Err(_) => return response(AdminResponse::status(413, "body too large")),
    };
    response(route.handler.handle(body).await)
}

/// Serves `listener` until aborted; a client that sends garbage gets `400` from the parser,
/// one that sends nothing is dropped after 5 s.
async fn serve(listener: TcpListener, routes: View<Vec<AdminRoute>>) {
    loop {
        let (stream, peer) = match listener.accept().await {
            Ok(accepted) => accepted,
            Err(err) => {
                tracing::warn!(%err, "admin endpoint: accept failed");
                continue;
            }
        };
        let routes = routes.clone();
        tokio::spawn(async move {
            let service = service_fn(move |req: Request<Incoming>| {
                let routes = routes.clone();
                async move { Ok::<_, Infallible>(respond(req, &routes).await) }
            });
            let served = http1::Builder::new()
                .timer(TokioTimer::new())
                .header_read_timeout(Duration::from_secs(5))
                .serve_connection(TokioIo::new(stream), service)
                .await;
            if let Err(err) = served {
                tracing::debug!(%peer, %err, "admin endpoint: connection ended with an error");
            }
        });
    }
}
