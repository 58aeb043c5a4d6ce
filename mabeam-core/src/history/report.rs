use std::fmt;

use super::{Summary, Violation};

/// What [`History::check`](super::History::check) found: every violation, and the history's
/// figures.
///
/// ```
/// use mabeam_core::history::{OpKind, Outcome, Recorder};
///
/// let recorder = Recorder::new();
/// let op = recorder.invoke(1, "c", "n1", OpKind::Read);
/// recorder.complete(op, Outcome::ok(0));
/// recorder.final_value("c", 0);
/// let report = recorder.history().check();
/// assert!(report.is_ok(), "{report}");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Report {
    /// Every violation found, grouped by counter.
    pub violations: Vec<Violation>,
    /// The history's figures.
    pub summary: Summary,
}

impl Report {
    /// Whether no invariant is broken.
    pub fn is_ok(&self) -> bool {
        self.violations.is_empty()
    }
}

impl fmt::Display for Report {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.summary)?;
        if self.is_ok() {
            return writeln!(f, "no violations");
        }
        writeln!(f, "{} violations:", self.violations.len())?;
        for violation in &self.violations {
            writeln!(f, "- {violation}")?;
        }
        Ok(())
    }
}
