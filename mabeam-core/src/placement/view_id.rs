use std::fmt;

use serde::{Deserialize, Serialize};
use xxhash_rust::xxh3::xxh3_64;

use crate::membership::Member;

/// Names one membership view for placement: a hash of the incarnations (name and generation)
/// that [own agents](crate::membership::MemberStatus::owns_agents) — `up` or `unreachable` — the set hash
/// ownership is computed over. Two nodes with the same `ViewId`
/// agree on every key's hash owner. A [`HostReport`](super::HostReport) says under which view
/// it was made, so a hash owner can tell whether it still holds.
///
/// ```
/// use mabeam_core::placement::ViewId;
/// use mabeam_core::membership::{Member, MemberStatus};
///
/// let member = |node: &str, generation, status| Member {
///     node: node.into(), generation, gossip_addr: "127.0.0.1:1".parse().unwrap(), status,
///     tags: vec![],
/// };
/// let a = [member("a", 1, MemberStatus::Up), member("b", 1, MemberStatus::Up)];
/// let b = [member("b", 1, MemberStatus::Up), member("a", 1, MemberStatus::Unreachable),
///          member("c", 1, MemberStatus::Joining)];
/// // A suspicion does not change ownership; a joining node does not own yet.
/// assert_eq!(ViewId::of(&a), ViewId::of(&b));
/// let restarted = [member("a", 2, MemberStatus::Up), member("b", 1, MemberStatus::Up)];
/// assert_ne!(ViewId::of(&a), ViewId::of(&restarted));
/// ```
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Hash, Serialize, Deserialize)]
pub struct ViewId(u64);

impl ViewId {
    /// The view of the owning members among `members` (order and other statuses do not
    /// count).
    pub fn of(members: &[Member]) -> Self {
        let mut up: Vec<(&str, u64)> = members
            .iter()
            .filter(|m| m.status.owns_agents())
            .map(|m| (m.node.as_str(), m.generation))
            .collect();
        up.sort_unstable();
        up.dedup();
        let mut bytes = Vec::new();
        for (node, generation) in up {
            bytes.extend_from_slice(node.as_bytes());
            // Node names never contain NUL; the separator keeps ("ab", 1) apart from ("a", ..).
            bytes.push(0);
            bytes.extend_from_slice(&generation.to_le_bytes());
        }
        Self(xxh3_64(&bytes))
    }
}

impl fmt::Display for ViewId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{:016x}", self.0)
    }
}
