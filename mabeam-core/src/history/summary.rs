use std::collections::BTreeMap;
use std::fmt;

use crate::AgentId;

use super::{History, OpKind, Outcome};

/// Per-counter figures of a [`History`], for test output and reports.
///
/// ```
/// use mabeam_core::history::{OpKind, Outcome, Recorder};
///
/// let recorder = Recorder::new();
/// let a = recorder.invoke(1, "c", "n1", OpKind::Increment { by: 1 });
/// recorder.complete(a, Outcome::ok(1));
/// let b = recorder.invoke(1, "c", "n1", OpKind::Increment { by: 1 });
/// recorder.complete(b, Outcome::Unknown);
/// recorder.final_value("c", 1);
///
/// let summary = recorder.history().summary();
/// let c = &summary.counters["c"];
/// assert_eq!((c.acknowledged, c.unknown, c.lost()), (1, 1, Some(0)));
/// assert_eq!(
///     summary.to_string(),
///     "c: increments 1 acknowledged (+1), 0 failed, 1 unknown (+1); reads 0/0; final 1; lost 0\n"
/// );
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Summary {
    /// Each counter's figures.
    pub counters: BTreeMap<AgentId, CounterSummary>,
}

/// One counter's figures in a [`Summary`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct CounterSummary {
    /// Acknowledged increments.
    pub acknowledged: usize,
    /// Increments that definitely failed.
    pub failed: usize,
    /// Increments with an unknown outcome.
    pub unknown: usize,
    /// The sum of the acknowledged increments' amounts.
    pub acknowledged_sum: u64,
    /// The sum of the unknown increments' amounts.
    pub unknown_sum: u64,
    /// Reads sent.
    pub reads: usize,
    /// Reads acknowledged.
    pub reads_acknowledged: usize,
    /// The value read after healing, if recorded.
    pub final_value: Option<u64>,
}

impl CounterSummary {
    /// How far the final value falls short of the acknowledged increments (0 when none is
    /// lost), or `None` without a final value.
    pub fn lost(&self) -> Option<u64> {
        Some(self.acknowledged_sum.saturating_sub(self.final_value?))
    }
}

impl Summary {
    pub(crate) fn of(history: &History) -> Self {
        let mut counters: BTreeMap<AgentId, CounterSummary> = BTreeMap::new();
        for op in history.ops() {
            let c = counters.entry(op.counter.clone()).or_default();
            match (op.kind, &op.outcome) {
                (OpKind::Increment { by }, Outcome::Ok { .. }) => {
                    c.acknowledged += 1;
                    c.acknowledged_sum += by;
                }
                (OpKind::Increment { .. }, Outcome::Failed) => c.failed += 1,
                (OpKind::Increment { by }, Outcome::Unknown) => {
                    c.unknown += 1;
                    c.unknown_sum += by;
                }
                (OpKind::Read, outcome) => {
                    c.reads += 1;
                    if matches!(outcome, Outcome::Ok { .. }) {
                        c.reads_acknowledged += 1;
                    }
                }
            }
        }
        for (counter, value) in history.final_values() {
            counters.entry(counter.clone()).or_default().final_value = Some(*value);
        }
        Self { counters }
    }

    /// The acknowledged increments' shortfall summed over all counters.
    pub fn lost(&self) -> u64 {
        self.counters
            .values()
            .filter_map(CounterSummary::lost)
            .sum()
    }
}

impl fmt::Display for Summary {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (counter, c) in &self.counters {
            write!(
                f,
                "{}: increments {} acknowledged (+{}), {} failed, {} unknown (+{}); reads {}/{}; ",
                counter.as_str(),
                c.acknowledged,
                c.acknowledged_sum,
                c.failed,
                c.unknown,
                c.unknown_sum,
                c.reads_acknowledged,
                c.reads
            )?;
            match (c.final_value, c.lost()) {
                (Some(value), Some(lost)) => writeln!(f, "final {value}; lost {lost}")?,
                _ => writeln!(f, "no final value")?,
            }
        }
        Ok(())
    }
}
