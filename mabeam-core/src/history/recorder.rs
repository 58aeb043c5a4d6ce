use std::collections::BTreeMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard, PoisonError};

use crate::AgentId;

use super::{History, Op, OpId, OpKind, Outcome};

/// Records a workload's operations as they happen, for [`History::check`] afterwards.
///
/// Share it between client threads or tasks (`&Recorder` or `Arc<Recorder>`; it is `Send +
/// Sync`). Each call takes a tick of one logical clock, so if one client's `complete` returns
/// before another's `invoke` is called, the first operation's `complete` tick is smaller than
/// the second's `invoke` tick: the checker's real-time order needs no wall clock.
///
/// ```
/// use mabeam_core::history::{OpKind, Outcome, Recorder};
///
/// let recorder = Recorder::new();
/// let a = recorder.invoke(1, "counter-1", "n1", OpKind::Increment { by: 1 });
/// let b = recorder.invoke(2, "counter-1", "n2", OpKind::Increment { by: 1 });
/// recorder.complete(b, Outcome::ok(1));
/// recorder.complete(a, Outcome::Unknown); // timed out; it was applied after all
/// recorder.final_value("counter-1", 2);
/// assert!(recorder.history().check().is_ok());
/// ```
#[derive(Debug)]
pub struct Recorder {
    /// Tells this recorder's handles from another's.
    id: u64,
    clock: AtomicU64,
    state: Mutex<State>,
}

#[derive(Debug, Default)]
struct State {
    /// Each operation, with whether its outcome has come back.
    ops: Vec<(Op, bool)>,
    final_values: BTreeMap<AgentId, u64>,
}

/// An operation sent and not yet completed; hand it back to [`Recorder::complete`].
#[derive(Debug)]
#[must_use = "complete the operation, or it is recorded as Unknown"]
pub struct OpHandle {
    recorder: u64,
    id: OpId,
}

impl OpHandle {
    /// The operation's id in the history.
    pub fn id(&self) -> OpId {
        self.id
    }
}

impl Default for Recorder {
    fn default() -> Self {
        static NEXT: AtomicU64 = AtomicU64::new(0);
        Self {
            id: NEXT.fetch_add(1, Ordering::Relaxed),
            clock: AtomicU64::new(0),
            state: Mutex::default(),
        }
    }
}

impl Recorder {
    /// An empty recorder.
    pub fn new() -> Self {
        Self::default()
    }

    fn tick(&self) -> u64 {
        self.clock.fetch_add(1, Ordering::SeqCst)
    }

    fn state(&self) -> MutexGuard<'_, State> {
        // A client that panicked while recording left whole entries behind: keep them.
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    /// Records that `client` sends `kind` for `counter` through `node`; call just before
    /// sending.
    pub fn invoke(
        &self,
        client: u64,
        counter: impl Into<AgentId>,
        node: impl Into<String>,
        kind: OpKind,
    ) -> OpHandle {
        let counter = counter.into();
        let node = node.into();
        let mut state = self.state();
        let invoke = self.tick();
        let id = OpId(state.ops.len());
        let op = Op {
            id,
            client,
            counter,
            node,
            kind,
            invoke,
            complete: invoke,
            outcome: Outcome::Unknown,
        };
        state.ops.push((op, false));
        OpHandle {
            recorder: self.id,
            id,
        }
    }

    /// Records the outcome of the operation `handle` stands for; call as soon as it is known.
    ///
    /// # Panics
    ///
    /// If `handle` came from another recorder.
    pub fn complete(&self, handle: OpHandle, outcome: Outcome) {
        assert_eq!(
            handle.recorder, self.id,
            "an OpHandle is completed on the Recorder that issued it"
        );
        let complete = self.tick();
        let mut state = self.state();
        // A handle is issued once per entry and consumed here: the entry is pending.
        let (op, done) = &mut state.ops[handle.id.0];
        op.complete = complete;
        op.outcome = outcome;
        *done = true;
    }

    /// Records the value of `counter` read after the cluster healed and settled.
    pub fn final_value(&self, counter: impl Into<AgentId>, value: u64) {
        self.state().final_values.insert(counter.into(), value);
    }

    /// The history so far. An operation not yet completed is in it as `Unknown`, completed
    /// now.
    pub fn history(&self) -> History {
        let state = self.state();
        let now = self.tick();
        let ops = state
            .ops
            .iter()
            .map(|(op, done)| {
                let mut op = op.clone();
                if !done {
                    op.complete = now;
                }
                op
            })
            .collect();
        History::new(ops, state.final_values.clone())
    }
}
