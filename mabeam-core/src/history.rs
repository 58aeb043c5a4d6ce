//! A Jepsen-style history checker for replicated counters: record every operation a workload
//! does while a nemesis kills, pauses and partitions nodes, then check invariants on the
//! history afterwards.
//!
//! A [`Recorder`] takes each operation's invocation and completion as ticks of one logical
//! clock, so "A returned before B was sent" (`A.complete < B.invoke`, [`Op::precedes`]) is
//! known without wall clocks. Each [`Op`] targets one counter (an agent), is an increment
//! or a read, and ends [`Outcome::Ok`] with the value the agent returned (after the increment,
//! or read), [`Outcome::Failed`] (definitely not applied) or [`Outcome::Unknown`] (may have
//! been applied, even later). After healing, the workload reads each counter's final value.
//! [`History::check`] returns a [`Report`]: every [`Violation`] found and a [`Summary`].
//!
//! ```
//! use mabeam_core::history::{OpKind, Outcome, Recorder, ServedBy, Violation};
//!
//! let recorder = Recorder::new();
//! // Two clients increment concurrently through different nodes during a partition...
//! let a = recorder.invoke(1, "counter-1", "n1", OpKind::Increment { by: 1 });
//! let b = recorder.invoke(2, "counter-1", "n4", OpKind::Increment { by: 1 });
//! // ...and two copies each count one.
//! recorder.complete(a, Outcome::ok_from(1, ServedBy::new("n1", 1)));
//! recorder.complete(b, Outcome::ok_from(1, ServedBy::new("n4", 2)));
//! recorder.final_value("counter-1", 1); // one copy's count won the merge
//!
//! let report = recorder.history().check();
//! assert!(matches!(
//!     report.violations[..],
//!     [Violation::LostUpdate { .. }, Violation::TwoLiveCopies { .. }]
//! ));
//! println!("{report}");
//! ```
//!
//! # The model and the checks
//!
//! A correct counter behaves as one copy starting at 0: each increment is applied once, at
//! some instant between its invocation and its completion (an `Unknown` one possibly later,
//! or never; a `Failed` one never), and every acknowledged operation observes the value at
//! its instant. Each check below holds for every such history (so a correct system never
//! trips it — the property tests generate such histories) and is stated per counter:
//!
//! 1. **Totals** ([`Violation::LostUpdate`], [`Violation::ExcessUpdate`]): `acknowledged ≤
//!    final ≤ acknowledged + unknown`, sums of increment amounts. Below: an acknowledged
//!    update was lost. Above: something was applied twice, or a `Failed` one was applied.
//!    A counter with operations but no final value is [`Violation::MissingFinalValue`].
//!    *Cannot see*: a loss masked by unknown increments that were applied (final 5 with 5
//!    acknowledged may be 4 acknowledged + 1 unknown with one acknowledged lost), nor which
//!    acknowledged increment was lost.
//! 2. **No value going backwards** ([`Violation::WentBackwards`], [`Violation::AboveFinal`]):
//!    if A returned before B was sent, B observes at least A's value, plus B's own amount if
//!    B is an increment; no acknowledged operation observes more than the final value. Each
//!    offending operation is reported once, against the highest earlier value. A client's own
//!    operations that do not overlap are in real-time order, so "a client never sees its
//!    counter decrease" is part of this check; a client's *overlapping* operations may
//!    legitimately return in either order and are not compared. *Cannot see*: concurrent
//!    operations (they have no order to break).
//! 3. **Two live copies** ([`Violation::TwoLiveCopies`]): two *concurrent* acknowledged
//!    increments must fit one order — whichever was applied second returned at least the
//!    other's value plus its own amount. If neither order fits (e.g. both returned the same
//!    value), two independent counts existed. `copies` names the two serving copies
//!    ([`ServedBy`]: node and epoch) when both operations recorded one and they differ; the
//!    violation is reported without them too (a copy restarted from a stale state under the
//!    same epoch is also two counts). *Cannot see*: two copies whose counts happen to
//!    interleave consistently (copy X returns 1, 3; copy Y returns 2, 4), reads (a read
//!    carries no amount, so it fits any order with a concurrent increment), and copies that
//!    accepted writes nobody acknowledged. Non-overlapping pairs are left to checks 2 and 4.
//! 4. **Nothing acknowledged missed** ([`Violation::MissedAcknowledged`]): an acknowledged
//!    increment returns at least its amount plus every increment acknowledged before it was
//!    sent. This catches a copy that came back after a split brain without the other side's
//!    acknowledged writes, even when values alone look monotonic. *Cannot see*: which of those
//!    increments it missed.
//!
//! The checks assume counters start at 0 and amounts are non-negative (they are `u64`); sums
//! are plain `u64` additions, so a history's amounts must fit in one.

mod invariants;
mod op;
mod op_kind;
mod outcome;
mod recorded;
mod recorder;
mod report;
mod served_by;
mod summary;
mod violation;

#[cfg(test)]
mod tests;

pub use op::{Op, OpId};
pub use op_kind::OpKind;
pub use outcome::Outcome;
pub use recorded::History;
pub use recorder::{OpHandle, Recorder};
pub use report::Report;
pub use served_by::ServedBy;
pub use summary::{CounterSummary, Summary};
pub use violation::Violation;
