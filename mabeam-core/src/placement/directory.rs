use std::collections::HashMap;

use crate::membership::{Incarnation, Member};

use super::{AgentKey, HostReport, Placement, ViewId};

/// Where the strategy-placed agents a node owns by hash run: agent → the incarnation of the
/// node it was placed on. Kept by each agent's **hash owner**, so finding any agent is one hop
/// (to its hash owner) whatever strategy placed it.
///
/// The rules, all applied by this type:
/// - **Placing.** On a miss the owner chooses a node with the type's strategy and
///   [records](Directory::record) it; later calls find the entry. An entry points at one
///   *incarnation*: the agent lives in that process.
/// - **Lost hosts.** When the view holds the host's incarnation down or removed, or knows a
///   newer incarnation of it (the node restarted or rejoined), the entry is dropped
///   ([`membership_changed`](Directory::membership_changed) returns it as `lost`): the agent
///   is gone with its process, and the next call places it again. An unreachable host keeps
///   its entries (unreachable is a suspicion, and it may come back).
/// - **Ownership moves.** The directory holds only the keys this node owns by hash under its
///   current view. When the view changes, entries now owned elsewhere are dropped (`moved`).
///   The new owner rebuilds them from the hosts, not from the old owner (which may be the
///   node that was lost): after each membership change every node sends each owner a
///   [`HostReport`] of the placed agents it hosts that the owner now owns, empty or not, and
///   the owner [adopts](Directory::adopt) it.
/// - **Until the reports arrive.** The owner knows which owning nodes have reported under its
///   current view; a miss meanwhile must first ask the [unsynced](Directory::unsynced) nodes
///   whether they host the agent, and only place it if none does. Once every node has
///   reported, a miss places at once.
/// - **Conflicts.** Two hosts for one agent (two owners placed it during a change of view):
///   the lower incarnation (by name, then generation) keeps the entry on every owner, in any
///   order of arrival; the other is returned to be stopped.
///
/// ```
/// use mabeam_core::placement::{AgentKey, Directory};
/// use mabeam_core::membership::{Incarnation, Member, MemberStatus};
///
/// let member = |node: &str, status| Member {
///     node: node.into(), generation: 1, gossip_addr: "127.0.0.1:1".parse().unwrap(), status,
///     tags: vec![],
/// };
/// let key = AgentKey::new("trainer", "t-3"); // owned by `a` when `a` is alone
/// let mut directory = Directory::new("a");
/// directory.membership_changed(&[member("a", MemberStatus::Up), member("g", MemberStatus::Joining)]);
/// directory.record(key.clone(), Incarnation::new("g", 1));
/// assert_eq!(directory.lookup(&key), Some(&Incarnation::new("g", 1)));
/// // The node it was placed on is lost: so is the entry.
/// let change = directory.membership_changed(&[member("a", MemberStatus::Up), member("g", MemberStatus::Down)]);
/// assert_eq!(change.lost, [(key.clone(), Incarnation::new("g", 1))]);
/// assert_eq!(directory.lookup(&key), None);
/// ```
#[derive(Debug, Clone)]
pub struct Directory {
    me: String,
    view: ViewId,
    placement: Placement,
    /// Each known node's newest generation, and whether that incarnation is final.
    known: HashMap<String, (u64, bool)>,
    entries: HashMap<AgentKey, Incarnation>,
    /// The view each node last reported under.
    synced: HashMap<String, ViewId>,
}

/// What a change of view dropped from a [`Directory`].
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DirectoryChange {
    /// Entries whose host incarnation is gone (down, removed, or replaced by a newer one).
    pub lost: Vec<(AgentKey, Incarnation)>,
    /// Entries whose hash owner is now another node (which rebuilds them from host reports).
    pub moved: Vec<(AgentKey, Incarnation)>,
}

impl Directory {
    /// The empty directory of node `me` (it owns nothing until the first
    /// [`membership_changed`](Self::membership_changed)).
    pub fn new(me: impl Into<String>) -> Self {
        Self {
            me: me.into(),
            view: ViewId::default(),
            placement: Placement::default(),
            known: HashMap::new(),
            entries: HashMap::new(),
            synced: HashMap::new(),
        }
    }

    /// Where `key` was placed, if this node knows.
    pub fn lookup(&self, key: &AgentKey) -> Option<&Incarnation> {
        self.entries.get(key)
    }

    /// Records that `key` was placed on `host` (this node's decision after a miss); returns
    /// the entry it replaces, if any.
    pub fn record(&mut self, key: AgentKey, host: Incarnation) -> Option<Incarnation> {
        self.entries.insert(key, host)
    }

