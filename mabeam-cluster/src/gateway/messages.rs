use ractor::RpcReplyPort;
use ractor_cluster::RactorClusterMessage;

/// The `pg` group every node's gateway joins.
pub const GATEWAY_GROUP: &str = "mabeam.gateway";

/// What a gateway takes over the transport (ractor_cluster serializes it). The byte layouts
/// are in [`mabeam_core::wire`].
#[derive(Debug, RactorClusterMessage)]
pub enum GatewayMsg {
    /// One call: an envelope of kind `Call`; the reply is the outcome (the encoded result, or
    /// an encoded `RemoteError`). Sent on its own, so an idle link adds no batching delay.
    #[rpc]
    Call(Vec<u8>, RpcReplyPort<Vec<u8>>),
    /// A batch of frames from the named node — casts and signals, control lane first — acked
    /// with the number of frames taken once each is in its agent's mailbox or on the bus.
    /// The sender keeps one batch in flight per peer.
    #[rpc]
    Batch(String, Vec<u8>, RpcReplyPort<u32>),
    /// An encoded directory request of per-type placement (a host's report, a location
    /// question, or a call or cast relayed by the agent's hash owner to the node it placed
    /// the agent on); the reply is the encoded answer or a `RemoteError`.
    #[rpc]
    Directory(Vec<u8>, RpcReplyPort<Vec<u8>>),
}
