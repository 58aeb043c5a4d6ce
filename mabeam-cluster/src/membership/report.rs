use mabeam_core::membership::Member;
use serde::{Deserialize, Serialize};

/// The body of `GET /membership`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MembershipReport {
    /// The node answering.
    pub node: String,
    /// Its view, sorted by node name.
    pub members: Vec<Member>,
    /// The peers it has an authenticated transport session with (empty without a transport).
    #[serde(default)]
    pub connected: Vec<String>,
}
