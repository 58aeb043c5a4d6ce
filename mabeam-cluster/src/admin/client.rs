use std::net::SocketAddr;

use http_body_util::{BodyExt, Full};
use hyper::body::Bytes;
use hyper::{Method, Request, StatusCode};
use hyper_util::rt::TokioIo;

use crate::membership::MembershipReport;

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
#[cfg_attr(not(feature = "testkit"), allow(dead_code))]
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
