//! The admin endpoint (Akka Management style): HTTP/1.1, read-only.
//!
//! | route | answer |
//! | --- | --- |
//! | `GET /membership` | `200`, `{"node": "<this node>", "members": [Member, ...]}` |
//! | `GET /health` | `200`, the latest [`ClusterHealth`](crate::health::ClusterHealth): `{"node", "status": "healthy" \| "degraded" \| "critical", "reasons": [..], "nodes": [{"node", "status", "metrics": {"agents", "rss_bytes", "largest_backlog", "cpu_percent"}, "rtt_micros", "recent_downs", "quarantined"}]}`; `503` before the first assessment |
//! | `GET /health/live` | `200`, `{"status": "live"}` while the process serves |
//! | `GET /health/ready` | `200` `{"status": "ready"}` once this node sees itself `up`, else `503` `{"status": "starting"}` |
//! | `POST /debug/partition` | only with fault injection on: body `["127.0.0.1:7003", ...]` cuts the gossip links to those peers; `200` |
//! | `POST /debug/heal` | only with fault injection on: restores every link; `200` |
//! | anything else | `404` (`405` for a method other than `GET`) |
//!
//! The membership report also lists `connected`: the peers with an authenticated transport
//! session (see [`connections`](crate::connections)).
//!
//! A `Member` is `{"node": "n1", "generation": 1732371234567, "gossip_addr": "127.0.0.1:7001",
//! "status": "joining" | "up" | "leaving" | "unreachable" | "down" | "removed", "tags": ["gpu"]}`;
//! members are sorted by name.
//!
//! A client that sends garbage gets `400` from the HTTP parser; one that sends nothing is
//! dropped after 5 s; either way the endpoint keeps serving.

use std::convert::Infallible;
use std::net::SocketAddr;
use std::time::Duration;

use http_body_util::{BodyExt, Full, Limited};
use hyper::body::{Bytes, Incoming};
use hyper::server::conn::http1;
use hyper::service::service_fn;
use hyper::{Method, Request, Response, StatusCode};
use hyper_util::rt::{TokioIo, TokioTimer};
use mabeam_core::membership::{Member, MemberStatus};
use serde::{Deserialize, Serialize};
use tokio::net::TcpListener;
use tokio::task::JoinHandle;

use crate::connections::ConnectionsReader;
use crate::fault::LinkFilter;
use crate::health::HealthReader;
use crate::MembershipReader;

/// The body of `GET /membership`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipReport {
    /// The node answering.
    pub node: String,
    /// Its view, sorted by node name.
    pub members: Vec<Member>,
    /// The peers it has an authenticated transport session with (empty without a transport).
    #[serde(default)]
    pub connected: Vec<String>,
}

fn json(status: StatusCode, body: &impl Serialize) -> Response<Full<Bytes>> {
    let body = serde_json::to_vec(body).unwrap_or_default();
    let mut response = Response::new(Full::new(Bytes::from(body)));
    *response.status_mut() = status;
    response.headers_mut().insert(
        hyper::header::CONTENT_TYPE,
        hyper::header::HeaderValue::from_static("application/json"),
    );
    response
}

/// What the admin endpoint serves.
#[derive(Debug, Clone)]
pub(crate) struct AdminState {
    pub(crate) node: String,
    pub(crate) membership: MembershipReader,
    pub(crate) faults: Option<LinkFilter>,
    pub(crate) health: HealthReader,
    pub(crate) connections: ConnectionsReader,
}

#[derive(Serialize)]
struct Status {
    status: &'static str,
}

/// The largest request body accepted (the partition route's list of peers).
const MAX_BODY: usize = 64 * 1024;

async fn respond(req: Request<Incoming>, state: &AdminState) -> Response<Full<Bytes>> {
    let path = req.uri().path().to_owned();
    match (req.method().clone(), path.as_str(), &state.faults) {
        (Method::POST, "/debug/partition", Some(faults)) => {
            let body = match Limited::new(req.into_body(), MAX_BODY).collect().await {
                Ok(body) => body.to_bytes(),
                Err(_) => {
                    return json(
                        StatusCode::PAYLOAD_TOO_LARGE,
                        &Status {
                            status: "body too large",
                        },
                    )
                }
            };
            match serde_json::from_slice::<Vec<SocketAddr>>(&body) {
                Ok(peers) => {
                    faults.block(peers);
                    json(
                        StatusCode::OK,
                        &Status {
                            status: "partitioned",
                        },
                    )
                }
                Err(_) => json(
                    StatusCode::BAD_REQUEST,
                    &Status {
                        status: "expected a JSON list of addresses",
                    },
                ),
            }
        }
        (Method::POST, "/debug/heal", Some(faults)) => {
            faults.heal();
            json(StatusCode::OK, &Status { status: "healed" })
        }
        (Method::GET, "/membership", _) => json(
            StatusCode::OK,
            &MembershipReport {
                node: state.node.clone(),
                members: state.membership.members(),
                connected: state.connections.connected(),
            },
        ),
        (Method::GET, "/health", _) => match state.health.latest() {
            Some(health) => json(StatusCode::OK, &health),
            None => json(
                StatusCode::SERVICE_UNAVAILABLE,
                &Status { status: "starting" },
            ),
        },
        (Method::GET, "/health/live", _) => json(StatusCode::OK, &Status { status: "live" }),
        (Method::GET, "/health/ready", _) => match state.membership.status(&state.node) {
            Some(MemberStatus::Up) => json(StatusCode::OK, &Status { status: "ready" }),
            _ => json(
                StatusCode::SERVICE_UNAVAILABLE,
                &Status { status: "starting" },
            ),
        },
        (Method::GET, _, _) => json(
            StatusCode::NOT_FOUND,
            &Status {
                status: "not found",
            },
        ),
        _ => json(
            StatusCode::METHOD_NOT_ALLOWED,
            &Status {
                status: "method not allowed",
            },
        ),
    }
}

