//! Property tests: histories of a correct single-copy counter never trip a check; dropping an
//! acknowledged increment from the final value always does.

use std::collections::BTreeMap;

use proptest::prelude::*;

use super::{History, OpHandle, OpKind, Outcome, Recorder, ServedBy, Violation};

const CLIENTS: usize = 4;
const COUNTERS: [&str; 2] = ["a", "b"];

/// One step of a random schedule; each is interpreted against the model's state and skipped
/// when it does not apply (e.g. completing a client with nothing in flight).
#[derive(Debug, Clone)]
enum Step {
    /// The client sends an operation (`by == 0` means a read).
    Invoke {
        client: usize,
        counter: usize,
        by: u64,
    },
    /// The client's operation takes effect at the copy now.
    Apply { client: usize },
    /// The client's operation returns: `Ok` if applied (unless `timeout`), else `Failed`
    /// (unless `timeout`); a timed-out increment not yet applied may apply later (`limbo`).
    Complete {
        client: usize,
        timeout: bool,
        limbo: bool,
    },
    /// The oldest increment in limbo takes effect.
    ApplyLimbo,
    /// The counter's copy fails over to another node with its state: a new epoch.
    Failover { counter: usize },
}

fn step() -> impl Strategy<Value = Step> {
    let client = 0..CLIENTS;
    prop_oneof![
        3 => (client.clone(), 0..COUNTERS.len(), 0u64..4)
            .prop_map(|(client, counter, by)| Step::Invoke { client, counter, by }),
        3 => client.clone().prop_map(|client| Step::Apply { client }),
        3 => (client, any::<bool>(), any::<bool>(), any::<u8>()).prop_map(
            |(client, timeout, limbo, odds)| Step::Complete {
                client,
                timeout: timeout && odds % 4 == 0,
                limbo,
            }
        ),
        1 => Just(Step::ApplyLimbo),
        1 => (0..COUNTERS.len()).prop_map(|counter| Step::Failover { counter }),
    ]
}

struct InFlight {
    handle: OpHandle,
    counter: usize,
    by: Option<u64>,
    /// The value observed, with the copy, once applied.
    applied: Option<(u64, ServedBy)>,
}

/// Whether an increment with an unknown outcome may have been applied.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Unknowns {
    /// Before its timeout, after it (from limbo, and all of limbo when settling), or never.
    MayApply,
    /// Never: an operation times out only before it is applied, and limbo is never settled.
    /// The final value is then exactly the acknowledged sum.
    NeverApply,
}

/// Runs `steps` against one copy per counter, recording what clients see.
fn run(steps: &[Step], unknowns: Unknowns, settle: bool) -> History {
    let recorder = Recorder::new();
    let mut values = [0u64; COUNTERS.len()];
    let mut epochs = [1u64; COUNTERS.len()];
    let copy = |epochs: &[u64], counter: usize| {
        let epoch = epochs[counter];
        ServedBy::new(format!("n{}", epoch % 5), epoch)
    };
    let mut in_flight: Vec<Option<InFlight>> = (0..CLIENTS).map(|_| None).collect();
    let mut limbo: Vec<(usize, u64)> = Vec::new();
    for step in steps {
        match *step {
            Step::Invoke {
                client,
                counter,
                by,
            } => {
                if in_flight[client].is_none() {
                    let kind = match by {
                        0 => OpKind::Read,
                        by => OpKind::Increment { by },
                    };
                    let handle = recorder.invoke(client as u64, COUNTERS[counter], "n0", kind);
                    in_flight[client] = Some(InFlight {
                        handle,
                        counter,
                        by: (by > 0).then_some(by),
                        applied: None,
                    });
                }
            }
            Step::Apply { client } => {
                if let Some(op) = in_flight[client].as_mut().filter(|op| op.applied.is_none()) {
                    values[op.counter] += op.by.unwrap_or(0);
                    op.applied = Some((values[op.counter], copy(&epochs, op.counter)));
                }
            }
            Step::Complete {
                client,
                timeout,
                limbo: may_apply_later,
            } => {
                if let Some(op) = in_flight[client].take() {
                    let timeout =
                        timeout && (unknowns == Unknowns::MayApply || op.applied.is_none());
                    let outcome = match (op.applied, timeout) {
                        (None, true) => {
                            if let (Some(by), true) = (op.by, may_apply_later) {
                                limbo.push((op.counter, by));
                            }
                            Outcome::Unknown
                        }
                        (Some(_), true) => Outcome::Unknown,
                        (Some((value, served_by)), false) => Outcome::ok_from(value, served_by),
                        (None, false) => Outcome::Failed,
                    };
                    recorder.complete(op.handle, outcome);
                }
            }
            Step::ApplyLimbo => {
                if unknowns == Unknowns::MayApply && !limbo.is_empty() {
                    let (counter, by) = limbo.remove(0);
                    values[counter] += by;
                }
            }
            Step::Failover { counter } => epochs[counter] += 1,
        }
    }
    // Operations still in flight end: those applied acknowledged (or timed out, if unknowns
    // may apply), the rest timed out, never to apply.
    for op in in_flight.into_iter().flatten() {
        let outcome = match op.applied {
            Some((value, served_by)) if unknowns == Unknowns::NeverApply => {
                Outcome::ok_from(value, served_by)
            }
            _ => Outcome::Unknown,
        };
        recorder.complete(op.handle, outcome);
    }
    if unknowns == Unknowns::MayApply && settle {
        for (counter, by) in limbo {
            values[counter] += by;
        }
    }
    for (counter, value) in COUNTERS.iter().zip(values) {
        recorder.final_value(*counter, value);
    }
    recorder.history()
}

