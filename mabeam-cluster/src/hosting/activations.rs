use std::collections::{HashMap, HashSet};
use std::sync::atomic::{AtomicBool, AtomicU64, AtomicUsize, Ordering};
use std::sync::{Arc, Mutex, OnceLock, PoisonError, RwLock as StdRwLock};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use mabeam_actors::{AgentSystem, Snapshot};
use tokio::sync::RwLock;

/// Takes an agent's snapshot (none if its type has no snapshot support) and stops it.
pub(crate) type Passivate =
    Arc<dyn Fn(AgentSystem, String) -> BoxFuture<'static, Option<Snapshot>> + Send + Sync>;

/// Milliseconds since the first activation of this process: a clock two atomics can share.
fn now_ms() -> u64 {
    static START: OnceLock<Instant> = OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_millis() as u64
}

/// One agent activated through the cluster on this node.
///
/// A call enters it (an atomic count) for its whole run, until its reply is sent.
/// Passivation sets `closing` and then checks that no call is in; a call increments and then
/// checks `closing`. Both use sequentially consistent order, so one of them always sees the
/// other: no call runs between the snapshot and the stop, and the fast path needs no lock.
pub(crate) struct Activation {
    inflight: AtomicUsize,
    closing: AtomicBool,
    /// Held exclusively while passivating: a call that found `closing` waits on it.
    pub(crate) gate: RwLock<()>,
    /// One activation at a time (the first restores the snapshot; the others find it).
    pub(crate) activating: tokio::sync::Mutex<()>,
    last_used_ms: AtomicU64,
    passivate: Passivate,
}

/// A call in progress on an activation; leaving (drop) marks the agent used.
pub(crate) struct Entered(Arc<Activation>);

impl Drop for Entered {
    fn drop(&mut self) {
        self.0.last_used_ms.store(now_ms(), Ordering::Relaxed);
        self.0.inflight.fetch_sub(1, Ordering::SeqCst);
    }
}

impl Activation {
    /// Enters the activation for one call, unless it is being (or was) passivated: then the
    /// caller waits on `gate` and takes a fresh record (a passivated one stays `closing`).
    pub(crate) fn enter(self: &Arc<Self>) -> Option<Entered> {
        self.inflight.fetch_add(1, Ordering::SeqCst);
        let entered = Entered(self.clone());
        if self.closing.load(Ordering::SeqCst) {
            return None;
        }
        Some(entered)
    }

    fn idle_for(&self) -> Duration {
        Duration::from_millis(now_ms().saturating_sub(self.last_used_ms.load(Ordering::Relaxed)))
    }
}

/// The agents this node activated for cluster calls, and the snapshots of those it
/// passivated. Cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct Activations {
    live: Arc<Mutex<HashMap<String, Arc<Activation>>>>,
    passivated: Arc<Mutex<HashMap<String, Snapshot>>>,
    /// Singletons and one-per-node agents: started and stopped by the cluster registry only,
    /// never activated by a call nor passivated.
    managed: Arc<StdRwLock<HashSet<String>>>,
}

impl std::fmt::Debug for Activations {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Activations")
            .field("live", &self.live_count())
            .field("passivated", &self.passivated_count())
            .finish()
    }
}

impl Activations {
    /// Hands `id` over to the cluster registry (see [`Activations::is_managed`]).
    pub(crate) fn manage(&self, id: &str) {
        self.managed
            .write()
            .unwrap_or_else(PoisonError::into_inner)
            .insert(id.to_owned());
    }

    /// Whether `id` is a singleton or one-per-node agent: only the cluster registry starts and
    /// stops it.
    pub(crate) fn is_managed(&self, id: &str) -> bool {
        self.managed
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(id)
    }

    /// The activation record of `id`, if it has one (the fast path: no allocation).
    pub(crate) fn get(&self, id: &str) -> Option<Arc<Activation>> {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .cloned()
    }

    /// The activation record of `id` (made with `passivate` if it has none).
    pub(crate) fn entry(&self, id: &str, passivate: impl FnOnce() -> Passivate) -> Arc<Activation> {
        let mut live = self.live.lock().unwrap_or_else(PoisonError::into_inner);
        if let Some(found) = live.get(id) {
            return found.clone();
        }
        let made = Arc::new(Activation {
            inflight: AtomicUsize::new(0),
            closing: AtomicBool::new(false),
            gate: RwLock::new(()),
            activating: tokio::sync::Mutex::new(()),
            last_used_ms: AtomicU64::new(now_ms()),
            passivate: passivate(),
        });
        live.insert(id.to_owned(), made.clone());
        made
    }

    /// The snapshot `id` was passivated with, taken out (it is being reactivated).
    pub(crate) fn take_snapshot(&self, id: &str) -> Option<Snapshot> {
        self.passivated
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id)
    }

    /// How many agents are active through the cluster.
    pub(crate) fn live_count(&self) -> usize {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// How many agents are passivated.
    pub(crate) fn passivated_count(&self) -> usize {
        self.passivated
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .len()
    }

    /// Passivates every agent idle for at least `idle`: snapshot, stop, keep the snapshot for
    /// the next call. An agent in a call right now is left for the next sweep. Returns how
    /// many were passivated.
    pub(crate) async fn sweep(&self, system: &AgentSystem, idle: Duration) -> usize {
        let candidates: Vec<(String, Arc<Activation>)> = self
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(id, a)| a.idle_for() >= idle && !self.is_managed(id))
            .map(|(id, a)| (id.clone(), a.clone()))
            .collect();
        let mut passivated = 0;
        for (id, activation) in candidates {
            let Ok(_exclusive) = activation.gate.try_write() else {
                continue;
            };
            // Passivated meanwhile by another sweep (`Node::passivate_idle` and the background
            // one): the record is no longer the live one. Passivating it again would stop the
            // agent a newer record holds, calls in or not, and drop that record; reopening it
            // (`closing` back to false) would let a call run on an untracked agent.
            if !self.is_live(&id, &activation) {
                continue;
            }
            activation.closing.store(true, Ordering::SeqCst);
            // In a call, or used again since the list was made.
            if activation.inflight.load(Ordering::SeqCst) > 0 || activation.idle_for() < idle {
                activation.closing.store(false, Ordering::SeqCst);
                continue;
            }
            let snapshot = (activation.passivate)(system.clone(), id.clone()).await;
            if let Some(snapshot) = snapshot {
                self.passivated
                    .lock()
                    .unwrap_or_else(PoisonError::into_inner)
                    .insert(id.clone(), snapshot);
            }
            self.live
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .remove(&id);
            passivated += 1;
            tracing::debug!(agent = %id, "passivated");
        }
        passivated
    }

    /// Whether `activation` is the live record of `id`.
    fn is_live(&self, id: &str, activation: &Arc<Activation>) -> bool {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .get(id)
            .is_some_and(|live| Arc::ptr_eq(live, activation))
    }
}
