use ractor::RpcReplyPort;
use ractor_cluster::RactorClusterMessage;
use serde::{Deserialize, Serialize};

/// The `pg` group every node's gateway joins.
pub const GATEWAY_GROUP: &str = "mabeam.gateway";

/// What a gateway takes over the transport (ractor_cluster serializes it).
#[derive(Debug, RactorClusterMessage)]
pub enum GatewayMsg {
    /// An encoded envelope (agent type, id, timeout, request); the reply is the encoded
    /// outcome: the encoded result, or a `RemoteError`.
    #[rpc]
    Call(Vec<u8>, RpcReplyPort<Vec<u8>>),
}

/// One remote request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) struct Envelope {
    /// The agent type (`Agent::agent_type`).
    pub(crate) agent_type: String,
    /// The agent's id.
    pub(crate) agent: String,
    /// How long the agent may take, in ms (`None`: the owner's default wait).
    pub(crate) timeout_ms: Option<u64>,
    /// The request in the agent type's wire form.
    pub(crate) request: Vec<u8>,
}
