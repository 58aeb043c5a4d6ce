use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use crate::AgentId;

use super::{invariants, Op, OpId, Report, Summary};

/// A recorded history: every operation of a workload, in invocation order, and the value of
/// each counter read after the cluster healed and settled. Built by a
/// [`Recorder`](super::Recorder); judged by [`check`](Self::check).
///
/// ```
/// use mabeam_core::history::{OpKind, Outcome, Recorder, Violation};
///
/// let recorder = Recorder::new();
/// let op = recorder.invoke(1, "counter-1", "n1", OpKind::Increment { by: 1 });
/// recorder.complete(op, Outcome::ok(1));
/// recorder.final_value("counter-1", 0); // the acknowledged increment is gone
///
/// let report = recorder.history().check();
/// assert!(matches!(
///     report.violations[..],
///     [Violation::LostUpdate { lost: 1, .. }, Violation::AboveFinal { value: 1, .. }]
/// ));
/// assert_eq!(report.summary.counters["counter-1"].lost(), Some(1));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct History {
    ops: Vec<Op>,
    final_values: BTreeMap<AgentId, u64>,
}

impl History {
    /// `ops[i].id` is `OpId(i)`.
    pub(crate) fn new(ops: Vec<Op>, final_values: BTreeMap<AgentId, u64>) -> Self {
        debug_assert!(ops.iter().enumerate().all(|(i, op)| op.id == OpId(i)));
        Self { ops, final_values }
    }

    /// Every operation, in invocation order (`ops()[i].id == OpId(i)`).
    pub fn ops(&self) -> &[Op] {
        &self.ops
    }

    /// The operation `id`.
    pub fn op(&self, id: OpId) -> Option<&Op> {
        self.ops.get(id.0)
    }

    /// Each counter's value read after healing and settling.
    pub fn final_values(&self) -> &BTreeMap<AgentId, u64> {
        &self.final_values
    }

    /// Each counter's operations, in id order; every counter with a final value is present.
    pub(crate) fn by_counter(&self) -> BTreeMap<&AgentId, Vec<&Op>> {
        let mut counters: BTreeMap<&AgentId, Vec<&Op>> = self
            .final_values
            .keys()
            .map(|counter| (counter, Vec::new()))
            .collect();
        for op in &self.ops {
            counters.entry(&op.counter).or_default().push(op);
        }
        counters
    }

    /// Checks every invariant on every counter (see the [module docs](super)) and returns all
    /// violations found, by counter, with a summary.
    pub fn check(&self) -> Report {
        let mut violations = Vec::new();
        for (counter, ops) in self.by_counter() {
            let final_value = self.final_values.get(counter).copied();
            invariants::totals(counter, &ops, final_value, &mut violations);
            invariants::monotonic(counter, &ops, final_value, &mut violations);
            invariants::missed_acknowledged(counter, &ops, &mut violations);
            invariants::two_copies(counter, &ops, &mut violations);
        }
        Report {
            violations,
            summary: self.summary(),
        }
    }

    /// Counts of acknowledged, failed and unknown operations per counter.
    pub fn summary(&self) -> Summary {
        Summary::of(self)
    }
}
