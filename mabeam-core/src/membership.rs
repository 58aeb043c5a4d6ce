//! The membership view every node keeps, as a pure state machine.
//!
//! The gossip layer reports which node incarnations it currently considers alive (and whether
//! each one announced it is leaving); [`MembershipView::observe`] folds that into per-node
//! statuses and returns what changed. A node is identified by its name; each process
//! incarnation has a new, larger *generation*, so a restarted node replaces its old self.
//!
//! Statuses: `Up` (alive), `Leaving` (alive, announced a graceful leave), `Down` (no longer
//! seen alive without having announced a leave: failed, killed, frozen or cut off), `Removed`
//! (no longer seen after announcing its leave). A `Down` node seen alive again (a frozen
//! process resumed, a partition healed) is `Up` again.
//!
//! ```
//! use std::net::SocketAddr;
//! use mabeam_core::membership::{MembershipView, MemberStatus, Observed};
//!
//! let addr: SocketAddr = "127.0.0.1:7000".parse().unwrap();
//! let mut view = MembershipView::default();
//! let events = view.observe([Observed::new("a", 1, addr), Observed::new("b", 1, addr)]);
//! assert_eq!(events.len(), 2);
//! view.observe([Observed::new("a", 1, addr)]);
//! assert_eq!(view.get("b").unwrap().status, MemberStatus::Down);
//! ```

use std::collections::BTreeMap;
use std::net::SocketAddr;

use serde::{Deserialize, Serialize};

/// A node's status in the view.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum MemberStatus {
    /// Alive.
    Up,
    /// Alive, and leaving gracefully.
    Leaving,
    /// Not seen alive, without having announced a leave.
    Down,
    /// Gone after a graceful leave.
    Removed,
}

/// One node as the view knows it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Member {
    /// The node's name, unique in the cluster.
    pub node: String,
    /// The incarnation: larger for a later start of the same node.
    pub generation: u64,
    /// Where the node gossips.
    pub gossip_addr: SocketAddr,
    /// Its status.
    pub status: MemberStatus,
}

/// What the gossip layer currently sees alive.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Observed {
    /// The node's name.
    pub node: String,
    /// Its incarnation.
    pub generation: u64,
    /// Where it gossips.
    pub gossip_addr: SocketAddr,
    /// It announced a graceful leave.
    pub leaving: bool,
}

impl Observed {
    /// An alive, not leaving, node incarnation.
    pub fn new(node: impl Into<String>, generation: u64, gossip_addr: SocketAddr) -> Self {
        Self {
            node: node.into(),
            generation,
            gossip_addr,
            leaving: false,
        }
    }

    /// Marks it as leaving.
    pub fn leaving(mut self) -> Self {
        self.leaving = true;
        self
    }
}

/// A change in the view: the member as it is now.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct MemberEvent {
    /// The member after the change.
    pub member: Member,
    /// Its status before (`None` for a node or generation seen for the first time).
    pub previous: Option<MemberStatus>,
}

/// The membership view of one node; see the [module docs](self).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct MembershipView {
    members: BTreeMap<String, Member>,
}

