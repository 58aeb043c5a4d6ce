use std::collections::{BTreeMap, BTreeSet};
use std::time::{Duration, Instant};

use super::{Announced, Incarnation, Member, MemberEvent, MemberStatus, Observed};

/// How long a node may stay unreachable before it is declared down, unless set otherwise.
pub const DEFAULT_DOWN_AFTER: Duration = Duration::from_secs(10);

/// The membership view of one node; see the [module docs](super).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct MembershipView {
    members: BTreeMap<String, Entry>,
    down_after: Duration,
    last_tick: Option<Instant>,
    /// No down decision before this instant (set after the observer's own pause).
    quiet_until: Option<Instant>,
}

#[derive(Debug, Clone, PartialEq, Eq)]
struct Entry {
    member: Member,
    unreachable_since: Option<Instant>,
    /// A transport session with the node was seen during this incarnation.
    had_link: bool,
    /// The session was open at the last tick.
    linked: bool,
}

impl Entry {
    fn to(&mut self, status: MemberStatus, events: &mut Vec<MemberEvent>) {
        let previous = self.member.status;
        self.member.status = status;
        events.push(MemberEvent {
            member: self.member.clone(),
            previous: Some(previous),
        });
    }
}

impl Default for MembershipView {
    fn default() -> Self {
        Self::new(DEFAULT_DOWN_AFTER)
    }
}

fn status_of(announced: Announced) -> MemberStatus {
    match announced {
        Announced::Joining => MemberStatus::Joining,
        Announced::Up => MemberStatus::Up,
        Announced::Leaving => MemberStatus::Leaving,
    }
}

impl MembershipView {
    /// An empty view that declares a node down once it has been unreachable for `down_after`.
    pub fn new(down_after: Duration) -> Self {
        Self {
            members: BTreeMap::new(),
            down_after,
            last_tick: None,
            quiet_until: None,
        }
    }

    /// How long a node may stay unreachable before it is declared down.
    pub fn down_after(&self) -> Duration {
        self.down_after
    }

    fn quiet(&self, now: Instant) -> bool {
        self.quiet_until.is_some_and(|until| now < until)
    }

    /// Takes no down decision for `down_after` from `now` (the observer itself was paused, or
    /// has just rejoined) and restarts the unreachable clocks.
    pub fn hold_decisions(&mut self, now: Instant) {
        self.quiet_until = Some(now + self.down_after);
        for entry in self.members.values_mut() {
            if entry.member.status == MemberStatus::Unreachable {
                entry.unreachable_since = Some(now);
            }
        }
    }

