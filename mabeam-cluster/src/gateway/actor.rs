use std::sync::Arc;

use mabeam_actors::WireReply;
use mabeam_core::wire::{Batch, Envelope, Kind, WireSignal};

use ractor::{Actor, ActorProcessingErr, ActorRef, RpcReplyPort};

use crate::hosting::Host;
use crate::link::{
    error_bytes, fail, outcome_bytes, service_outcome, GatewayMsg, Protocols, RemoteError,
    GATEWAY_GROUP,
};
use crate::locator::Locator;
use crate::views::View;

/// The node's gateway actor; see the [module docs](super).
#[derive(Debug)]
pub(crate) struct Gateway;

/// What the gateway serves with.
#[derive(Clone)]
pub(crate) struct GatewayArgs {
    /// The node as a host of agents.
    pub(crate) host: Host,
    /// Where agents run (a strategy-placed agent may run on another node).
    pub(crate) locator: Arc<Locator>,
    /// The wire protocols of the node's services, by id.
    pub(crate) protocols: View<Protocols>,
    /// The node's link, which knows the links fault injection cut (tests only).
    #[cfg(feature = "testkit")]
    pub(crate) link: Arc<crate::link::NodeLink>,
}

impl std::fmt::Debug for GatewayArgs {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("GatewayArgs")
            .field("node", &self.host.node())
            .field(
                "protocols",
                &self.protocols.get().keys().collect::<Vec<_>>(),
            )
            .finish_non_exhaustive()
    }
}

/// What became of one frame.
enum Taken {
    /// Delivered (or published).
    Yes,
    /// Dropped: malformed.
    No,
    /// Its agent must be activated first.
    Later(WireReply),
}

impl GatewayArgs {
    /// Delivers one envelope (a call or a cast) to its agent at once when the agent is active
    /// here; gives the reply back when the agent must be activated first.
    fn try_deliver(&self, envelope: &Envelope<'_>, reply: WireReply) -> Option<WireReply> {
        self.host
            .deliver(envelope.agent_type, envelope.agent, envelope.request, reply)
    }

    /// Activates the envelope's agent, then delivers. An agent of a type with a placement
    /// rule is found (or placed) through this node's directory first, and the envelope relayed
    /// to the node it runs on.
    async fn activate_and_deliver(&self, envelope: &Envelope<'_>, reply: WireReply) {
        match self
            .locator
            .placed(envelope.agent_type, envelope.agent)
            .await
        {
            Err(err) => fail(reply, err),
            Ok(Some((placer, host, key))) => placer.relay(&host, &key, envelope, reply).await,
            Ok(None) => self.host.activate_and_deliver(envelope, reply).await,
        }
    }

    fn call(&self, bytes: Vec<u8>, port: RpcReplyPort<Vec<u8>>) {
        let envelope = match Envelope::decode(&bytes) {
            Ok(envelope) if envelope.kind == Kind::Call => envelope,
            Ok(other) => {
                tracing::warn!(node = %self.host.node(), kind = ?other.kind, "a call message carries no call; dropped");
                let _ = port.send(error_bytes(&RemoteError::Decode {
                    what: "a call".to_owned(),
                    reason: format!("its envelope is of kind {:?}", other.kind),
                }));
                return;
            }
            Err(err) => {
                tracing::warn!(node = %self.host.node(), %err, "malformed call envelope from a peer; dropped");
                let _ = port.send(error_bytes(&RemoteError::Decode {
                    what: "an envelope".to_owned(),
                    reason: err.to_string(),
                }));
                return;
            }
        };
        let agent = envelope.agent.to_owned();
        let reply = WireReply::new(move |outcome| {
            let _ = port.send(outcome_bytes(&agent, outcome));
        });
        let Some(reply) = self.try_deliver(&envelope, reply) else {
            return;
        };
        let args = self.clone();
        tokio::spawn(async move {
            // Decoded above: the same bytes decode again.
            if let Ok(envelope) = Envelope::decode(&bytes) {
                args.activate_and_deliver(&envelope, reply).await;
            }
        });
    }

    /// Answers a request of a service's protocol in a task of its own.
    fn service(&self, protocol: String, request: Vec<u8>, reply: RpcReplyPort<Vec<u8>>) {
        let Some(handler) = self.protocols.get().get(&protocol).cloned() else {
            tracing::warn!(node = %self.host.node(), %protocol, "a peer asked for a protocol this node does not serve");
            let _ = reply.send(error_bytes(&RemoteError::UnknownProtocol {
                node: self.host.node().to_owned(),
                protocol,
            }));
            return;
        };
        tokio::spawn(async move {
            let answer = handler.serve(request).await;
            let _ = reply.send(service_outcome(answer));
        });
    }

