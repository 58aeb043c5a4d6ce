use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;
use std::time::Duration;

use mabeam_core::wire::{Batch, BatchBuilder, BatchLimits};
use ractor::rpc::CallResult;
use ractor::ActorRef;
use ractor_cluster::NodeId;
use tokio::sync::{mpsc, watch};

use super::GatewayMsg;

/// Bulk frames that may wait for one peer before a sender waits for room.
const BULK_CAPACITY: usize = 64 * 1024;

/// How long a peer may take to acknowledge a batch before its session is taken for lost.
const ACK_TIMEOUT: Duration = Duration::from_secs(30);

/// The frames waiting for one peer's gateway, sent in batches with one batch in flight.
///
/// A task per peer takes whatever waits — urgent (control-lane) frames first — as one
/// [`GatewayMsg::Batch`] and waits for its ack before the next. An idle link sends a frame at
/// once; a busy one batches everything that queued during the last round trip, which is where
/// the throughput comes from (one message, one write, one ack per batch instead of per frame).
/// An urgent frame waits at most for the batch in flight.
#[derive(Debug, Clone)]
pub(crate) struct Outbox {
    /// The transport session this outbox sends on; a new session needs a new outbox.
    pub(crate) node_id: NodeId,
    urgent: mpsc::UnboundedSender<Vec<u8>>,
    bulk: mpsc::Sender<Vec<u8>>,
    /// Bulk frames queued so far.
    queued: Arc<AtomicU64>,
    /// Bulk frames acknowledged so far (bulk frames go in order, so the first this many).
    acked: watch::Receiver<u64>,
}

/// Whether fault injection cut an outbox's link (tests only: without the `testkit` feature a
/// link is never cut).
#[derive(Debug, Clone, Default)]
pub(crate) struct LinkCut {
    /// The node's link filter and the peer's gossip address.
    #[cfg(feature = "testkit")]
    pub(crate) filter: Option<(crate::link_filter::LinkFilter, std::net::SocketAddr)>,
}

impl LinkCut {
    fn is_cut(&self) -> bool {
        #[cfg(feature = "testkit")]
        if let Some((filter, peer)) = &self.filter {
            return filter.is_blocked(peer);
        }
        false
    }

    /// Returns once the link is cut (never, when it cannot be).
    async fn cut(&self) {
        #[cfg(feature = "testkit")]
        if let Some((filter, peer)) = &self.filter {
            return filter.until_blocked(*peer).await;
        }
        std::future::pending().await
    }
}

/// Why a frame was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Closed;

impl Outbox {
    /// Starts the outbox of `peer` (session `node_id`, gateway `gateway`); `me` names this
    /// node to the peer. Once fault injection cuts the link (`cut`), nothing more is sent:
    /// the outbox closes, as it does when a session fails.
    pub(crate) fn start(
        me: String,
        peer: String,
        node_id: NodeId,
        gateway: ActorRef<GatewayMsg>,
        cut: LinkCut,
    ) -> Self {
        let (urgent, urgent_rx) = mpsc::unbounded_channel();
        let (bulk, bulk_rx) = mpsc::channel(BULK_CAPACITY);
        let (acked_tx, acked) = watch::channel(0);
        tokio::spawn(run(me, peer, gateway, urgent_rx, bulk_rx, acked_tx, cut));
        Self {
            node_id,
            urgent,
            bulk,
            queued: Arc::new(AtomicU64::new(0)),
            acked,
        }
    }

    /// False once the peer's session failed (the task ended): make a new outbox.
    pub(crate) fn is_open(&self) -> bool {
        !self.bulk.is_closed()
    }

    /// Queues an urgent frame (it goes at the head of the next batch).
    pub(crate) fn push_urgent(&self, frame: Vec<u8>) -> Result<(), Closed> {
        self.urgent.send(frame).map_err(|_| Closed)
    }

    /// Queues a bulk frame, waiting for room when the peer is this far behind.
    pub(crate) async fn push(&self, frame: Vec<u8>) -> Result<(), Closed> {
        // Counted first: a call made after this push waits for the frame's ack.
        self.queued.fetch_add(1, Ordering::SeqCst);
        if self.bulk.send(frame).await.is_err() {
            self.queued.fetch_sub(1, Ordering::SeqCst);
            return Err(Closed);
        }
        Ok(())
    }

    /// Waits until every bulk frame queued before now is delivered to the peer's agents (at
    /// once when none is pending), so a call sent next cannot overtake an earlier cast.
    pub(crate) async fn flushed(&self) -> Result<(), Closed> {
        let target = self.queued.load(Ordering::SeqCst);
        if *self.acked.borrow() >= target {
            return Ok(());
        }
        let mut acked = self.acked.clone();
        acked
            .wait_for(|done| *done >= target)
            .await
            .map(|_| ())
            .map_err(|_| Closed)
    }
}

