use std::fmt;

use serde::{Deserialize, Serialize};

/// The delivery lane of a signal. Each subscriber keeps one bounded queue per lane and always
/// takes from the most urgent non-empty lane first, so `Control` traffic is never queued behind
/// bulk `Data` or `Telemetry` (the seeds' control / events / data / telemetry channels).
///
/// Lanes are ordered by urgency: `Control < Events < Data < Telemetry`.
#[derive(
    Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default, Serialize, Deserialize,
)]
#[serde(rename_all = "snake_case")]
pub enum Lane {
    /// Coordination and lifecycle commands: low volume, must not wait.
    Control,
    /// Domain events: the default lane.
    #[default]
    Events,
    /// Bulk payloads.
    Data,
    /// Metrics and readings; the newest matters most.
    Telemetry,
}

impl Lane {
    /// Every lane, most urgent first.
    pub const ALL: [Lane; 4] = [Lane::Control, Lane::Events, Lane::Data, Lane::Telemetry];

    /// The lane's position in [`Lane::ALL`].
    pub const fn index(self) -> usize {
        self as usize
    }

    /// The lane's name, as used in logs and metrics.
    pub const fn as_str(self) -> &'static str {
        match self {
            Lane::Control => "control",
            Lane::Events => "events",
            Lane::Data => "data",
            Lane::Telemetry => "telemetry",
        }
    }
}

impl fmt::Display for Lane {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}