    /// Forgets `key` (its host no longer has it: the activation there failed or it stopped
    /// for good); returns the entry.
    pub fn forget(&mut self, key: &AgentKey) -> Option<Incarnation> {
        self.entries.remove(key)
    }

    /// Takes in a new membership view: drops the entries of lost hosts and those this node no
    /// longer owns (ownership is the hash over the members that
    /// [own agents](crate::membership::MemberStatus::owns_agents): `up` or `unreachable`), and starts waiting for
    /// every such node's report under the new view.
    pub fn membership_changed(&mut self, members: &[Member]) -> DirectoryChange {
        self.view = ViewId::of(members);
        self.placement = Placement::new(
            members
                .iter()
                .filter(|m| m.status.owns_agents())
                .map(|m| m.node.as_str()),
        );
        for member in members {
            let newest = self
                .known
                .get(&member.node)
                .is_none_or(|(generation, _)| member.generation >= *generation);
            if newest {
                self.known.insert(
                    member.node.clone(),
                    (member.generation, member.status.is_final()),
                );
            }
        }
        let mut change = DirectoryChange::default();
        let (known, placement, me) = (&self.known, &self.placement, &self.me);
        self.entries.retain(|key, host| {
            if is_lost(known, host) {
                change.lost.push((key.clone(), host.clone()));
                false
            } else if placement.owner(&key.placement_key()) != Some(me.as_str()) {
                change.moved.push((key.clone(), host.clone()));
                false
            } else {
                true
            }
        });
        change.lost.sort();
        change.moved.sort();
        self.synced
            .retain(|node, _| placement.nodes().any(|n| n == node));
        change
    }

    /// Takes in a host's report: adopts its agents this node owns (ignoring a report from a
    /// lost incarnation), and notes the host has reported if the report was made under this
    /// node's current view. Returns the losers of conflicts (agent and the host to stop it
    /// on), which may be the reported host or the one held until now.
    pub fn adopt(&mut self, report: HostReport) -> Vec<(AgentKey, Incarnation)> {
        if is_lost(&self.known, &report.host) {
            return Vec::new();
        }
        let mut losers = Vec::new();
        for key in report.agents {
            if self.placement.owner(&key.placement_key()) != Some(self.me.as_str()) {
                continue;
            }
            match self.entries.get_mut(&key) {
                None => {
                    self.entries.insert(key, report.host.clone());
                }
                Some(held) if *held == report.host => {}
                Some(held) if report.host < *held => {
                    let loser = std::mem::replace(held, report.host.clone());
                    losers.push((key, loser));
                }
                Some(_) => losers.push((key, report.host.clone())),
            }
        }
        if report.view == self.view {
            self.synced.insert(report.host.node, report.view);
        }
        losers
    }

    /// The owning nodes (`up` or `unreachable`, other than this one) that have not reported
    /// under the current view: a miss must ask them whether they host the agent before
    /// placing it.
    pub fn unsynced(&self) -> Vec<&str> {
        self.placement
            .nodes()
            .filter(|node| *node != self.me)
            .filter(|node| self.synced.get(*node) != Some(&self.view))
            .collect()
    }

    /// The view this directory follows.
    pub fn view(&self) -> ViewId {
        self.view
    }

    /// Whether this node owns `key` by hash under its current view.
    pub fn owns(&self, key: &AgentKey) -> bool {
        self.placement.owner(&key.placement_key()) == Some(self.me.as_str())
    }

    /// How many entries it holds.
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// True without entries.
    pub fn is_empty(&self) -> bool {
        self.entries.is_empty()
    }

    /// Every entry, in no particular order.
    pub fn entries(&self) -> impl Iterator<Item = (&AgentKey, &Incarnation)> {
        self.entries.iter()
    }
}

/// The view holds `host` down or removed, or knows a newer incarnation of its node.
fn is_lost(known: &HashMap<String, (u64, bool)>, host: &Incarnation) -> bool {
    known.get(&host.node).is_some_and(|(generation, is_final)| {
        *generation > host.generation || (*generation == host.generation && *is_final)
    })
}

#[cfg(test)]
mod tests {
    use crate::membership::MemberStatus;
    use std::collections::{BTreeMap, BTreeSet};

    use proptest::prelude::*;

    use super::super::Hosted;
    use super::*;

    fn member(node: &str, generation: u64, status: MemberStatus) -> Member {
        Member {
            generation,
            ..Member::test(node, status)
        }
    }

    fn up(nodes: &[&str]) -> Vec<Member> {
        nodes
            .iter()
            .map(|n| member(n, 1, MemberStatus::Up))
            .collect()
    }

