use ractor::message::{BoxedDowncastErr, SerializedMessage};
use ractor::RpcReplyPort;

/// The `pg` group every node's gateway joins.
pub const GATEWAY_GROUP: &str = "mabeam.gateway";

/// The variant names on the wire.
const CALL: &str = "call";
const BATCH: &str = "batch";
const SERVICE: &str = "svc";

/// What a gateway takes over the transport. The byte layouts are in [`mabeam_core::wire`].
///
/// Every reply is bytes, so ractor_cluster's own reply port goes straight to whoever answers
/// (the agent, for a call): no bridging task or timer per call on either node, which the
/// `RactorClusterMessage` derive adds to turn typed replies into bytes and back.
#[derive(Debug)]
pub enum GatewayMsg {
    /// One call: an envelope of kind `Call`; the reply is the outcome (the encoded result, or
    /// an encoded `RemoteError`). Sent on its own, so an idle link adds no batching delay.
    Call(Vec<u8>, RpcReplyPort<Vec<u8>>),
    /// A batch of frames from the named node — casts and signals, control lane first — acked
    /// ([`Batch::ack`](mabeam_core::wire::Batch::ack)) with the number of frames taken once
    /// each is in its agent's mailbox or on the bus. The sender keeps one batch in flight per
    /// peer.
    Batch(String, Vec<u8>, RpcReplyPort<Vec<u8>>),
    /// A request of a service's wire protocol (see [`Protocol`](crate::Protocol)): the
    /// node's service of that protocol answers; the reply is an outcome (the answer, or an
    /// encoded `RemoteError`, such as `UnknownProtocol`).
    Service {
        /// The protocol's id.
        protocol: String,
        /// The request bytes.
        request: Vec<u8>,
        /// Where the outcome goes.
        reply: RpcReplyPort<Vec<u8>>,
    },
    /// A message from a peer that this build cannot read: an unknown variant (another
    /// version's), or a batch without its sender's name. The gateway logs it and answers a
    /// call with an error outcome (a `RemoteError::Decode`), so the caller learns at once.
    Unreadable {
        /// The variant name it came with.
        variant: String,
        /// Its reply port, if it was a call.
        reply: Option<RpcReplyPort<Vec<u8>>>,
    },
}

impl ractor::Message for GatewayMsg {
    fn serializable() -> bool {
        true
    }

    fn serialize(self) -> Result<SerializedMessage, BoxedDowncastErr> {
        let call = |variant: &str, args, reply, metadata| SerializedMessage::Call {
            variant: variant.to_owned(),
            args,
            reply,
            metadata,
        };
        Ok(match self {
            Self::Call(envelope, reply) => call(CALL, envelope, reply, None),
            Self::Batch(from, batch, ack) => call(BATCH, batch, ack, Some(from.into_bytes())),
            Self::Service {
                protocol,
                request,
                reply,
            } => call(SERVICE, request, reply, Some(protocol.into_bytes())),
            // Made only on the receiving side.
            Self::Unreadable { .. } => return Err(BoxedDowncastErr),
        })
    }

    fn deserialize(message: SerializedMessage) -> Result<Self, BoxedDowncastErr> {
        Ok(match message {
            SerializedMessage::Call {
                variant,
                args,
                reply,
                metadata,
            } => match variant.as_str() {
                CALL => Self::Call(args, reply),
                SERVICE => match metadata.map(String::from_utf8) {
                    Some(Ok(protocol)) => Self::Service {
                        protocol,
                        request: args,
                        reply,
                    },
                    _ => Self::Unreadable {
                        variant,
                        reply: Some(reply),
                    },
                },
                BATCH => match metadata.map(String::from_utf8) {
                    Some(Ok(from)) => Self::Batch(from, args, reply),
                    _ => Self::Unreadable {
                        variant,
                        reply: Some(reply),
                    },
                },
                _ => Self::Unreadable {
                    variant,
                    reply: Some(reply),
                },
            },
            SerializedMessage::Cast { variant, .. } => Self::Unreadable {
                variant,
                reply: None,
            },
            // Replies go to the remote actor that made the call, never to a gateway.
            SerializedMessage::CallReply(..) => return Err(BoxedDowncastErr),
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use ractor::Message;

    fn port() -> (
        RpcReplyPort<Vec<u8>>,
        ractor::concurrency::OneshotReceiver<Vec<u8>>,
    ) {
        let (tx, rx) = ractor::concurrency::oneshot();
        (tx.into(), rx)
    }

    #[test]
    fn a_call_crosses_with_its_reply_port_unchanged() {
        let (reply, mut rx) = port();
        let wire = GatewayMsg::Call(b"envelope".to_vec(), reply)
            .serialize()
            .expect("serializable");
        let Ok(GatewayMsg::Call(envelope, reply)) = GatewayMsg::deserialize(wire) else {
            panic!("not a call");
        };
        assert_eq!(envelope, b"envelope");
        reply.send(b"outcome".to_vec()).expect("the port is open");
        assert_eq!(rx.try_recv().expect("the outcome"), b"outcome");
    }

    #[test]
    fn a_batch_keeps_its_sender_and_frames() {
        let (ack, _rx) = port();
        let wire = GatewayMsg::Batch("node-a".to_owned(), vec![1, 2, 3], ack)
            .serialize()
            .expect("serializable");
        let Ok(GatewayMsg::Batch(from, batch, _)) = GatewayMsg::deserialize(wire) else {
            panic!("not a batch");
        };
        assert_eq!(
            (from.as_str(), batch.as_slice()),
            ("node-a", &[1u8, 2, 3][..])
        );
    }

    #[test]
    fn a_service_request_keeps_its_protocol() {
        let (reply, _rx) = port();
        let wire = GatewayMsg::Service {
            protocol: "example.ping".to_owned(),
            request: vec![7],
            reply,
        }
        .serialize()
        .expect("serializable");
        let Ok(GatewayMsg::Service {
            protocol, request, ..
        }) = GatewayMsg::deserialize(wire)
        else {
            panic!("not a service request");
        };
        assert_eq!(
            (protocol.as_str(), request.as_slice()),
            ("example.ping", &[7u8][..])
        );
    }

    #[test]
    fn an_unknown_variant_or_a_nameless_batch_is_unreadable_not_an_error() {
        let (reply, _rx) = port();
        let unknown = SerializedMessage::Call {
            variant: "from-the-future".to_owned(),
            args: vec![],
            reply,
            metadata: None,
        };
        let (reply, _rx2) = port();
        let nameless = SerializedMessage::Call {
            variant: BATCH.to_owned(),
            args: vec![],
            reply,
            metadata: Some(vec![0xff, 0xfe]),
        };
        let cast = SerializedMessage::Cast {
            variant: CALL.to_owned(),
            args: vec![],
            metadata: None,
        };
        for (wire, name, has_port) in [
            (unknown, "from-the-future", true),
            (nameless, BATCH, true),
            (cast, CALL, false),
        ] {
            match GatewayMsg::deserialize(wire) {
                Ok(GatewayMsg::Unreadable { variant, reply }) => {
                    assert_eq!((variant.as_str(), reply.is_some()), (name, has_port));
                }
                other => panic!("expected unreadable, got {other:?}"),
            }
        }
    }
}
