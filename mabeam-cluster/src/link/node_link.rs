use std::collections::HashMap;
use std::sync::{Mutex, PoisonError};
use std::time::Duration;

use mabeam_actors::AgentSystem;
use mabeam_core::wire::{self, Kind, WireSignal};
use mabeam_core::{Lane, Signal};
use ractor::rpc::CallResult;
use ractor::ActorRef;
use ractor_cluster::NodeId;

use super::outbox::{LinkCut, Outbox};
use super::{GatewayMsg, RemoteError, GATEWAY_GROUP};
use crate::views::{ConnectionsReader, MembershipReader};

/// How this node reaches other nodes' gateways: per peer, the gateway's address (cached per
/// transport session) and the outbox of casts and signals; calls to service protocols.
/// Shared by everything that sends (the cluster handles, placement, signals).
#[derive(Debug)]
pub(crate) struct NodeLink {
    pub(crate) node: String,
    pub(crate) system: AgentSystem,
    /// Maps a peer to its gossip address, for the links fault injection cuts.
    #[cfg_attr(not(feature = "testkit"), allow(dead_code))]
    pub(crate) membership: MembershipReader,
    pub(crate) connections: ConnectionsReader,
    gateways: Mutex<HashMap<String, (NodeId, ActorRef<GatewayMsg>)>>,
    outboxes: Mutex<HashMap<String, Outbox>>,
    /// Links cut by fault injection (tests only).
    #[cfg(feature = "testkit")]
    faults: Option<crate::link_filter::LinkFilter>,
}

impl NodeLink {
    pub(crate) fn new(
        node: String,
        system: AgentSystem,
        membership: MembershipReader,
        connections: ConnectionsReader,
        #[cfg(feature = "testkit")] faults: Option<crate::link_filter::LinkFilter>,
    ) -> Self {
        Self {
            node,
            system,
            membership,
            connections,
            gateways: Mutex::default(),
            outboxes: Mutex::default(),
            #[cfg(feature = "testkit")]
            faults,
        }
    }

    /// Whether fault injection cut the link to `peer` (always false without `testkit`).
    #[cfg(feature = "testkit")]
    pub(crate) fn is_cut(&self, peer: &str) -> bool {
        self.faults.as_ref().is_some_and(|faults| {
            faults.any()
                && self
                    .membership
                    .member(peer)
                    .is_some_and(|m| faults.is_blocked(&m.gossip_addr))
        })
    }

    /// Whether fault injection cut the link to `peer` (always false without `testkit`).
    #[cfg(not(feature = "testkit"))]
    pub(crate) fn is_cut(&self, _peer: &str) -> bool {
        false
    }

    /// What an outbox to `peer` watches to stop at a cut.
    fn link_cut(&self, peer: &str) -> LinkCut {
        #[cfg(feature = "testkit")]
        return LinkCut {
            filter: self
                .faults
                .clone()
                .zip(self.membership.member(peer).map(|m| m.gossip_addr)),
        };
        #[cfg(not(feature = "testkit"))]
        {
            let _ = peer;
            LinkCut::default()
        }
    }

    fn unreachable(peer: &str, reason: &str) -> RemoteError {
        RemoteError::not_sent(peer, reason)
    }

    /// The session id with `peer`, and its gateway there.
    fn session(&self, peer: &str) -> Result<(NodeId, ActorRef<GatewayMsg>), RemoteError> {
        if self.is_cut(peer) {
            return Err(Self::unreachable(peer, "the link is cut (fault injection)"));
        }
        let node_id = self
            .connections
            .node_id(peer)
            .ok_or_else(|| Self::unreachable(peer, "no transport session"))?;
        let mut gateways = self.gateways.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some((id, gateway)) = gateways.get(peer) {
            if *id == node_id {
                return Ok((node_id, gateway.clone()));
            }
        }
        let gateway: ActorRef<GatewayMsg> = ractor::pg::get_members(&GATEWAY_GROUP.to_owned())
            .into_iter()
            // A local actor's id reports node 0, which may also be a session's id.
            .find(|cell| !cell.get_id().is_local() && cell.get_id().node() == node_id)
            .ok_or_else(|| Self::unreachable(peer, "its gateway is not known yet"))?
            .into();
        gateways.insert(peer.to_owned(), (node_id, gateway.clone()));
        Ok((node_id, gateway))
    }