    fn inc(node: &str) -> Incarnation {
        Incarnation::new(node, 1)
    }

    /// `count` keys owned by `owner` among `nodes`.
    fn keys_owned_by(owner: &str, nodes: &[&str], count: usize) -> Vec<AgentKey> {
        let placement = Placement::new(nodes.iter().copied());
        (0..)
            .map(|i| AgentKey::new("worker", format!("w-{i}")))
            .filter(|k| placement.owner(&k.placement_key()) == Some(owner))
            .take(count)
            .collect()
    }

    #[test]
    fn an_entry_is_kept_while_its_host_is_up_or_unreachable_and_dropped_when_lost() {
        let keys = keys_owned_by("a", &["a", "b", "c"], 3);
        let mut directory = Directory::new("a");
        directory.membership_changed(&up(&["a", "b", "c"]));
        for key in &keys {
            directory.record(key.clone(), inc("b"));
        }
        directory.record(keys[2].clone(), inc("c"));
        // `b` unreachable: kept. (Ownership is computed over `up` nodes; without `b`, only
        // `b`'s keys move, so `a` still owns these.)
        let mut members = up(&["a", "b", "c"]);
        members[1].status = MemberStatus::Unreachable;
        let change = directory.membership_changed(&members);
        assert!(change.lost.is_empty());
        assert_eq!(directory.lookup(&keys[0]), Some(&inc("b")));
        // `b` down: its entries are lost, `c`'s stays.
        members[1].status = MemberStatus::Down;
        let change = directory.membership_changed(&members);
        assert_eq!(
            change.lost,
            [(keys[0].clone(), inc("b")), (keys[1].clone(), inc("b"))]
        );
        assert_eq!(directory.lookup(&keys[0]), None);
        assert_eq!(directory.lookup(&keys[2]), Some(&inc("c")));
    }

    #[test]
    fn an_unreachable_owner_keeps_its_keys_and_a_downed_one_gives_them_up() {
        let nodes = ["a", "b", "c"];
        let keys = keys_owned_by("b", &nodes, 5);
        let mut a = Directory::new("a");
        a.membership_changed(&up(&nodes));
        let mut members = up(&nodes);
        members[1].status = MemberStatus::Unreachable;
        a.membership_changed(&members);
        assert_eq!(
            a.view(),
            ViewId::of(&up(&nodes)),
            "a suspicion is no new view"
        );
        assert!(keys.iter().all(|k| !a.owns(k)));
        assert_eq!(a.unsynced(), ["b", "c"]);
        members[1].status = MemberStatus::Down;
        a.membership_changed(&members);
        let survivors = Placement::new(["a", "c"]);
        for key in &keys {
            let owner = survivors.owner(&key.placement_key());
            assert_eq!(a.owns(key), owner == Some("a"));
        }
        assert_eq!(a.unsynced(), ["c"]);
    }

    #[test]
    fn a_restarted_host_loses_the_entries_of_its_old_incarnation() {
        let key = keys_owned_by("a", &["a", "b"], 1).remove(0);
        let mut directory = Directory::new("a");
        directory.membership_changed(&up(&["a", "b"]));
        directory.record(key.clone(), inc("b"));
        let restarted = [
            member("a", 1, MemberStatus::Up),
            member("b", 2, MemberStatus::Up),
        ];
        let change = directory.membership_changed(&restarted);
        assert_eq!(change.lost, [(key.clone(), inc("b"))]);
        // A late report of the old incarnation is ignored; the new one is taken.
        let report = |generation| HostReport {
            host: Incarnation::new("b", generation),
            view: ViewId::of(&restarted),
            agents: vec![key.clone()],
        };
        directory.adopt(report(1));
        assert_eq!(directory.lookup(&key), None);
        directory.adopt(report(2));
        assert_eq!(directory.lookup(&key), Some(&Incarnation::new("b", 2)));
    }

