//! The checks, one per file; each takes one counter's operations (in id order) and adds what
//! it finds to `out`.

mod missed_acknowledged;
mod monotonic;
mod totals;
mod two_copies;

pub(crate) use missed_acknowledged::missed_acknowledged;
pub(crate) use monotonic::monotonic;
pub(crate) use totals::totals;
pub(crate) use two_copies::two_copies;

/// The violations one check finds in `history`, for the checks' unit tests.
#[cfg(test)]
pub(crate) fn only(
    history: &super::History,
    check: impl Fn(&crate::AgentId, &[&super::Op], Option<u64>, &mut Vec<super::Violation>),
) -> Vec<super::Violation> {
    let mut out = Vec::new();
    for (counter, ops) in history.by_counter() {
        check(
            counter,
            &ops,
            history.final_values().get(counter).copied(),
            &mut out,
        );
    }
    out
}
