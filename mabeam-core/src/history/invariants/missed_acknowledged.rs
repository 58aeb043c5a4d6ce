use crate::history::{Op, Violation};
use crate::AgentId;

/// An acknowledged increment returns at least its own amount plus every increment
/// acknowledged before it was sent: those were applied before it, whichever copy holds them.
pub(crate) fn missed_acknowledged(counter: &AgentId, ops: &[&Op], out: &mut Vec<Violation>) {
    let acknowledged: Vec<(&Op, u64, u64)> = ops
        .iter()
        .filter_map(|op| Some((*op, op.increment()?, op.observed()?)))
        .collect();
    let mut by_complete = acknowledged.clone();
    by_complete.sort_by_key(|(op, _, _)| op.complete);
    let mut by_invoke = acknowledged.clone();
    by_invoke.sort_by_key(|(op, _, _)| op.invoke);

    // Sweep the increments in the order they were sent, summing those that returned before.
    let mut returned = by_complete.iter().peekable();
    let (mut count, mut sum) = (0, 0);
    for &(op, by, value) in &by_invoke {
        while let Some((_, earlier_by, _)) =
            returned.next_if(|(earlier, _, _)| earlier.precedes(op))
        {
            count += 1;
            sum += earlier_by;
        }
        if value < by + sum {
            out.push(Violation::MissedAcknowledged {
                counter: counter.clone(),
                op: op.id,
                value,
                at_least: by + sum,
                acknowledged_before: count,
            });
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::history::{OpId, OpKind, Outcome, Recorder, ServedBy, Violation};

    fn found(recorder: &Recorder) -> Vec<Violation> {
        super::super::only(&recorder.history(), |c, ops, _, out| {
            super::missed_acknowledged(c, ops, out)
        })
    }

    #[test]
    fn an_increment_that_misses_earlier_acknowledged_ones_is_reported() {
        // Two copies each count a concurrent increment; a third, sent after both returned, is served
        // by one of them and returns 2 where 3 was owed.
        let recorder = Recorder::new();
        let a = recorder.invoke(1, "c", "n1", OpKind::Increment { by: 1 });
        let b = recorder.invoke(2, "c", "n2", OpKind::Increment { by: 1 });
        recorder.complete(a, Outcome::ok_from(1, ServedBy::new("n1", 1)));
        recorder.complete(b, Outcome::ok_from(1, ServedBy::new("n2", 1)));
        let op = recorder.invoke(3, "c", "n1", OpKind::Increment { by: 1 });
        recorder.complete(op, Outcome::ok_from(2, ServedBy::new("n1", 1)));
        recorder.final_value("c", 3);
        let found = found(&recorder);
        assert_eq!(
            found,
            [Violation::MissedAcknowledged {
                counter: "c".into(),
                op: OpId(2),
                value: 2,
                at_least: 3,
                acknowledged_before: 2,
            }],
            "{found:?}"
        );
    }

    #[test]
    fn an_increment_concurrent_with_others_owes_nothing_for_them() {
        let recorder = Recorder::new();
        let a = recorder.invoke(1, "c", "n1", OpKind::Increment { by: 1 });
        let b = recorder.invoke(2, "c", "n1", OpKind::Increment { by: 1 });
        recorder.complete(a, Outcome::ok(2));
        recorder.complete(b, Outcome::ok(1));
        recorder.final_value("c", 2);
        assert_eq!(found(&recorder), []);
    }
}