    /// Folds in the node incarnations heard now (with what they announce); returns the
    /// changes.
    pub fn observe(
        &mut self,
        heard: impl IntoIterator<Item = Observed>,
        now: Instant,
    ) -> Vec<MemberEvent> {
        let mut events = Vec::new();
        // The newest generation heard per node.
        let mut newest: BTreeMap<String, Observed> = BTreeMap::new();
        for seen in heard {
            match newest.get(&seen.node) {
                Some(other) if other.generation >= seen.generation => {}
                _ => {
                    newest.insert(seen.node.clone(), seen);
                }
            }
        }
        for seen in newest.values() {
            let status = status_of(seen.announced);
            match self.members.get_mut(&seen.node) {
                // A late report of an older incarnation.
                Some(known) if known.member.generation > seen.generation => {}
                Some(known) if known.member.generation == seen.generation => {
                    known.member.gossip_addr = seen.gossip_addr;
                    known.member.tags.clone_from(&seen.tags);
                    if known.member.status.is_final() || known.member.status == status {
                        continue;
                    }
                    known.unreachable_since = None;
                    known.to(status, &mut events);
                }
                // A new node, or a new incarnation replacing its old self.
                _ => {
                    let member = Member {
                        node: seen.node.clone(),
                        generation: seen.generation,
                        gossip_addr: seen.gossip_addr,
                        status,
                        tags: seen.tags.clone(),
                    };
                    let entry = Entry {
                        member: member.clone(),
                        unreachable_since: None,
                        had_link: false,
                        linked: false,
                    };
                    self.members.insert(member.node.clone(), entry);
                    events.push(MemberEvent {
                        member,
                        previous: None,
                    });
                }
            }
        }
        let quiet = self.quiet(now);
        for entry in self.members.values_mut() {
            let heard = newest
                .get(&entry.member.node)
                .is_some_and(|seen| seen.generation == entry.member.generation);
            if heard {
                continue;
            }
            match entry.member.status {
                MemberStatus::Joining | MemberStatus::Up => {
                    entry.unreachable_since = Some(now);
                    entry.to(MemberStatus::Unreachable, &mut events);
                    // Its session closed from the other end before it fell silent: the
                    // process is gone, not paused or cut off.
                    if !quiet && entry.had_link && !entry.linked {
                        entry.to(MemberStatus::Down, &mut events);
                    }
                }
                MemberStatus::Leaving => entry.to(MemberStatus::Removed, &mut events),
                _ => {}
            }
        }
        // Adopt the down decisions of the nodes we hear and hold reachable.
        for seen in newest.values() {
            let trusted = self.members.get(&seen.node).is_some_and(|known| {
                known.member.generation == seen.generation && known.member.status.is_reachable()
            });
            if !trusted {
                continue;
            }
            for downed in &seen.downed {
                if downed.node == seen.node {
                    continue;
                }
                if let Some(entry) = self.members.get_mut(&downed.node) {
                    if entry.member.generation == downed.generation
                        && !entry.member.status.is_final()
                    {
                        entry.to(MemberStatus::Down, &mut events);
                    }
                }
            }
        }
        events
    }

    /// Takes the decisions that need time or transport evidence; call it periodically (every
    /// gossip interval). `linked` names the nodes with an open transport session, or is `None`
    /// when the node runs no transport.
    ///
    /// An unreachable node is declared down when it has been unreachable for `down_after`, or
    /// at once when a transport session with it existed and has closed. A gap since the
    /// previous tick of at least half `down_after` means this node itself was paused: then no
    /// down decision is taken for `down_after` (see [`hold_decisions`](Self::hold_decisions)).
    pub fn tick(&mut self, now: Instant, linked: Option<&BTreeSet<String>>) -> Vec<MemberEvent> {
        let mut events = Vec::new();
        if let Some(last) = self.last_tick {
            if now.saturating_duration_since(last) >= self.down_after / 2 {
                self.hold_decisions(now);
            }
        }
        self.last_tick = Some(now);
        if let Some(linked) = linked {
            for entry in self.members.values_mut() {
                entry.linked = linked.contains(&entry.member.node);
                entry.had_link |= entry.linked;
            }
        }
        if self.quiet(now) {
            return events;
        }
        for entry in self.members.values_mut() {
            if entry.member.status != MemberStatus::Unreachable {
                continue;
            }
            let timed_out = entry
                .unreachable_since
                .is_some_and(|since| now.saturating_duration_since(since) >= self.down_after);
            let gone = entry.had_link && !entry.linked;
            if timed_out || gone {
                entry.to(MemberStatus::Down, &mut events);
            }
        }
        events
    }

    /// The incarnations this view holds down (what the node gossips, so a downed process that
    /// comes back learns it must rejoin).
    pub fn downed(&self) -> Vec<Incarnation> {
        self.members
            .values()
            .filter(|e| e.member.status == MemberStatus::Down)
            .map(|e| Incarnation::new(e.member.node.clone(), e.member.generation))
            .collect()
    }

    /// The member named `node`.
    pub fn get(&self, node: &str) -> Option<&Member> {
        self.members.get(node).map(|e| &e.member)
    }

    /// Every member, by name.
    pub fn members(&self) -> impl Iterator<Item = &Member> {
        self.members.values().map(|e| &e.member)
    }

    /// How many members are `Up`.
    pub fn up_count(&self) -> usize {
        self.members()
            .filter(|m| m.status == MemberStatus::Up)
            .count()
    }
}

#[cfg(test)]
mod tests {
    use std::net::SocketAddr;

    use proptest::prelude::*;