    #[test]
    fn entries_whose_hash_owner_moved_leave_and_the_new_owner_rebuilds_them_from_hosts() {
        // A joining node takes the keys it now owns; their entries leave the old owners.
        let before = ["a", "b", "c"];
        let after = ["a", "b", "c", "d"];
        let placement = Placement::new(before);
        let new_placement = Placement::new(after);
        let keys: Vec<AgentKey> = (0..400)
            .map(|i| AgentKey::new("worker", format!("w-{i}")))
            .collect();
        // Each agent was placed somewhere (by some strategy) and its owner recorded it.
        let host_of = |i: usize| before[(i * 7) % 3];
        let mut directories: BTreeMap<&str, Directory> =
            after.iter().map(|n| (*n, Directory::new(*n))).collect();
        let mut hosted: BTreeMap<&str, Hosted> = BTreeMap::new();
        for directory in directories.values_mut() {
            directory.membership_changed(&up(&before));
        }
        for (i, key) in keys.iter().enumerate() {
            let owner = placement.owner(&key.placement_key()).unwrap();
            directories
                .get_mut(owner)
                .unwrap()
                .record(key.clone(), inc(host_of(i)));
            hosted.entry(host_of(i)).or_default().insert(key.clone());
        }
        // `d` joins: every directory follows the new view.
        let mut moved = 0;
        for directory in directories.values_mut() {
            let change = directory.membership_changed(&up(&after));
            assert!(change.lost.is_empty());
            for (key, _) in &change.moved {
                assert_eq!(new_placement.owner(&key.placement_key()), Some("d"));
            }
            moved += change.moved.len();
        }
        assert!(
            (40..=160).contains(&moved),
            "about a quarter moved: {moved}"
        );
        assert!(!directories["d"].unsynced().is_empty());
        // Until `d` hears from every host, a miss must ask them.
        assert_eq!(directories["d"].unsynced(), ["a", "b", "c"]);
        // Every host reports to every owner.
        for (host, agents) in &hosted {
            for (owner, report) in agents.reports(&inc(host), &up(&after)) {
                let losers = directories.get_mut(owner.as_str()).unwrap().adopt(report);
                assert!(losers.is_empty());
            }
        }
        // `d` hosts nothing and sent nothing in this test (in a node it sends empty reports).
        for node in ["a", "b", "c"] {
            assert_eq!(directories[node].unsynced(), ["d"], "{node}");
        }
        assert!(directories["d"].unsynced().is_empty());
        // Every key is found on its new owner, pointing at its host.
        for (i, key) in keys.iter().enumerate() {
            let owner = new_placement.owner(&key.placement_key()).unwrap();
            assert_eq!(
                directories[owner].lookup(key),
                Some(&inc(host_of(i))),
                "{key}"
            );
        }
        let total: usize = directories.values().map(Directory::len).sum();
        assert_eq!(total, keys.len());
    }

    #[test]
    fn a_lost_owner_s_entries_are_rebuilt_from_the_surviving_hosts() {
        let keys = keys_owned_by("c", &["a", "b", "c"], 20);
        let mut hosted_on_a = Hosted::default();
        for key in &keys {
            hosted_on_a.insert(key.clone());
        }
        let mut members = up(&["a", "b", "c"]);
        members[2].status = MemberStatus::Down;
        let mut a = Directory::new("a");
        let mut b = Directory::new("b");
        a.membership_changed(&members);
        b.membership_changed(&members);
        for (owner, report) in hosted_on_a.reports(&inc("a"), &members) {
            match owner.as_str() {
                "a" => a.adopt(report),
                "b" => b.adopt(report),
                other => panic!("a report to {other}"),
            };
        }
        let survivors = Placement::new(["a", "b"]);
        for key in &keys {
            let directory = match survivors.owner(&key.placement_key()) {
                Some("a") => &a,
                _ => &b,
            };
            assert_eq!(directory.lookup(key), Some(&inc("a")));
        }
        assert_eq!(a.len() + b.len(), keys.len());
        // `a` reported under the current view; `b` still has to.
        assert!(b.unsynced().is_empty());
        assert_eq!(a.unsynced(), ["b"]);
    }

    #[test]
    fn a_report_under_another_view_is_adopted_but_does_not_count_as_synced() {
        let key = keys_owned_by("a", &["a", "b"], 1).remove(0);
        let mut directory = Directory::new("a");
        directory.membership_changed(&up(&["a", "b"]));
        let stale = HostReport {
            host: inc("b"),
            view: ViewId::of(&up(&["a", "b", "c"])),
            agents: vec![key.clone()],
        };
        directory.adopt(stale);
        assert_eq!(directory.lookup(&key), Some(&inc("b")));
        assert_eq!(directory.unsynced(), ["b"]);
        directory.adopt(HostReport {
            host: inc("b"),
            view: directory.view(),
            agents: Vec::new(),
        });
        assert!(directory.unsynced().is_empty());
        // Keys it does not own are not taken.
        let foreign = keys_owned_by("b", &["a", "b"], 1).remove(0);
        directory.adopt(HostReport {
            host: inc("b"),
            view: directory.view(),
            agents: vec![foreign.clone()],
        });
        assert_eq!(directory.lookup(&foreign), None);
        assert!(!directory.owns(&foreign) && directory.owns(&key));
    }

