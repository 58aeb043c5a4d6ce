//! How a node talks to the others: one gateway per node on the ractor_cluster transport, in
//! the `pg` group [`GATEWAY_GROUP`], taking [`GatewayMsg`]s — single calls, batches of casts
//! and signals, requests of the services' wire [`Protocol`]s — and answering with outcome
//! bytes (a result, or an encoded [`RemoteError`]). [`NodeLink`] finds each peer's gateway,
//! keeps an outbox per peer and calls service protocols.

mod error;
mod messages;
mod node_link;
mod outbox;
mod outcome;
mod protocol;

pub use error::RemoteError;
pub use messages::{GatewayMsg, GATEWAY_GROUP};
pub(crate) use node_link::NodeLink;
pub(crate) use outcome::{
    decode_service_outcome, error_bytes, fail, outcome_bytes, outcome_result, service_outcome,
};
pub(crate) use protocol::Protocols;
pub use protocol::{Protocol, ProtocolHandler};
