use crate::history::{Op, Outcome, Violation};
use crate::AgentId;

/// Two concurrent acknowledged increments must fit one order: with a single copy, whichever
/// was applied second returned at least the other's value plus its own amount.
///
/// Only overlapping pairs are compared: for a pair in real-time order the same condition is
/// [`monotonic`](super::monotonic)'s, already checked there.
pub(crate) fn two_copies(counter: &AgentId, ops: &[&Op], out: &mut Vec<Violation>) {
    let mut acknowledged: Vec<(&Op, u64, u64)> = ops
        .iter()
        .filter_map(|op| Some((*op, op.increment()?, op.observed()?)))
        .collect();
    acknowledged.sort_by_key(|(op, _, _)| op.invoke);
    for (i, &(a, a_by, a_value)) in acknowledged.iter().enumerate() {
        // Sorted by invocation: `b` overlaps `a` until one is sent after `a` returned.
        for &(b, b_by, b_value) in acknowledged[i + 1..]
            .iter()
            .take_while(|(b, _, _)| !a.precedes(b))
        {
            let a_then_b = b_value >= a_value + b_by;
            let b_then_a = a_value >= b_value + a_by;
            if !a_then_b && !b_then_a {
                out.push(Violation::TwoLiveCopies {
                    counter: counter.clone(),
                    first: (a.id, a_value),
                    second: (b.id, b_value),
                    copies: match (&a.outcome, &b.outcome) {
                        (
                            Outcome::Ok {
                                served_by: Some(x), ..
                            },
                            Outcome::Ok {
                                served_by: Some(y), ..
                            },
                        ) if x != y => Some((x.clone(), y.clone())),
                        _ => None,
                    },
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::history::{OpId, OpKind, Outcome, Recorder, ServedBy, Violation};

    fn concurrent_increments(outcomes: [Outcome; 2]) -> Vec<Violation> {
        let recorder = Recorder::new();
        let a = recorder.invoke(1, "c", "n1", OpKind::Increment { by: 1 });
        let b = recorder.invoke(2, "c", "n2", OpKind::Increment { by: 1 });
        let [x, y] = outcomes;
        recorder.complete(a, x);
        recorder.complete(b, y);
        recorder.final_value("c", 2);
        found(&recorder)
    }

    fn found(recorder: &Recorder) -> Vec<Violation> {
        super::super::only(&recorder.history(), |c, ops, _, out| {
            super::two_copies(c, ops, out)
        })
    }

    #[test]
    fn two_copies_returning_the_same_count_are_reported() {
        let (n1, n2) = (ServedBy::new("n1", 1), ServedBy::new("n2", 1));
        let found = concurrent_increments([
            Outcome::ok_from(1, n1.clone()),
            Outcome::ok_from(1, n2.clone()),
        ]);
        assert_eq!(
            found,
            [Violation::TwoLiveCopies {
                counter: "c".into(),
                first: (OpId(0), 1),
                second: (OpId(1), 1),
                copies: Some((n1, n2)),
            }]
        );
        assert!(
            found[0].to_string().contains("served by n1@1 and n2@1"),
            "{}",
            found[0]
        );
    }

    #[test]
    fn conflicting_counts_are_reported_without_copy_information_too() {
        let found = concurrent_increments([Outcome::ok(1), Outcome::ok(1)]);
        assert!(
            matches!(found[..], [Violation::TwoLiveCopies { copies: None, .. }]),
            "{found:?}"
        );
    }

    #[test]
    fn a_handover_between_copies_with_one_count_passes() {
        // The old copy acknowledged 1, handed its state over, the new copy acknowledged 2.
        let found = concurrent_increments([
            Outcome::ok_from(1, ServedBy::new("n1", 1)),
            Outcome::ok_from(2, ServedBy::new("n2", 2)),
        ]);
        assert_eq!(found, []);
    }
}