    use super::*;

    const DOWN_AFTER: Duration = Duration::from_secs(10);

    fn addr() -> SocketAddr {
        "127.0.0.1:7000".parse().unwrap()
    }

    fn seen(node: &str, generation: u64) -> Observed {
        Observed::new(node, generation, addr())
    }

    fn status(view: &MembershipView, node: &str) -> Option<MemberStatus> {
        view.get(node).map(|m| m.status)
    }

    fn linked(nodes: &[&str]) -> BTreeSet<String> {
        nodes.iter().map(|n| n.to_string()).collect()
    }

    fn secs(s: u64) -> Duration {
        Duration::from_secs(s)
    }

    #[test]
    fn a_node_announcing_joining_then_up_goes_through_both() {
        let t0 = Instant::now();
        let mut view = MembershipView::new(DOWN_AFTER);
        let events = view.observe([seen("a", 1).joining()], t0);
        assert_eq!(events[0].member.status, MemberStatus::Joining);
        assert_eq!(events[0].previous, None);
        let events = view.observe([seen("a", 1)], t0);
        assert_eq!(events[0].member.status, MemberStatus::Up);
        assert_eq!(events[0].previous, Some(MemberStatus::Joining));
        // Nothing changes: no events.
        assert!(view.observe([seen("a", 1)], t0).is_empty());
    }

