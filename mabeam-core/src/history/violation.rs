use std::fmt;

use crate::AgentId;

use super::{OpId, ServedBy};

/// One broken invariant found by [`History::check`](super::History::check), naming the counter
/// and the operations involved. See the [module docs](super) for each check's reasoning.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Violation {
    /// The final value is below the sum of acknowledged increments: some acknowledged update
    /// was lost. `lost` is the shortfall, in counter units.
    LostUpdate {
        /// The counter.
        counter: AgentId,
        /// Its final value.
        final_value: u64,
        /// The sum of its acknowledged increments.
        acknowledged: u64,
        /// `acknowledged - final_value`.
        lost: u64,
        /// The acknowledged increments (one or more of them is missing).
        increments: Vec<OpId>,
    },
    /// The final value is above acknowledged plus unknown increments: something was applied
    /// twice, or a `Failed` increment was applied after all.
    ExcessUpdate {
        /// The counter.
        counter: AgentId,
        /// Its final value.
        final_value: u64,
        /// The sum of its acknowledged and unknown increments: the most it may be.
        at_most: u64,
        /// The increments that definitely failed.
        failed: Vec<OpId>,
    },
    /// Operations target a counter the history has no final value for, so the totals could not
    /// be checked.
    MissingFinalValue {
        /// The counter.
        counter: AgentId,
    },
    /// `later` was sent after `earlier` returned, yet observed less than `at_least`:
    /// `earlier`'s value, plus `later`'s own amount when `later` is an increment.
    WentBackwards {
        /// The counter.
        counter: AgentId,
        /// The operation that observed the higher value first.
        earlier: OpId,
        /// The value it observed.
        earlier_value: u64,
        /// The operation sent after `earlier` returned.
        later: OpId,
        /// The value it observed.
        later_value: u64,
        /// The least value `later` may observe.
        at_least: u64,
    },
    /// An operation observed more than the final value: the counter went backwards before the
    /// final read.
    AboveFinal {
        /// The counter.
        counter: AgentId,
        /// The operation.
        op: OpId,
        /// The value it observed.
        value: u64,
        /// The counter's final value.
        final_value: u64,
    },
    /// An acknowledged increment returned less than its own amount plus every increment
    /// acknowledged before it was sent: the copy that served it missed those.
    MissedAcknowledged {
        /// The counter.
        counter: AgentId,
        /// The increment.
        op: OpId,
        /// The value it returned.
        value: u64,
        /// Its amount plus the acknowledged increments before it.
        at_least: u64,
        /// How many increments were acknowledged before it was sent (which of them it missed
        /// the history cannot tell).
        acknowledged_before: usize,
    },
    /// Two concurrent acknowledged increments returned values no single order of the two
    /// explains (with one copy, the second applied returns at least the first's value plus
    /// its own amount): two independent counts. `copies` names the two copies when both
    /// operations recorded one and they differ.
    TwoLiveCopies {
        /// The counter.
        counter: AgentId,
        /// One increment and the value it returned.
        first: (OpId, u64),
        /// The other increment and the value it returned.
        second: (OpId, u64),
        /// The copies that served them, when known and different.
        copies: Option<(ServedBy, ServedBy)>,
    },
}

impl Violation {
    /// The counter the violation is about.
    pub fn counter(&self) -> &AgentId {
        match self {
            Violation::LostUpdate { counter, .. }
            | Violation::ExcessUpdate { counter, .. }
            | Violation::MissingFinalValue { counter }
            | Violation::WentBackwards { counter, .. }
            | Violation::AboveFinal { counter, .. }
            | Violation::MissedAcknowledged { counter, .. }
            | Violation::TwoLiveCopies { counter, .. } => counter,
        }
    }
}

/// At most this many operation ids are spelled out in a message.
const SHOWN: usize = 8;

struct Ops<'a>(&'a [OpId]);

impl fmt::Display for Ops<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, id) in self.0.iter().take(SHOWN).enumerate() {
            if i > 0 {
                f.write_str(", ")?;
            }
            write!(f, "{id}")?;
        }
        if self.0.len() > SHOWN {
            write!(f, " and {} more", self.0.len() - SHOWN)?;
        }
        Ok(())
    }
}

impl fmt::Display for Violation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Violation::LostUpdate {
                counter,
                final_value,
                acknowledged,
                lost,
                increments,
            } => write!(
                f,
                "{}: lost acknowledged update: final value {final_value} < {acknowledged} \
                 acknowledged ({lost} lost) by {}",
                counter.as_str(),
                Ops(increments)
            ),
            Violation::ExcessUpdate {
                counter,
                final_value,
                at_most,
                failed,
            } => {
                write!(
                    f,
                    "{}: excess update: final value {final_value} > {at_most} acknowledged \
                     and unknown (applied twice, or a failed increment applied)",
                    counter.as_str()
                )?;
                if !failed.is_empty() {
                    write!(f, "; failed increments {}", Ops(failed))?;
                }
                Ok(())
            }
            Violation::MissingFinalValue { counter } => {
                write!(f, "{}: no final value recorded", counter.as_str())
            }
            Violation::WentBackwards {
                counter,
                earlier,
                earlier_value,
                later,
                later_value,
                at_least,
            } => write!(
                f,
                "{}: value went backwards: {later} observed {later_value} < {at_least}, \
                 sent after {earlier} had observed {earlier_value}",
                counter.as_str()
            ),
            Violation::AboveFinal {
                counter,
                op,
                value,
                final_value,
            } => write!(
                f,
                "{}: value went backwards: {op} observed {value} > final value {final_value}",
                counter.as_str()
            ),
            Violation::MissedAcknowledged {
                counter,
                op,
                value,
                at_least,
                acknowledged_before,
            } => write!(
                f,
                "{}: {op} returned {value} < {at_least}, missing some of the \
                 {acknowledged_before} increments acknowledged before it was sent",
                counter.as_str()
            ),
            Violation::TwoLiveCopies {
                counter,
                first: (a, a_value),
                second: (b, b_value),
                copies,
            } => {
                write!(
                    f,
                    "{}: two live copies: concurrent increments {a} (returned {a_value}) and \
                     {b} (returned {b_value}) fit no single order",
                    counter.as_str()
                )?;
                if let Some((ca, cb)) = copies {
                    write!(f, "; served by {ca} and {cb}")?;
                }
                Ok(())
            }
        }
    }
}