    /// The gateway of `peer` (cached per transport session).
    pub(crate) fn gateway(&self, peer: &str) -> Result<ActorRef<GatewayMsg>, RemoteError> {
        self.session(peer).map(|(_, gateway)| gateway)
    }

    /// The outbox of `peer` for its current session (started if needed).
    pub(crate) fn outbox(&self, peer: &str) -> Result<Outbox, RemoteError> {
        let (node_id, gateway) = self.session(peer)?;
        let mut outboxes = self.outboxes.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(outbox) = outboxes.get(peer) {
            if outbox.node_id == node_id && outbox.is_open() {
                return Ok(outbox.clone());
            }
        }
        let outbox = Outbox::start(
            self.node.clone(),
            peer.to_owned(),
            node_id,
            gateway,
            self.link_cut(peer),
        );
        outboxes.insert(peer.to_owned(), outbox.clone());
        Ok(outbox)
    }

    /// Calls protocol `protocol` of `peer`'s services with `request` (see
    /// [`NodeContext::call`](crate::NodeContext::call)).
    pub(crate) async fn call_protocol(
        &self,
        peer: &str,
        protocol: &str,
        request: Vec<u8>,
        timeout: Duration,
    ) -> Result<Vec<u8>, RemoteError> {
        let gateway = self.gateway(peer)?;
        let message = |reply| GatewayMsg::Service {
            protocol: protocol.to_owned(),
            request,
            reply,
        };
        let outcome = match gateway.call(message, Some(timeout)).await {
            Ok(CallResult::Success(outcome)) => outcome,
            Ok(CallResult::Timeout) => {
                return Err(RemoteError::Timeout {
                    agent: format!("protocol `{protocol}` of `{peer}`"),
                    after_ms: timeout.as_millis() as u64,
                })
            }
            Ok(CallResult::SenderError) => {
                return Err(RemoteError::lost_after_sending(
                    peer,
                    "the session closed before the reply",
                ))
            }
            Err(_) => {
                return Err(Self::unreachable(
                    peer,
                    "the session closed before the request was sent",
                ))
            }
        };
        super::decode_service_outcome(&outcome)
    }

    /// Waits until the casts queued for `peer` so far are delivered (at once when none wait).
    pub(crate) async fn flushed(&self, peer: &str) {
        let outbox = self
            .outboxes
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(peer)
            .cloned();
        if let Some(outbox) = outbox {
            // A closed outbox lost its frames already: nothing to wait for.
            let _ = outbox.flushed().await;
        }
    }

    /// Publishes `signal` on this node's bus and on every connected peer's: control-lane
    /// signals go at the head of each peer's next batch. Returns the peers it was queued for.
    pub(crate) async fn publish(&self, signal: Signal) -> Result<Vec<String>, RemoteError> {
        let mut frame = Vec::with_capacity(128);
        wire::write_envelope(&mut frame, Kind::Signal, "", "", None).map_err(|e| {
            RemoteError::Encode {
                what: "a signal envelope".to_owned(),
                reason: e.to_string(),
            }
        })?;
        frame.extend_from_slice(
            &WireSignal::encode(&signal).map_err(|e| RemoteError::Encode {
                what: format!("signal `{}`", signal.topic()),
                reason: e.to_string(),
            })?,
        );
        let urgent = signal.lane() == Lane::Control;
        self.system.publish(signal);
        let mut reached = Vec::new();
        for peer in self.connections.connected() {
            let outbox = match self.outbox(&peer) {
                Ok(outbox) => outbox,
                Err(err) => {
                    tracing::debug!(node = %self.node, %peer, %err, "signal not sent to a peer");
                    continue;
                }
            };
            let queued = if urgent {
                outbox.push_urgent(frame.clone())
            } else {
                outbox.push(frame.clone()).await
            };
            if queued.is_ok() {
                reached.push(peer);
            }
        }
        Ok(reached)
    }
}