/// Serves the admin endpoint on `addr`; returns the bound address and the serving task.
pub(crate) async fn serve(
    addr: SocketAddr,
    state: AdminState,
) -> std::io::Result<(SocketAddr, JoinHandle<()>)> {
    let listener = TcpListener::bind(addr).await?;
    let bound = listener.local_addr()?;
    let task = tokio::spawn(async move {
        loop {
            let (stream, peer) = match listener.accept().await {
                Ok(accepted) => accepted,
                Err(err) => {
                    tracing::warn!(%err, "admin endpoint: accept failed");
                    continue;
                }
            };
            let state = state.clone();
            tokio::spawn(async move {
                let service = service_fn(move |req: Request<Incoming>| {
                    let state = state.clone();
                    async move { Ok::<_, Infallible>(respond(req, &state).await) }
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
    });
    Ok((bound, task))
}

/// Why [`fetch_membership`] failed.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum FetchError {
    /// No connection to the endpoint.
    #[error("cannot reach the admin endpoint at {addr}: {source}")]
    Connect {
        /// The endpoint.
        addr: SocketAddr,
        /// Why.
        source: std::io::Error,
    },
    /// The HTTP exchange failed.
    #[error("admin endpoint at {addr}: {source}")]
    Http {
        /// The endpoint.
        addr: SocketAddr,
        /// Why.
        source: hyper::Error,
    },
    /// The endpoint answered something other than a membership report.
    #[error("admin endpoint at {addr} answered {status}: {reason}")]
    Answer {
        /// The endpoint.
        addr: SocketAddr,
        /// The HTTP status.
        status: StatusCode,
        /// Why it could not be read.
        reason: String,
    },
}

/// One request to an admin endpoint: the answer's status and body.
pub(crate) async fn request(
    addr: SocketAddr,
    method: Method,
    path: &str,
    body: Vec<u8>,
) -> Result<(StatusCode, Bytes), FetchError> {
    let stream = tokio::net::TcpStream::connect(addr)
        .await
        .map_err(|source| FetchError::Connect { addr, source })?;
    let (mut sender, connection) = hyper::client::conn::http1::handshake(TokioIo::new(stream))
        .await
        .map_err(|source| FetchError::Http { addr, source })?;
    tokio::spawn(connection);
    let request = Request::builder()
        .method(method)
        .uri(path)
        .header(hyper::header::HOST, addr.to_string())
        .body(Full::new(Bytes::from(body)))
        .map_err(|err| FetchError::Answer {
            addr,
            status: StatusCode::BAD_REQUEST,
            reason: err.to_string(),
        })?;
    let response = sender
        .send_request(request)
        .await
        .map_err(|source| FetchError::Http { addr, source })?;
    let status = response.status();
    let body = response
        .into_body()
        .collect()
        .await
        .map_err(|source| FetchError::Http { addr, source })?
        .to_bytes();
    Ok((status, body))
}

/// `GET path`, expecting `200` and a JSON body of type `T`.
async fn get_json<T: serde::de::DeserializeOwned>(
    addr: SocketAddr,
    path: &str,
) -> Result<T, FetchError> {
    let (status, body) = request(addr, Method::GET, path, Vec::new()).await?;
    if status != StatusCode::OK {
        return Err(FetchError::Answer {
            addr,
            status,
            reason: String::from_utf8_lossy(&body).into_owned(),
        });
    }
    serde_json::from_slice(&body).map_err(|err| FetchError::Answer {
        addr,
        status,
        reason: err.to_string(),
    })
}

/// Reads a node's membership from its admin endpoint (what `mabeam status` shows).
pub async fn fetch_membership(addr: SocketAddr) -> Result<MembershipReport, FetchError> {
    get_json(addr, "/membership").await
}

/// Reads a node's latest health report from its admin endpoint.
pub async fn fetch_health(addr: SocketAddr) -> Result<crate::health::ClusterHealth, FetchError> {
    get_json(addr, "/health").await
}
