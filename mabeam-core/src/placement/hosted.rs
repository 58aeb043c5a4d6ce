use std::collections::{BTreeMap, BTreeSet};

use crate::membership::{Incarnation, Member};

use super::{AgentKey, HostReport, Placement, ViewId};

/// The strategy-placed agents a node hosts: activated here because a hash owner placed them
/// here (and kept while passivated here, since their snapshot is here). The host side of the
/// [`Directory`](super::Directory): it answers "do you host this agent?" and, after every
/// membership change, tells each hash owner which of them it owns ([`Hosted::reports`]).
///
/// ```
/// use mabeam_core::placement::{AgentKey, Hosted};
/// use mabeam_core::membership::{Incarnation, Member, MemberStatus};
///
/// let member = |node: &str| Member {
///     node: node.into(), generation: 1, gossip_addr: "127.0.0.1:1".parse().unwrap(),
///     status: MemberStatus::Up, tags: vec![],
/// };
/// let mut hosted = Hosted::default();
/// hosted.insert(AgentKey::new("trainer", "t-1"));
/// let reports = hosted.reports(&Incarnation::new("b", 1), &[member("a"), member("b")]);
/// // One report per owning node, empty or not: together they hold every hosted agent once.
/// assert_eq!(reports.len(), 2);
/// assert_eq!(reports.values().map(|r| r.agents.len()).sum::<usize>(), 1);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Hosted {
    agents: BTreeSet<AgentKey>,
}

impl Hosted {
    /// Records that `key` is hosted here; false if it already was.
    pub fn insert(&mut self, key: AgentKey) -> bool {
        self.agents.insert(key)
    }

    /// Forgets `key` (it stopped for good); false if it was not hosted here.
    pub fn remove(&mut self, key: &AgentKey) -> bool {
        self.agents.remove(key)
    }

    /// Whether `key` is hosted here.
    pub fn contains(&self, key: &AgentKey) -> bool {
        self.agents.contains(key)
    }

    /// How many agents are hosted here.
    pub fn len(&self) -> usize {
        self.agents.len()
    }

    /// The hosted agents, in order.
    pub fn iter(&self) -> impl Iterator<Item = &AgentKey> {
        self.agents.iter()
    }

    /// True when no agent is hosted here.
    pub fn is_empty(&self) -> bool {
        self.agents.is_empty()
    }

    /// What this node (`me`) owes each hash owner under the view `members`: one report per
    /// member that [owns agents](crate::membership::MemberStatus::owns_agents) (this node too), each listing the
    /// hosted agents that member owns — empty reports included, since they tell an owner it
    /// has everything from here.
    pub fn reports(&self, me: &Incarnation, members: &[Member]) -> BTreeMap<String, HostReport> {
        let view = ViewId::of(members);
        let placement = Placement::new(
            members
                .iter()
                .filter(|m| m.status.owns_agents())
                .map(|m| m.node.as_str()),
        );
        let mut reports: BTreeMap<String, HostReport> = placement
            .nodes()
            .map(|owner| {
                let report = HostReport {
                    host: me.clone(),
                    view,
                    agents: Vec::new(),
                };
                (owner.to_owned(), report)
            })
            .collect();
        for key in &self.agents {
            let owner = placement.owner(&key.placement_key());
            if let Some(report) = owner.and_then(|owner| reports.get_mut(owner)) {
                report.agents.push(key.clone());
            }
        }
        reports
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::membership::MemberStatus;

    fn member(node: &str, status: MemberStatus) -> Member {
        Member::test(node, status)
    }

    #[test]
    fn each_hosted_agent_is_reported_to_its_hash_owner_only() {
        let members = [
            member("a", MemberStatus::Up),
            member("b", MemberStatus::Up),
            member("c", MemberStatus::Up),
            member("d", MemberStatus::Joining),
        ];
        let mut hosted = Hosted::default();
        for i in 0..300 {
            assert!(hosted.insert(AgentKey::new("worker", format!("w-{i}"))));
        }
        assert!(!hosted.insert(AgentKey::new("worker", "w-0")));
        let me = Incarnation::new("b", 1);
        let reports = hosted.reports(&me, &members);
        assert_eq!(
            reports.keys().map(String::as_str).collect::<Vec<_>>(),
            ["a", "b", "c"]
        );
        let placement = Placement::new(["a", "b", "c"]);
        let mut total = 0;
        for (owner, report) in &reports {
            assert_eq!(report.host, me);
            assert_eq!(report.view, ViewId::of(&members));
            assert!(!report.agents.is_empty(), "300 agents reach every owner");
            for key in &report.agents {
                assert_eq!(placement.owner(&key.placement_key()), Some(owner.as_str()));
            }
            total += report.agents.len();
        }
        assert_eq!(total, 300);
    }

    #[test]
    fn with_nothing_hosted_every_up_node_still_gets_a_report() {
        let members = [
            member("a", MemberStatus::Up),
            member("b", MemberStatus::Down),
        ];
        let reports = Hosted::default().reports(&Incarnation::new("a", 1), &members);
        assert_eq!(reports.len(), 1);
        assert!(reports["a"].agents.is_empty());
        assert!(Hosted::default()
            .reports(&Incarnation::new("a", 1), &[])
            .is_empty());
    }
}
