use crate::history::{Op, OpKind, Outcome, Violation};
use crate::AgentId;

/// Lost and excess updates: `acknowledged <= final <= acknowledged + unknown` (sums of the
/// increments' amounts; a `Failed` increment counts for nothing).
pub(crate) fn totals(
    counter: &AgentId,
    ops: &[&Op],
    final_value: Option<u64>,
    out: &mut Vec<Violation>,
) {
    let Some(final_value) = final_value else {
        out.push(Violation::MissingFinalValue {
            counter: counter.clone(),
        });
        return;
    };
    let (mut acknowledged, mut unknown) = (0, 0);
    let (mut increments, mut failed) = (Vec::new(), Vec::new());
    for op in ops {
        let OpKind::Increment { by } = op.kind else {
            continue;
        };
        match op.outcome {
            Outcome::Ok { .. } => {
                acknowledged += by;
                increments.push(op.id);
            }
            Outcome::Unknown => unknown += by,
            Outcome::Failed => failed.push(op.id),
        }
    }
    if final_value < acknowledged {
        out.push(Violation::LostUpdate {
            counter: counter.clone(),
            final_value,
            acknowledged,
            lost: acknowledged - final_value,
            increments,
        });
    } else if final_value > acknowledged + unknown {
        out.push(Violation::ExcessUpdate {
            counter: counter.clone(),
            final_value,
            at_most: acknowledged + unknown,
            failed,
        });
    }
}

#[cfg(test)]
mod tests {
    use crate::history::{OpId, OpKind, Outcome, Recorder, Violation};

    fn increments(outcomes: Vec<Outcome>, final_value: u64) -> Vec<Violation> {
        let recorder = Recorder::new();
        for (client, outcome) in outcomes.into_iter().enumerate() {
            let op = recorder.invoke(client as u64, "c", "n1", OpKind::Increment { by: 1 });
            recorder.complete(op, outcome);
        }
        recorder.final_value("c", final_value);
        found(&recorder)
    }

    fn found(recorder: &Recorder) -> Vec<Violation> {
        super::super::only(&recorder.history(), super::totals)
    }

    #[test]
    fn a_final_value_below_the_acknowledged_sum_is_a_lost_update() {
        let found = increments(vec![Outcome::ok(1), Outcome::ok(2), Outcome::ok(3)], 2);
        assert_eq!(
            found,
            [Violation::LostUpdate {
                counter: "c".into(),
                final_value: 2,
                acknowledged: 3,
                lost: 1,
                increments: vec![OpId(0), OpId(1), OpId(2)],
            }]
        );
        assert!(found[0].to_string().contains("1 lost"), "{}", found[0]);
    }

    #[test]
    fn unknown_increments_may_or_may_not_count() {
        let outcomes = || vec![Outcome::ok(1), Outcome::Unknown, Outcome::Unknown];
        for final_value in 1..=3 {
            assert_eq!(increments(outcomes(), final_value), []);
        }
    }

    #[test]
    fn a_final_value_above_acknowledged_and_unknown_is_an_excess_update() {
        let found = increments(vec![Outcome::ok(1), Outcome::Failed, Outcome::Unknown], 3);
        assert_eq!(
            found,
            [Violation::ExcessUpdate {
                counter: "c".into(),
                final_value: 3,
                at_most: 2,
                failed: vec![OpId(1)],
            }]
        );
    }

    #[test]
    fn a_counter_without_a_final_value_is_reported() {
        let recorder = Recorder::new();
        let op = recorder.invoke(1, "c", "n1", OpKind::Read);
        recorder.complete(op, Outcome::ok(0));
        assert_eq!(
            found(&recorder),
            [Violation::MissingFinalValue {
                counter: "c".into()
            }]
        );
    }
}
