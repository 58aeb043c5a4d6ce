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

/// Why a frame was not queued.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) struct Closed;

impl Outbox {
    /// Starts the outbox of `peer` (session `node_id`, gateway `gateway`); `me` names this
    /// node to the peer.
    pub(crate) fn start(
        me: String,
        peer: String,
        node_id: NodeId,
        gateway: ActorRef<GatewayMsg>,
    ) -> Self {
        let (urgent, urgent_rx) = mpsc::unbounded_channel();
        let (bulk, bulk_rx) = mpsc::channel(BULK_CAPACITY);
        let (acked_tx, acked) = watch::channel(0);
        tokio::spawn(run(me, peer, gateway, urgent_rx, bulk_rx, acked_tx));
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
        let result = gateway
            .call(
                |ack| GatewayMsg::Batch(me.clone(), batch, ack),
                Some(ACK_TIMEOUT),
            )
            .await;
        let failed = match result {
            Ok(CallResult::Success(ack)) => Batch::read_ack(&ack)
                .err()
                .map(|err| format!("an unreadable ack: {err}")),
            Ok(CallResult::Timeout) => Some("no ack in time".to_owned()),
            Ok(_) => Some("the session closed".to_owned()),
            Err(err) => Some(err.to_string()),
        };
        if let Some(why) = failed {
            tracing::warn!(node = %me, %peer, frames = sent + queue.len(), %why, "batch to a peer undelivered; its outbox closes");
            return;
        }
        acked.send_modify(|n| *n += (bulk_before - queue.bulk_len()) as u64);
    }
}