impl MembershipView {
    /// Folds in the set of node incarnations seen alive now; returns the changes.
    pub fn observe(&mut self, alive: impl IntoIterator<Item = Observed>) -> Vec<MemberEvent> {
        let mut events = Vec::new();
        // The newest generation seen alive per node.
        let mut newest: BTreeMap<String, Observed> = BTreeMap::new();
        for seen in alive {
            match newest.get(&seen.node) {
                Some(other) if other.generation >= seen.generation => {}
                _ => {
                    newest.insert(seen.node.clone(), seen);
                }
            }
        }
        for seen in newest.values() {
            let status = if seen.leaving {
                MemberStatus::Leaving
            } else {
                MemberStatus::Up
            };
            let previous = match self.members.get(&seen.node) {
                // An older incarnation, or a stale report of one: ignore stale, replace old.
                Some(known) if known.generation > seen.generation => continue,
                Some(known) if known.generation == seen.generation => {
                    if known.status == status {
                        continue;
                    }
                    Some(known.status)
                }
                _ => None,
            };
            let member = Member {
                node: seen.node.clone(),
                generation: seen.generation,
                gossip_addr: seen.gossip_addr,
                status,
            };
            self.members.insert(member.node.clone(), member.clone());
            events.push(MemberEvent { member, previous });
        }
        for member in self.members.values_mut() {
            let alive = newest
                .get(&member.node)
                .is_some_and(|seen| seen.generation == member.generation);
            let next = match member.status {
                MemberStatus::Up if !alive => MemberStatus::Down,
                MemberStatus::Leaving if !alive => MemberStatus::Removed,
                _ => continue,
            };
            let previous = Some(member.status);
            member.status = next;
            events.push(MemberEvent {
                member: member.clone(),
                previous,
            });
        }
        events
    }

    /// The member named `node`.
    pub fn get(&self, node: &str) -> Option<&Member> {
        self.members.get(node)
    }

    /// Every member, by name.
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values()
    }

    /// How many members are `Up`.
    pub fn up_count(&self) -> usize {
        self.members
            .values()
            .filter(|m| m.status == MemberStatus::Up)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn addr() -> SocketAddr {
        "127.0.0.1:7000".parse().unwrap()
    }

    fn statuses(view: &MembershipView) -> Vec<(String, u64, MemberStatus)> {
        view.members()
            .map(|m| (m.node.clone(), m.generation, m.status))
            .collect()
    }

    #[test]
    fn new_nodes_come_up_and_unseen_ones_go_down() {
        let mut view = MembershipView::default();
        let events = view.observe([Observed::new("a", 1, addr()), Observed::new("b", 1, addr())]);
        assert!(events
            .iter()
            .all(|e| e.previous.is_none() && e.member.status == MemberStatus::Up));
        let events = view.observe([Observed::new("a", 1, addr())]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].previous, Some(MemberStatus::Up));
        assert_eq!(
            statuses(&view),
            [
                ("a".into(), 1, MemberStatus::Up),
                ("b".into(), 1, MemberStatus::Down)
            ]
        );
        // Nothing changes: no events.
        assert!(view.observe([Observed::new("a", 1, addr())]).is_empty());
    }

    #[test]
    fn a_down_node_seen_again_is_up_again() {
        let mut view = MembershipView::default();
        view.observe([Observed::new("a", 1, addr())]);
        view.observe([]);
        let events = view.observe([Observed::new("a", 1, addr())]);
        assert_eq!(events[0].previous, Some(MemberStatus::Down));
        assert_eq!(view.get("a").unwrap().status, MemberStatus::Up);
    }

    #[test]
    fn a_restarted_node_replaces_its_old_generation() {
        let mut view = MembershipView::default();
        view.observe([Observed::new("a", 1, addr())]);
        // The old incarnation is still reported alive for a while next to the new one.
        let events = view.observe([Observed::new("a", 1, addr()), Observed::new("a", 2, addr())]);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].member.generation, 2);
        assert_eq!(events[0].previous, None);
        // A late report of the old generation alone does not roll it back.
        view.observe([Observed::new("a", 1, addr())]);
        assert_eq!(view.get("a").unwrap().generation, 2);
    }

    #[test]
    fn a_graceful_leave_ends_removed_never_down() {
        let mut view = MembershipView::default();
        view.observe([Observed::new("a", 1, addr()), Observed::new("b", 1, addr())]);
        let events = view.observe([
            Observed::new("a", 1, addr()),
            Observed::new("b", 1, addr()).leaving(),
        ]);
        assert_eq!(events[0].member.status, MemberStatus::Leaving);
        let events = view.observe([Observed::new("a", 1, addr())]);
        assert_eq!(events[0].member.status, MemberStatus::Removed);
        assert_eq!(view.up_count(), 1);
    }
}