async fn run(
    me: String,
    peer: String,
    gateway: ActorRef<GatewayMsg>,
    mut urgent: mpsc::UnboundedReceiver<Vec<u8>>,
    mut bulk: mpsc::Receiver<Vec<u8>>,
    acked: watch::Sender<u64>,
    cut: LinkCut,
) {
    let limits = BatchLimits::default();
    let mut queue = BatchBuilder::new(limits);
    loop {
        if queue.is_empty() {
            tokio::select! {
                biased;
                frame = urgent.recv() => match frame {
                    Some(frame) => queue.push(true, frame),
                    None => return,
                },
                frame = bulk.recv() => match frame {
                    Some(frame) => queue.push(false, frame),
                    None => return,
                },
            }
        }
        while let Ok(frame) = urgent.try_recv() {
            queue.push(true, frame);
        }
        while queue.len() < limits.max_frames {
            let Ok(frame) = bulk.try_recv() else { break };
            queue.push(false, frame);
        }
        let (before, bulk_before) = (queue.len(), queue.bulk_len());
        let Some(batch) = queue.next_batch() else {
            continue;
        };
        let sent = before - queue.len();
        // A cut link (fault injection) sends nothing more, and stops waiting for the ack of
        // the batch in flight (the peer drops it unanswered), as a failed session would.
        let result = if cut.is_cut() {
            None
        } else {
            tokio::select! {
                biased;
                result = gateway.call(
                    |ack| GatewayMsg::Batch(me.clone(), batch, ack),
                    Some(ACK_TIMEOUT),
                ) => Some(result),
                () = cut.cut() => None,
            }
        };
        let failed = match result {
            Some(Ok(CallResult::Success(ack))) => Batch::read_ack(&ack)
                .err()
                .map(|err| format!("an unreadable ack: {err}")),
            Some(Ok(CallResult::Timeout)) => Some("no ack in time".to_owned()),
            Some(Ok(_)) => Some("the session closed".to_owned()),
            Some(Err(err)) => Some(err.to_string()),
            None => Some("the link is cut (fault injection)".to_owned()),
        };
        if let Some(why) = failed {
            tracing::warn!(node = %me, %peer, frames = sent + queue.len(), %why, "batch to a peer undelivered; its outbox closes");
            return;
        }
        acked.send_modify(|n| *n += (bulk_before - queue.bulk_len()) as u64);
    }
}

#[cfg(all(test, feature = "testkit"))]
mod tests {
    use std::net::SocketAddr;

    use ractor::{Actor, ActorProcessingErr, RpcReplyPort};

    use super::*;
    use crate::link_filter::LinkFilter;

    /// A peer's gateway that holds every batch's ack until it is called: a call acks the
    /// batches held so far, then answers (after every batch sent before it, so it doubles as
    /// a barrier). Reports each batch it gets.
    struct Peer;

    struct Held {
        batches: mpsc::UnboundedSender<()>,
        acks: Vec<(u32, RpcReplyPort<Vec<u8>>)>,
    }

    impl Actor for Peer {
        type Msg = GatewayMsg;
        type State = Held;
        type Arguments = mpsc::UnboundedSender<()>;

        async fn pre_start(
            &self,
            _myself: ActorRef<GatewayMsg>,
            batches: Self::Arguments,
        ) -> Result<Held, ActorProcessingErr> {
            Ok(Held {
                batches,
                acks: Vec::new(),
            })
        }

        async fn handle(
            &self,
            _myself: ActorRef<GatewayMsg>,
            message: GatewayMsg,
            held: &mut Held,
        ) -> Result<(), ActorProcessingErr> {
            match message {
                GatewayMsg::Batch(_, batch, ack) => {
                    let frames = Batch::frames(&batch).map_or(0, |f| f.len() as u32);
                    held.acks.push((frames, ack));
                    let _ = held.batches.send(());
                }
                GatewayMsg::Call(_, reply) => {
                    for (frames, ack) in held.acks.drain(..) {
                        let _ = ack.send(Batch::ack(frames));
                    }
                    let _ = reply.send(Vec::new());
                }
                _ => {}
            }
            Ok(())
        }
    }

    /// An outbox to a [`Peer`] whose link `filter` can cut, and the peer's batch reports.
    async fn outbox(
        filter: &LinkFilter,
    ) -> (
        Outbox,
        ActorRef<GatewayMsg>,
        SocketAddr,
        mpsc::UnboundedReceiver<()>,
    ) {
        let (tx, batches) = mpsc::unbounded_channel();
        let (peer, _) = Actor::spawn(None, Peer, tx).await.expect("the peer starts");
        let addr: SocketAddr = "127.0.0.1:7001".parse().unwrap();
        let cut = LinkCut {
            filter: Some((filter.clone(), addr)),
        };
        let outbox = Outbox::start("a".into(), "b".into(), 1, peer.clone(), cut);
        (outbox, peer, addr, batches)
    }

    async fn call(peer: &ActorRef<GatewayMsg>) {
        let answer = peer
            .call(|reply| GatewayMsg::Call(Vec::new(), reply), None)
            .await;
        assert!(matches!(answer, Ok(CallResult::Success(_))), "{answer:?}");
    }

    #[tokio::test(start_paused = true)]
    async fn frames_queued_when_the_link_is_cut_are_never_sent() {
        let filter = LinkFilter::default();
        let (outbox, peer, addr, mut batches) = outbox(&filter).await;
        outbox.push(b"one".to_vec()).await.unwrap();
        batches.recv().await.expect("the first batch");
        // Queued behind the first batch, whose ack the peer holds.
        outbox.push(b"two".to_vec()).await.unwrap();
        filter.block([addr]);
        // The first batch's ack arrives after the cut.
        call(&peer).await;
        outbox.bulk.closed().await;
        call(&peer).await;
        assert!(
            batches.try_recv().is_err(),
            "a batch went out after the cut"
        );
    }

    #[tokio::test(start_paused = true)]
    async fn a_cut_stops_the_wait_for_the_batch_in_flight() {
        let filter = LinkFilter::default();
        let (outbox, _peer, addr, mut batches) = outbox(&filter).await;
        outbox.push(b"one".to_vec()).await.unwrap();
        batches.recv().await.expect("the first batch");
        let cut_at = tokio::time::Instant::now();
        filter.block([addr]);
        outbox.bulk.closed().await;
        // On the paused clock: the outbox closed at the cut, not when the ack timed out.
        assert!(cut_at.elapsed() < ACK_TIMEOUT, "{:?}", cut_at.elapsed());
        assert!(!outbox.is_open());
    }
}
