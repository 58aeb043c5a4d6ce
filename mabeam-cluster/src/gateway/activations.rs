use std::collections::{HashMap, HashSet};
use std::sync::{Arc, Mutex, PoisonError, RwLock as StdRwLock};
use std::time::{Duration, Instant};

use futures::future::BoxFuture;
use mabeam_actors::{AgentSystem, Snapshot};
use tokio::sync::RwLock;

/// Takes an agent's snapshot (none if its type has no snapshot support) and stops it.
pub(crate) type Passivate =
    Arc<dyn Fn(AgentSystem, String) -> BoxFuture<'static, Option<Snapshot>> + Send + Sync>;

/// One agent activated through the cluster on this node.
pub(crate) struct Activation {
    /// Calls hold it shared for their whole run; passivation holds it exclusively, so no call
    /// runs between the snapshot and the stop.
    pub(crate) gate: RwLock<()>,
    /// One activation at a time (the first restores the snapshot; the others find it).
    pub(crate) activating: tokio::sync::Mutex<()>,
    last_used: Mutex<Instant>,
    passivate: Passivate,
}

impl Activation {
    pub(crate) fn touch(&self) {
        *self
            .last_used
            .lock()
            .unwrap_or_else(PoisonError::into_inner) = Instant::now();
    }

    fn idle_for(&self) -> Duration {
        self.last_used
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .elapsed()
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
        // Not counted as activated any more, nor passivated.
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .remove(id);
    }

    /// Whether `id` is a singleton or one-per-node agent: only the cluster registry starts and
    /// stops it.
    pub(crate) fn is_managed(&self, id: &str) -> bool {
        self.managed
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .contains(id)
    }

    /// The activation record of `id` (made with `passivate` if it has none).
    pub(crate) fn entry(&self, id: &str, passivate: impl FnOnce() -> Passivate) -> Arc<Activation> {
        self.live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(id.to_owned())
            .or_insert_with(|| {
                Arc::new(Activation {
                    gate: RwLock::new(()),
                    activating: tokio::sync::Mutex::new(()),
                    last_used: Mutex::new(Instant::now()),
                    passivate: passivate(),
                })
            })
            .clone()
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
    /// the next call. An agent in a call right now is left for the next sweep.
    pub(crate) async fn sweep(&self, system: &AgentSystem, idle: Duration) {
        let candidates: Vec<(String, Arc<Activation>)> = self
            .live
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .filter(|(id, a)| a.idle_for() >= idle && !self.is_managed(id))
            .map(|(id, a)| (id.clone(), a.clone()))
            .collect();
        for (id, activation) in candidates {
            let Ok(_exclusive) = activation.gate.try_write() else {
                continue;
            };
            // Used again since the list was made.
            if activation.idle_for() < idle {
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
            tracing::debug!(agent = %id, "passivated");
        }
    }
}