    #[test]
    fn conflicting_hosts_resolve_the_same_way_in_any_order() {
        let key = keys_owned_by("a", &["a", "b", "c"], 1).remove(0);
        let view = up(&["a", "b", "c"]);
        let report = |host: &str| HostReport {
            host: inc(host),
            view: ViewId::of(&view),
            agents: vec![key.clone()],
        };
        let mut first = Directory::new("a");
        first.membership_changed(&view);
        assert!(first.adopt(report("c")).is_empty());
        assert_eq!(first.adopt(report("b")), [(key.clone(), inc("c"))]);
        let mut second = Directory::new("a");
        second.membership_changed(&view);
        assert!(second.adopt(report("b")).is_empty());
        assert_eq!(second.adopt(report("c")), [(key.clone(), inc("c"))]);
        assert_eq!(first.lookup(&key), Some(&inc("b")));
        assert_eq!(second.lookup(&key), Some(&inc("b")));
        // The same report twice is no conflict.
        assert!(second.adopt(report("b")).is_empty());
    }

    #[test]
    fn forgetting_an_entry_makes_the_next_lookup_a_miss() {
        let key = keys_owned_by("a", &["a"], 1).remove(0);
        let mut directory = Directory::new("a");
        directory.membership_changed(&up(&["a"]));
        assert!(directory.is_empty());
        assert_eq!(directory.record(key.clone(), inc("a")), None);
        assert_eq!(directory.entries().count(), 1);
        assert_eq!(directory.forget(&key), Some(inc("a")));
        assert_eq!(directory.lookup(&key), None);
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(48))]

        /// Whatever nodes leave (down) or join, once every surviving host has reported, each
        /// agent on a surviving host is found on its hash owner, and nowhere else.
        #[test]
        fn after_any_change_and_every_report_each_surviving_agent_is_found_on_its_owner(
            nodes in prop::collection::btree_set("[a-h]", 2..=6),
            joining in prop::collection::btree_set("[i-l]", 0..=2),
            lost in prop::collection::btree_set(0usize..6, 0..=2),
            agents in prop::collection::vec((0usize..6, "[a-z0-9]{1,6}"), 1..60),
        ) {
            let nodes: Vec<String> = nodes.into_iter().collect();
            let before: Vec<Member> = nodes.iter().map(|n| member(n, 1, MemberStatus::Up)).collect();
            let mut hosted: BTreeMap<String, Hosted> = BTreeMap::new();
            let mut directories: BTreeMap<String, Directory> = BTreeMap::new();
            for node in nodes.iter().chain(&joining) {
                let mut directory = Directory::new(node.clone());
                directory.membership_changed(&before);
                directories.insert(node.clone(), directory);
            }
            let placement = Placement::new(nodes.iter());
            let mut keys = BTreeSet::new();
            for (host, id) in &agents {
                let host = &nodes[host % nodes.len()];
                let key = AgentKey::new("worker", id.clone());
                if !keys.insert(key.clone()) {
                    continue;
                }
                let owner = placement.owner(&key.placement_key()).unwrap();
                directories.get_mut(owner).unwrap().record(key.clone(), inc(host));
                hosted.entry(host.clone()).or_default().insert(key);
            }
            // Some nodes are lost (at least one survives), some join.
            let lost: BTreeSet<&String> = lost.iter().map(|i| &nodes[i % nodes.len()]).collect();
            prop_assume!(lost.len() < nodes.len());
            let mut after: Vec<Member> = nodes
                .iter()
                .map(|n| member(n, 1, if lost.contains(n) { MemberStatus::Down } else { MemberStatus::Up }))
                .collect();
            after.extend(joining.iter().map(|n| member(n, 1, MemberStatus::Up)));
            for (node, directory) in &mut directories {
                if !lost.contains(node) {
                    directory.membership_changed(&after);
                }
            }
            for (host, agents) in &hosted {
                if lost.contains(host) {
                    continue;
                }
                for (owner, report) in agents.reports(&inc(host), &after) {
                    prop_assert!(directories.get_mut(&owner).unwrap().adopt(report).is_empty());
                }
            }
            let survivors = Placement::new(after.iter().filter(|m| m.status.owns_agents()).map(|m| m.node.clone()));
            for (host, agents) in &hosted {
                for key in agents.iter() {
                    let owner = survivors.owner(&key.placement_key()).unwrap();
                    for (node, directory) in &directories {
                        if lost.contains(node) {
                            continue;
                        }
                        let found = directory.lookup(key);
                        if node == owner && !lost.contains(host) {
                            prop_assert_eq!(found, Some(&inc(host)));
                        } else {
                            prop_assert_eq!(found, None, "{} on {}", key, node);
                        }
                    }
                }
            }
        }
    }
}