/// `history` with `counter`'s final value lowered by `by`.
fn lowered(history: &History, counter: &str, by: u64) -> History {
    let mut final_values: BTreeMap<_, _> = history.final_values().clone();
    *final_values.get_mut(counter).unwrap() -= by;
    History::new(history.ops().to_vec(), final_values)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(512))]

    /// A correct single-copy counter (with failovers that carry the state, timeouts and late
    /// applications) never trips a check.
    #[test]
    fn a_correct_counters_history_has_no_violation(
        steps in prop::collection::vec(step(), 0..80),
        settle: bool,
    ) {
        let report = run(&steps, Unknowns::MayApply, settle).check();
        prop_assert!(report.is_ok(), "{report}");
    }

    /// Dropping one acknowledged increment from the final value is always caught as a lost
    /// update, when no unknown increment was applied to mask it (see the module docs).
    #[test]
    fn dropping_an_acknowledged_increment_is_a_lost_update(
        steps in prop::collection::vec(step(), 0..80),
        pick: prop::sample::Index,
    ) {
        let history = run(&steps, Unknowns::NeverApply, false);
        let acknowledged: Vec<_> = history
            .ops()
            .iter()
            .filter(|op| op.increment().is_some() && op.observed().is_some())
            .collect();
        prop_assume!(!acknowledged.is_empty());
        let dropped = pick.get(&acknowledged);

        let by = dropped.increment().unwrap();
        let report = lowered(&history, dropped.counter.as_str(), by).check();
        prop_assert!(
            report.violations.iter().any(|v| matches!(
                v,
                Violation::LostUpdate { counter, lost, .. }
                    if *counter == dropped.counter && *lost == by
            )),
            "{report}"
        );
        prop_assert_eq!(report.summary.lost(), by);
    }
}

#[test]
fn a_pending_operation_is_recorded_as_unknown() {
    let recorder = Recorder::new();
    let _pending = recorder.invoke(1, "c", "n1", OpKind::Increment { by: 1 });
    let history = recorder.history();
    assert_eq!(history.ops()[0].outcome, Outcome::Unknown);
    assert!(history.ops()[0].invoke < history.ops()[0].complete);
}

#[test]
fn every_violation_is_reported_not_just_the_first() {
    let recorder = Recorder::new();
    for counter in ["x", "y"] {
        let op = recorder.invoke(1, counter, "n1", OpKind::Increment { by: 1 });
        recorder.complete(op, Outcome::ok(1));
        recorder.final_value(counter, 0);
    }
    let report = recorder.history().check();
    let counters: Vec<_> = report
        .violations
        .iter()
        .map(|v| v.counter().as_str())
        .collect();
    // Each counter lost its increment, and its acknowledged value 1 is above its final 0.
    assert_eq!(counters, ["x", "x", "y", "y"], "{report}");
    assert_eq!(report.summary.lost(), 2);
}

#[test]
fn the_recorder_is_shared_between_threads() {
    let recorder = Recorder::new();
    std::thread::scope(|scope| {
        for client in 0..4 {
            let recorder = &recorder;
            scope.spawn(move || {
                for _ in 0..10 {
                    let op = recorder.invoke(client, "c", "n1", OpKind::Read);
                    recorder.complete(op, Outcome::ok(0));
                }
            });
        }
    });
    recorder.final_value("c", 0);
    let report = recorder.history().check();
    assert!(report.is_ok(), "{report}");
    assert_eq!(report.summary.counters["c"].reads_acknowledged, 40);
}

#[test]
#[should_panic(expected = "on the Recorder that issued it")]
fn a_handle_from_another_recorder_is_refused() {
    let (one, other) = (Recorder::new(), Recorder::new());
    let _mine = other.invoke(1, "c", "n1", OpKind::Read);
    let foreign = one.invoke(1, "c", "n1", OpKind::Read);
    other.complete(foreign, Outcome::ok(0));
}
