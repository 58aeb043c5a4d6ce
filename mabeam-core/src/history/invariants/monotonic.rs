use crate::history::{Op, Violation};
use crate::AgentId;

/// Values never go backwards: an operation sent after another returned observes at least what
/// that one observed (plus its own amount, for an increment), and no operation observes more
/// than the final value.
///
/// For each operation only the highest value observed before it was sent is compared, so each
/// offending operation is reported once, with the strongest witness.
pub(crate) fn monotonic(
    counter: &AgentId,
    ops: &[&Op],
    final_value: Option<u64>,
    out: &mut Vec<Violation>,
) {
    let observed: Vec<(&Op, u64)> = ops
        .iter()
        .filter_map(|op| Some((*op, op.observed()?)))
        .collect();
    let mut by_complete = observed.clone();
    by_complete.sort_by_key(|(op, _)| op.complete);
    let mut by_invoke = observed.clone();
    by_invoke.sort_by_key(|(op, _)| op.invoke);

    // Sweep the operations in the order they were sent, keeping the highest value observed by
    // an operation that returned before.
    let mut returned = by_complete.iter().peekable();
    let mut highest: Option<(&Op, u64)> = None;
    for &(later, later_value) in &by_invoke {
        while let Some(&(earlier, value)) = returned.next_if(|(earlier, _)| earlier.precedes(later))
        {
            if highest.is_none_or(|(_, best)| value > best) {
                highest = Some((earlier, value));
            }
        }
        if let Some((earlier, earlier_value)) = highest {
            let at_least = earlier_value + later.increment().unwrap_or(0);
            if later_value < at_least {
                out.push(Violation::WentBackwards {
                    counter: counter.clone(),
                    earlier: earlier.id,
                    earlier_value,
                    later: later.id,
                    later_value,
                    at_least,
                });
            }
        }
    }

    if let Some(final_value) = final_value {
        for &(op, value) in &observed {
            if value > final_value {
                out.push(Violation::AboveFinal {
                    counter: counter.clone(),
                    op: op.id,
                    value,
                    final_value,
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::history::{OpId, OpKind, Outcome, Recorder, Violation};

    fn found(recorder: &Recorder) -> Vec<Violation> {
        super::super::only(&recorder.history(), super::monotonic)
    }

    #[test]
    fn a_read_after_a_higher_read_went_backwards() {
        let recorder = Recorder::new();
        let a = recorder.invoke(1, "c", "n1", OpKind::Read);
        recorder.complete(a, Outcome::ok(5));
        let b = recorder.invoke(2, "c", "n2", OpKind::Read);
        recorder.complete(b, Outcome::ok(4));
        recorder.final_value("c", 5);
        let found = found(&recorder);
        assert_eq!(
            found,
            [Violation::WentBackwards {
                counter: "c".into(),
                earlier: OpId(0),
                earlier_value: 5,
                later: OpId(1),
                later_value: 4,
                at_least: 5,
            }]
        );
        assert!(
            found[0].to_string().contains("#1 observed 4 < 5"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn one_client_reading_less_than_before_went_backwards() {
        let recorder = Recorder::new();
        for value in [3, 4, 2] {
            let op = recorder.invoke(7, "c", "n1", OpKind::Read);
            recorder.complete(op, Outcome::ok(value));
        }
        recorder.final_value("c", 4);
        let found = found(&recorder);
        assert!(
            matches!(
                found[..],
                [Violation::WentBackwards {
                    earlier: OpId(1),
                    later: OpId(2),
                    ..
                }]
            ),
            "{found:?}"
        );
    }

    #[test]
    fn concurrent_reads_may_return_in_any_order() {
        let recorder = Recorder::new();
        let a = recorder.invoke(1, "c", "n1", OpKind::Read);
        let b = recorder.invoke(2, "c", "n2", OpKind::Read);
        recorder.complete(b, Outcome::ok(5));
        recorder.complete(a, Outcome::ok(4));
        recorder.final_value("c", 5);
        assert_eq!(found(&recorder), []);
    }

    #[test]
    fn an_increment_after_a_read_returns_at_least_the_read_plus_its_amount() {
        let recorder = Recorder::new();
        let read = recorder.invoke(1, "c", "n1", OpKind::Read);
        recorder.complete(read, Outcome::ok(10));
        let inc = recorder.invoke(1, "c", "n1", OpKind::Increment { by: 1 });
        recorder.complete(inc, Outcome::ok(10));
        recorder.final_value("c", 10);
        let found = found(&recorder);
        assert!(
            found.iter().any(|v| matches!(
                v,
                Violation::WentBackwards {
                    later: OpId(1),
                    at_least: 11,
                    ..
                }
            )),
            "{found:?}"
        );
    }

    #[test]
    fn a_value_above_the_final_value_went_backwards() {
        let recorder = Recorder::new();
        let op = recorder.invoke(1, "c", "n1", OpKind::Read);
        recorder.complete(op, Outcome::ok(3));
        recorder.final_value("c", 2);
        assert_eq!(
            found(&recorder),
            [Violation::AboveFinal {
                counter: "c".into(),
                op: OpId(0),
                value: 3,
                final_value: 2,
            }]
        );
    }
}