    #[test]
    fn a_silent_node_is_unreachable_and_comes_back_when_heard_again() {
        let t0 = Instant::now();
        let mut view = MembershipView::new(DOWN_AFTER);
        view.observe([seen("a", 1), seen("b", 1)], t0);
        let events = view.observe([seen("a", 1)], t0);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].member.status, MemberStatus::Unreachable);
        assert_eq!(events[0].previous, Some(MemberStatus::Up));
        view.tick(t0 + secs(4), None);
        let events = view.observe([seen("a", 1), seen("b", 1)], t0 + secs(5));
        assert_eq!(events[0].member.status, MemberStatus::Up);
        assert_eq!(events[0].previous, Some(MemberStatus::Unreachable));
        // The unreachable clock restarts from a new silence.
        view.observe([seen("a", 1)], t0 + secs(6));
        view.tick(t0 + secs(10), None);
        view.tick(t0 + secs(14), None);
        assert_eq!(status(&view, "b"), Some(MemberStatus::Unreachable));
    }

    #[test]
    fn a_node_unreachable_for_down_after_is_declared_down_and_stays_down() {
        let t0 = Instant::now();
        let mut view = MembershipView::new(DOWN_AFTER);
        view.observe([seen("a", 1), seen("b", 1)], t0);
        view.observe([seen("a", 1)], t0);
        for s in [2, 4, 6, 8] {
            assert!(view.tick(t0 + secs(s), None).is_empty());
        }
        let events = view.tick(t0 + secs(10), None);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].member.status, MemberStatus::Down);
        assert_eq!(events[0].previous, Some(MemberStatus::Unreachable));
        assert_eq!(view.downed(), [Incarnation::new("b", 1)]);
        // Heard again, the same incarnation stays down: it must rejoin as a new one.
        assert!(view.observe([seen("a", 1), seen("b", 1)], t0).is_empty());
        assert_eq!(status(&view, "b"), Some(MemberStatus::Down));
        let events = view.observe([seen("a", 1), seen("b", 2)], t0 + secs(11));
        assert_eq!(events[0].member.generation, 2);
        assert_eq!(events[0].member.status, MemberStatus::Up);
        assert!(view.downed().is_empty());
    }

    #[test]
    fn a_closed_session_confirms_an_unreachable_node_is_gone() {
        let t0 = Instant::now();
        let mut view = MembershipView::new(DOWN_AFTER);
        view.observe([seen("a", 1), seen("b", 1), seen("c", 1)], t0);
        view.tick(t0 + secs(1), Some(&linked(&["b", "c"])));
        // b is killed: its session closes first, then its heartbeats stop.
        view.tick(t0 + secs(2), Some(&linked(&["c"])));
        assert_eq!(status(&view, "b"), Some(MemberStatus::Up));
        let events = view.observe([seen("a", 1), seen("c", 1)], t0 + secs(2));
        let path: Vec<_> = events.iter().map(|e| e.member.status).collect();
        assert_eq!(path, [MemberStatus::Unreachable, MemberStatus::Down]);
        // c is frozen: its session stays open, so only the timeout decides.
        view.observe([seen("a", 1)], t0 + secs(3));
        view.tick(t0 + secs(4), Some(&linked(&["c"])));
        assert_eq!(status(&view, "c"), Some(MemberStatus::Unreachable));
        for s in [6, 8, 10, 12] {
            view.tick(t0 + secs(s), Some(&linked(&["c"])));
        }
        assert_eq!(status(&view, "c"), Some(MemberStatus::Unreachable));
        view.tick(t0 + secs(13), Some(&linked(&["c"])));
        assert_eq!(status(&view, "c"), Some(MemberStatus::Down));
    }

    #[test]
    fn a_session_closing_later_also_confirms_the_loss() {
        let t0 = Instant::now();
        let mut view = MembershipView::new(DOWN_AFTER);
        view.observe([seen("a", 1), seen("b", 1)], t0);
        view.tick(t0 + secs(1), Some(&linked(&["b"])));
        view.observe([seen("a", 1)], t0 + secs(2));
        view.tick(t0 + secs(3), Some(&linked(&["b"])));
        assert_eq!(status(&view, "b"), Some(MemberStatus::Unreachable));
        let events = view.tick(t0 + secs(4), Some(&linked(&[])));
        assert_eq!(events[0].member.status, MemberStatus::Down);
    }

    #[test]
    fn a_node_never_connected_is_not_condemned_by_a_missing_session() {
        let t0 = Instant::now();
        let mut view = MembershipView::new(DOWN_AFTER);
        view.observe([seen("a", 1), seen("b", 1)], t0);
        view.tick(t0 + secs(1), Some(&linked(&[])));
        view.observe([seen("a", 1)], t0 + secs(2));
        view.tick(t0 + secs(3), Some(&linked(&[])));
        assert_eq!(status(&view, "b"), Some(MemberStatus::Unreachable));
    }

    #[test]
    fn after_its_own_pause_the_view_takes_no_down_decision_for_a_while() {
        let t0 = Instant::now();
        let mut view = MembershipView::new(DOWN_AFTER);
        view.observe([seen("a", 1), seen("b", 1)], t0);
        view.tick(t0 + secs(1), Some(&linked(&["b"])));
        // Frozen for a minute: on resume b's session is gone (b closed it) and b is silent.
        let resumed = t0 + secs(61);
        assert!(view.tick(resumed, Some(&linked(&[]))).is_empty());
        view.observe([seen("a", 1)], resumed);
        assert_eq!(status(&view, "b"), Some(MemberStatus::Unreachable));
        view.tick(resumed + secs(4), Some(&linked(&[])));
        view.tick(resumed + secs(8), Some(&linked(&[])));
        assert_eq!(status(&view, "b"), Some(MemberStatus::Unreachable));
        // Heard again within the grace: nothing was decided.
        view.observe([seen("a", 1), seen("b", 1)], resumed + secs(9));
        assert_eq!(status(&view, "b"), Some(MemberStatus::Up));
    }

    #[test]
    fn a_graceful_leave_ends_removed_never_unreachable_or_down() {
        let t0 = Instant::now();
        let mut view = MembershipView::new(DOWN_AFTER);
        view.observe([seen("a", 1), seen("b", 1)], t0);
        let events = view.observe([seen("a", 1), seen("b", 1).leaving()], t0);
        assert_eq!(events[0].member.status, MemberStatus::Leaving);
        let events = view.observe([seen("a", 1)], t0);
        assert_eq!(events[0].member.status, MemberStatus::Removed);
        view.tick(t0 + secs(60), None);
        assert_eq!(status(&view, "b"), Some(MemberStatus::Removed));
        assert_eq!(view.up_count(), 1);
    }

    #[test]
    fn a_restarted_node_replaces_its_old_generation_and_stale_reports_are_ignored() {
        let t0 = Instant::now();
        let mut view = MembershipView::new(DOWN_AFTER);
        view.observe([seen("a", 1)], t0);
        // The old incarnation is still heard for a while next to the new one.
        let events = view.observe([seen("a", 1), seen("a", 2)], t0);
        assert_eq!(events.len(), 1);
        assert_eq!(events[0].member.generation, 2);
        assert_eq!(events[0].previous, None);
        view.observe([seen("a", 1)], t0);
        assert_eq!(view.get("a").unwrap().generation, 2);
    }

    #[test]
    fn down_decisions_of_reachable_peers_are_adopted_and_others_ignored() {
        let t0 = Instant::now();
        let mut view = MembershipView::new(DOWN_AFTER);
        view.observe([seen("a", 1), seen("b", 1), seen("c", 1), seen("d", 1)], t0);
        // d is unreachable here (and so not trusted); it claims a is down: ignored.
        view.observe([seen("a", 1), seen("b", 1), seen("c", 1)], t0 + secs(1));
        let claim = seen("d", 1).declaring_down([Incarnation::new("a", 1)]);
        view.observe([seen("a", 1), seen("b", 1), seen("c", 1), claim], t0);
        // (Heard again, d is up and trusted once more, and its claim now counts.)
        assert_eq!(status(&view, "a"), Some(MemberStatus::Down));
        // A claim about an incarnation we do not hold is ignored.
        let claim = seen("b", 1).declaring_down([Incarnation::new("c", 7)]);
        view.observe([seen("b", 1), seen("c", 1), claim], t0);
        assert_eq!(status(&view, "c"), Some(MemberStatus::Up));
    }

    #[test]
    fn only_another_node_can_declare_an_incarnation_down_to_itself() {
        let me = Incarnation::new("a", 1);
        let mine = [seen("a", 1).declaring_down([me.clone()])];
        assert!(!super::super::declared_down(&mine, &me));
        let theirs = [seen("b", 3).declaring_down([me.clone()])];
        assert!(super::super::declared_down(&theirs, &me));
    }

    #[derive(Debug, Clone)]
    enum Step {
        Observe(Vec<(u8, u64, u8)>),
        Tick(u64, Vec<u8>),
    }

    fn step() -> impl Strategy<Value = Step> {
        prop_oneof![
            prop::collection::vec((0u8..4, 1u64..4, 0u8..3), 0..6).prop_map(Step::Observe),
            (0u64..8, prop::collection::vec(0u8..4, 0..4)).prop_map(|(s, l)| Step::Tick(s, l)),
        ]
    }

    proptest! {
        /// Whatever the gossip layer reports, an incarnation never leaves `down` or `removed`,
        /// generations never go back, and every event describes the view's new state.
        #[test]
        fn final_statuses_stay_final_and_generations_never_go_back(
            steps in prop::collection::vec(step(), 1..40)
        ) {
            let mut now = Instant::now();
            let mut view = MembershipView::new(secs(5));
            for step in steps {
                let before = view.clone();
                let events = match step {
                    Step::Observe(heard) => view.observe(heard.into_iter().map(|(n, g, a)| {
                        let s = seen(&format!("n{n}"), g);
                        match a { 0 => s, 1 => s.joining(), _ => s.leaving() }
                    }), now),
                    Step::Tick(advance, links) => {
                        now += secs(advance);
                        let links = links.iter().map(|n| format!("n{n}")).collect();
                        view.tick(now, Some(&links))
                    }
                };
                for old in before.members() {
                    let new = view.get(&old.node).unwrap();
                    prop_assert!(new.generation >= old.generation);
                    if new.generation == old.generation && old.status.is_final() {
                        prop_assert_eq!(new.status, old.status);
                    }
                }
                for event in &events {
                    prop_assert_ne!(Some(event.member.status), event.previous);
                }
                if let Some(last) = events.last() {
                    prop_assert_eq!(view.get(&last.member.node), Some(&last.member));
                }
            }
        }
    }
}