    /// Takes one frame of a batch from `peer` without waiting.
    fn take(&self, peer: &str, frame: &[u8]) -> Taken {
        match Envelope::decode(frame) {
            Ok(envelope) if envelope.kind == Kind::Cast => {
                match self.try_deliver(&envelope, WireReply::detached()) {
                    None => Taken::Yes,
                    Some(reply) => Taken::Later(reply),
                }
            }
            Ok(envelope) if envelope.kind == Kind::Signal => {
                match WireSignal::decode(envelope.request) {
                    Ok(signal) => {
                        self.host.system().publish(signal);
                        Taken::Yes
                    }
                    Err(err) => {
                        tracing::warn!(node = %self.host.node(), %peer, %err, "undecodable signal from a peer; dropped");
                        Taken::No
                    }
                }
            }
            Ok(envelope) => {
                tracing::warn!(node = %self.host.node(), %peer, kind = ?envelope.kind, "a batch carries a call; dropped");
                Taken::No
            }
            Err(err) => {
                tracing::warn!(node = %self.host.node(), %peer, %err, "malformed frame from a peer; dropped");
                Taken::No
            }
        }
    }

    /// Takes every frame of a batch from `peer`, in order, and acks how many it took.
    ///
    /// Frames for active agents are delivered at once. From the first frame whose agent must
    /// be activated, the rest of the batch goes on in a task, still in order, and the ack
    /// waits for it: the peer sends its next batch only after the ack, so frames from one
    /// node are delivered in the order it sent them.
    fn batch(&self, peer: String, bytes: Vec<u8>, ack: RpcReplyPort<Vec<u8>>) {
        #[cfg(feature = "testkit")]
        if self.link.is_cut(&peer) {
            // As across a real partition: nothing arrives, nothing is answered.
            drop(ack);
            return;
        }
        let frames = match Batch::frames(&bytes) {
            Ok(frames) => frames,
            Err(err) => {
                tracing::warn!(node = %self.host.node(), %peer, %err, "malformed batch from a peer; dropped");
                let _ = ack.send(Batch::ack(0));
                return;
            }
        };
        let mut taken = 0;
        for (at, frame) in frames.iter().enumerate() {
            match self.take(&peer, frame) {
                Taken::Yes => taken += 1,
                Taken::No => {}
                Taken::Later(reply) => {
                    let args = self.clone();
                    tokio::spawn(async move {
                        let taken = taken + args.finish_batch(&peer, &bytes, at, reply).await;
                        let _ = ack.send(Batch::ack(taken));
                    });
                    return;
                }
            }
        }
        let _ = ack.send(Batch::ack(taken));
    }

    /// The rest of a batch from frame `from` on, whose agent must be activated first (for
    /// `reply`); returns how many frames it took.
    async fn finish_batch(&self, peer: &str, bytes: &[u8], from: usize, reply: WireReply) -> u32 {
        let Ok(frames) = Batch::frames(bytes) else {
            return 0;
        };
        let mut taken = 0;
        let mut waiting = Some(reply);
        for frame in &frames[from..] {
            let outcome = match waiting.take() {
                Some(reply) => Taken::Later(reply),
                None => self.take(peer, frame),
            };
            match outcome {
                Taken::Yes => taken += 1,
                Taken::No => {}
                Taken::Later(reply) => {
                    if let Ok(envelope) = Envelope::decode(frame) {
                        self.activate_and_deliver(&envelope, reply).await;
                        taken += 1;
                    }
                }
            }
        }
        taken
    }
}

impl Actor for Gateway {
    type Msg = GatewayMsg;
    type State = GatewayArgs;
    type Arguments = GatewayArgs;

    async fn pre_start(
        &self,
        myself: ActorRef<Self::Msg>,
        args: GatewayArgs,
    ) -> Result<Self::State, ActorProcessingErr> {
        ractor::pg::join(GATEWAY_GROUP.to_owned(), vec![myself.get_cell()]);
        Ok(args)
    }

    async fn handle(
        &self,
        _myself: ActorRef<Self::Msg>,
        message: Self::Msg,
        state: &mut Self::State,
    ) -> Result<(), ActorProcessingErr> {
        // Nothing here awaits an agent: a slow or failing agent never holds the gateway.
        match message {
            GatewayMsg::Call(bytes, port) => state.call(bytes, port),
            GatewayMsg::Batch(peer, bytes, ack) => state.batch(peer, bytes, ack),
            GatewayMsg::Service {
                protocol,
                request,
                reply,
            } => state.service(protocol, request, reply),
            GatewayMsg::Unreadable { variant, reply } => {
                tracing::warn!(
                    node = %state.host.node(),
                    %variant,
                    call = reply.is_some(),
                    "a peer sent a gateway message this build cannot read (another version?); dropped"
                );
                // ractor_cluster sends nothing back for a dropped port: the caller would wait
                // out its timeout. An error outcome tells it at once.
                if let Some(reply) = reply {
                    let _ = reply.send(error_bytes(&RemoteError::Decode {
                        what: format!("a gateway message `{variant}`"),
                        reason: "this node's build does not read it".to_owned(),
                    }));
                }
            }
        }
        Ok(())
    }
}
