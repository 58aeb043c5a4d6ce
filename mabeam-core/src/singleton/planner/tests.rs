//! The planner in deterministic simulations: nodes plan in synchronous rounds, each on what the
//! others gossiped by the end of the previous round; partitions hide nodes from each other.

use std::collections::{BTreeMap, BTreeSet};

use proptest::prelude::*;

use super::*;
use crate::placement::PlacementKey;

const TYPE: &str = "t";

struct SimNode {
    planner: Planner,
    types: BTreeSet<String>,
    /// Managed names running here.
    running: BTreeSet<String>,
    /// Plain local agents (registration targets).
    agents: BTreeSet<String>,
    /// The claims it gossips.
    gossiped: BTreeMap<String, Claim>,
    routes: BTreeMap<String, String>,
    /// Every stop it made, with its reason.
    stops: Vec<(String, StopReason)>,
}

struct Sim {
    nodes: BTreeMap<String, SimNode>,
    /// Nodes see each other only within one group.
    group: BTreeMap<String, usize>,
    now: u64,
    /// The next round is the first after a heal: both sides' copies may still run in it.
    just_healed: bool,
}

impl Sim {
    fn new(nodes: &[(&str, &[&str])]) -> Self {
        let mut sim = Self {
            nodes: BTreeMap::new(),
            group: BTreeMap::new(),
            now: 1_000,
            just_healed: false,
        };
        for (name, types) in nodes {
            sim.join(name, types);
        }
        sim
    }

    fn join(&mut self, name: &str, types: &[&str]) {
        self.nodes.insert(
            name.to_owned(),
            SimNode {
                planner: Planner::new(name),
                types: types.iter().map(|t| t.to_string()).collect(),
                running: BTreeSet::new(),
                agents: BTreeSet::new(),
                gossiped: BTreeMap::new(),
                routes: BTreeMap::new(),
                stops: Vec::new(),
            },
        );
        self.group.insert(name.to_owned(), 0);
    }

    fn kill(&mut self, name: &str) {
        self.nodes.remove(name);
        self.group.remove(name);
    }

    fn partition(&mut self, groups: &[&[&str]]) {
        for (i, group) in groups.iter().enumerate() {
            for node in *group {
                self.group.insert(node.to_string(), i);
            }
        }
    }

    fn heal(&mut self) {
        self.just_healed |= self.partitioned();
        for g in self.group.values_mut() {
            *g = 0;
        }
    }

    fn partitioned(&self) -> bool {
        self.group.values().collect::<BTreeSet<_>>().len() > 1
    }

    fn visible(&self, from: &str) -> Vec<String> {
        let g = self.group[from];
        self.group
            .iter()
            .filter(|(_, h)| **h == g)
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// `from` starts `spec`: it and (through gossip) every node it sees learn it.
    fn start(&mut self, from: &str, spec: SingletonSpec) {
        for node in self.visible(from) {
            self.nodes
                .get_mut(&node)
                .unwrap()
                .planner
                .learn(spec.clone());
        }
    }

    /// One round: every node plans on the state at the start of the round. Unless the nodes
    /// are partitioned or have just healed (their views disagree), a node may start a
    /// singleton only if no other node ran it when the round began: stops and starts of one
    /// round may happen in any order, so that is what "never two at once" means here.
    fn round(&mut self) {
        let strict = !self.partitioned() && !std::mem::take(&mut self.just_healed);
        let ran: BTreeMap<String, BTreeSet<String>> = self
            .nodes
            .iter()
            .map(|(n, s)| (n.clone(), s.running.clone()))
            .collect();
        let gossiped: BTreeMap<String, Vec<Claim>> = self
            .nodes
            .iter()
            .map(|(n, s)| (n.clone(), s.gossiped.values().cloned().collect()))
            .collect();
        let types: BTreeMap<String, BTreeSet<String>> = self
            .nodes
            .iter()
            .map(|(n, s)| (n.clone(), s.types.clone()))
            .collect();
        let specs: BTreeMap<String, Vec<SingletonSpec>> = self
            .nodes
            .iter()
            .map(|(n, s)| (n.clone(), s.planner.specs().iter().cloned().collect()))
            .collect();
        let names: Vec<String> = self.nodes.keys().cloned().collect();
        for name in names {
            let visible = self.visible(&name);
            let node = self.nodes.get_mut(&name).unwrap();
            let mut seen = Situation::at(self.now).hosting(node.types.clone());
            for other in &visible {
                for spec in &specs[other] {
                    node.planner.learn(spec.clone());
                }
                seen = seen.host(other.clone(), types[other].clone());
                if *other != name {
                    seen.claims.extend(gossiped[other].iter().cloned());
                }
            }
            seen.running = node.running.clone();
            seen.agents = node.agents.clone();
            let plan = node.planner.plan(&seen);
            for effect in plan.effects {
                match effect {
                    Effect::Stop { agent, reason } => {
                        assert!(
                            node.running.remove(&agent) || node.agents.remove(&agent),
                            "{name} stops {agent}, which does not run"
                        );
                        node.stops.push((agent, reason));
                    }
                    Effect::Release { name: n } => {
                        assert!(node.gossiped.remove(&n).is_some(), "{name} releases {n}");
                    }
                    Effect::Claim(claim) => {
                        assert_eq!(claim.node, name);
                        node.gossiped.insert(claim.name.clone(), claim);
                    }
                    Effect::Start(spec) => {
                        if strict && spec.scope == Scope::Cluster {
                            let elsewhere: Vec<&String> = ran
                                .iter()
                                .filter(|(n, r)| **n != name && r.contains(&spec.name))
                                .map(|(n, _)| n)
                                .collect();
                            assert!(
                                elsewhere.is_empty(),
                                "{name} starts {} while {elsewhere:?} run it",
                                spec.name
                            );
                        }
                        assert!(node.running.insert(spec.name.clone()), "started twice");
                    }
                }
            }
            node.routes = plan.routes;
            // What it gossips is exactly what it holds.
            let held: BTreeMap<String, Claim> = node
                .planner
                .held()
                .map(|c| (c.name.clone(), c.clone()))
                .collect();
            assert_eq!(held, node.gossiped, "{name}");
        }
        self.now += 10;
    }

    fn hosts_of(&self, name: &str) -> Vec<String> {
        self.nodes
            .iter()
            .filter(|(_, s)| s.running.contains(name))
            .map(|(n, _)| n.clone())
            .collect()
    }

    /// Runs `rounds` rounds, checking after each that a singleton never runs twice while
    /// the views agree (not partitioned), but for the first round after a heal.
    fn settle(&mut self, singleton: &str, rounds: usize) {
        for _ in 0..rounds {
            let just_healed = self.just_healed;
            self.round();
            if !self.partitioned() && !just_healed {
                let hosts = self.hosts_of(singleton);
                assert!(hosts.len() <= 1, "{singleton} runs on {hosts:?}");
            }
        }
    }

    /// The owner of the singleton among the live nodes hosting its type.
    fn owner(&self, spec: &SingletonSpec) -> Option<String> {
        Placement::new(
            self.nodes
                .iter()
                .filter(|(_, s)| s.types.contains(&spec.agent_type))
                .map(|(n, _)| n.as_str()),
        )
        .owner(&PlacementKey::new(&spec.agent_type, &spec.name))
        .map(str::to_owned)
    }

    /// Settled and whole: the singleton runs once, on its owner, and every node routes there.
    fn assert_one_on_owner(&self, spec: &SingletonSpec) {
        let owner = self.owner(spec);
        let hosts = self.hosts_of(&spec.name);
        assert_eq!(hosts, owner.iter().cloned().collect::<Vec<_>>());
        for (name, node) in &self.nodes {
            assert_eq!(
                node.routes.get(&spec.name),
                owner.as_ref(),
                "route on {name}"
            );
        }
    }
}

fn singleton() -> SingletonSpec {
    SingletonSpec::cluster("s", TYPE)
}

#[test]
fn a_singleton_started_from_two_nodes_at_once_runs_once_on_its_owner() {
    let mut sim = Sim::new(&[("n1", &[TYPE]), ("n2", &[TYPE]), ("n3", &[TYPE])]);
    sim.start("n1", singleton());
    sim.start("n2", singleton());
    sim.settle("s", 5);
    sim.assert_one_on_owner(&singleton());
    let claim = sim
        .nodes
        .values()
        .find_map(|n| n.gossiped.get("s"))
        .unwrap();
    assert_eq!(claim.epoch, 0);
}

#[test]
fn two_nodes_on_different_views_both_start_it_and_the_older_claim_wins() {
    let spec = singleton();
    let mut a = Planner::new("a");
    let mut b = Planner::new("b");
    a.learn(spec.clone());
    b.learn(spec.clone());
    // Each sees only itself (they have not heard each other yet): both start.
    let alone = |node: &str, now| Situation::at(now).host(node, [TYPE]).hosting([TYPE]);
    let pa = a.plan(&alone("a", 100));
    let pb = b.plan(&alone("b", 200));
    let claim_of = |p: &Plan| {
        p.effects
            .iter()
            .find_map(|e| match e {
                Effect::Claim(c) => Some(c.clone()),
                _ => None,
            })
            .unwrap()
    };
    let (ca, cb) = (claim_of(&pa), claim_of(&pb));
    // They meet: `a`'s claim is older, `b` stops its copy whoever the owner is.
    let both = |now| {
        Situation::at(now)
            .host("a", [TYPE])
            .host("b", [TYPE])
            .hosting([TYPE])
            .running("s")
    };
    let pb = b.plan(&both(300).claim(ca.clone()));
    assert_eq!(
        pb.effects[0],
        Effect::Stop {
            agent: "s".into(),
            reason: StopReason::Lost { winner: ca.clone() }
        }
    );
    assert_eq!(pb.effects[1], Effect::Release { name: "s".into() });
    assert_eq!(b.names().holder("s"), Some(&ca));
    let pa = a.plan(&both(300).claim(cb));
    assert!(pa.effects.iter().all(|e| !matches!(
        e,
        Effect::Stop {
            reason: StopReason::Lost { .. },
            ..
        }
    )));
}

#[test]
fn a_singleton_comes_up_elsewhere_when_its_holder_is_killed() {
    let mut sim = Sim::new(&[("n1", &[TYPE]), ("n2", &[TYPE]), ("n3", &[TYPE])]);
    sim.start("n1", singleton());
    sim.settle("s", 3);
    let first = sim.hosts_of("s").pop().unwrap();
    let epoch = sim.nodes[&first].gossiped["s"].epoch;
    sim.kill(&first);
    sim.settle("s", 3);
    sim.assert_one_on_owner(&singleton());
    let now = sim.hosts_of("s").pop().unwrap();
    assert_ne!(now, first);
    // A takeover: a higher epoch than the claim it replaces.
    assert_eq!(sim.nodes[&now].gossiped["s"].epoch, epoch + 1);
}

#[test]
fn a_joining_owner_takes_over_only_once_the_holder_let_go() {
    // Find a newcomer that owns the singleton's key once it joins.
    let newcomer = (0..)
        .map(|i| format!("j{i}"))
        .find(|j| {
            Placement::new(["n1", "n2", j.as_str()]).owner(&singleton().key()) == Some(j.as_str())
        })
        .unwrap();
    let mut sim = Sim::new(&[("n1", &[TYPE]), ("n2", &[TYPE])]);
    sim.start("n1", singleton());
    sim.settle("s", 3);
    let old = sim.hosts_of("s").pop().unwrap();
    sim.join(&newcomer, &[TYPE]);
    // The holder stops and lets go; nothing runs for a round; then the newcomer starts it.
    sim.round();
    assert!(sim.hosts_of("s").is_empty());
    assert!(matches!(
        &sim.nodes[&old].stops[..],
        [(agent, StopReason::Moved { owner: Some(o) })] if agent == "s" && *o == newcomer
    ));
    sim.round();
    assert_eq!(sim.hosts_of("s"), std::slice::from_ref(&newcomer));
    sim.settle("s", 3);
    sim.assert_one_on_owner(&singleton());
}

#[test]
fn after_a_partition_heals_exactly_one_copy_survives() {
    let mut sim = Sim::new(&[
        ("n1", &[TYPE]),
        ("n2", &[TYPE]),
        ("n3", &[TYPE]),
        ("n4", &[TYPE]),
    ]);
    sim.start("n1", singleton());
    sim.settle("s", 3);
    let holder = sim.hosts_of("s").pop().unwrap();
    let others: Vec<String> = sim
        .nodes
        .keys()
        .filter(|n| **n != holder)
        .cloned()
        .collect();
    let others: Vec<&str> = others.iter().map(String::as_str).collect();
    sim.partition(&[&[holder.as_str()], &others]);
    sim.settle("s", 3);
    // Each side runs its own copy: the other side took over at a higher epoch.
    assert_eq!(sim.hosts_of("s").len(), 2);
    sim.heal();
    sim.settle("s", 5);
    sim.assert_one_on_owner(&singleton());
}

#[test]
fn nodes_without_the_type_never_run_it_and_route_to_one_that_does() {
    let mut sim = Sim::new(&[("n1", &[]), ("n2", &[TYPE]), ("n3", &["other"])]);
    sim.start("n1", singleton());
    sim.start("n1", SingletonSpec::per_node("p", TYPE));
    sim.settle("s", 3);
    assert_eq!(sim.hosts_of("s"), ["n2"]);
    assert_eq!(sim.hosts_of("p"), ["n2"]);
    for node in sim.nodes.values() {
        assert_eq!(node.routes["s"], "n2");
        assert_eq!(node.routes["p"], "n2");
    }
    // With no host left, it runs nowhere and has no route.
    sim.kill("n2");
    sim.settle("s", 2);
    assert!(sim.hosts_of("s").is_empty());
    assert!(sim.nodes.values().all(|n| n.routes.is_empty()));
}

#[test]
fn every_hosting_node_runs_its_own_per_node_agent_and_a_joiner_gets_one() {
    let spec = SingletonSpec::per_node("p", TYPE);
    let mut sim = Sim::new(&[("n1", &[TYPE]), ("n2", &[TYPE])]);
    sim.start("n1", spec.clone());
    sim.round();
    assert_eq!(sim.hosts_of("p"), ["n1", "n2"]);
    sim.join("n3", &[TYPE]);
    sim.round();
    assert_eq!(sim.hosts_of("p"), ["n1", "n2", "n3"]);
    // Each reaches its own copy.
    for (name, node) in &sim.nodes {
        assert_eq!(node.routes["p"], *name);
    }
    // Per-node agents claim no name.
    assert!(sim.nodes.values().all(|n| n.gossiped.is_empty()));
}

#[test]
fn a_crashed_singleton_is_started_again_by_its_holder() {
    let mut sim = Sim::new(&[("n1", &[TYPE])]);
    sim.start("n1", singleton());
    sim.round();
    sim.nodes.get_mut("n1").unwrap().running.clear();
    sim.round();
    assert_eq!(sim.hosts_of("s"), ["n1"]);
    assert_eq!(sim.nodes["n1"].gossiped["s"].epoch, 0, "it kept its claim");
}

#[test]
fn a_registered_name_is_refused_while_held_and_a_managed_name_always() {
    let mut n1 = Planner::new("n1");
    let first = n1.register("db", "db-1", 10).unwrap();
    assert_eq!(n1.names().holder("db"), Some(&first));
    // The same registration again is accepted; another agent is refused.
    assert_eq!(n1.register("db", "db-1", 20), Ok(first.clone()));
    assert_eq!(
        n1.register("db", "db-2", 20),
        Err(ClaimError::Taken {
            holder: Box::new(first.clone())
        })
    );
    // Held on another node.
    let mut n2 = Planner::new("n2");
    n2.plan(&Situation::at(30).claim(first.clone()));
    assert!(matches!(
        n2.register("db", "x", 40),
        Err(ClaimError::Taken { .. })
    ));
    n2.learn(SingletonSpec::cluster("leader", TYPE));
    assert!(matches!(
        n2.register("leader", "x", 40),
        Err(ClaimError::Managed { .. })
    ));
    // Unregistered, the name is free again, at a higher epoch.
    assert_eq!(n1.unregister("db"), Some(first));
    assert_eq!(n1.names().holder("db"), None);
    assert_eq!(n1.register("db", "db-2", 50).unwrap().epoch, 1);
}

#[test]
fn two_registrations_of_one_name_keep_the_oldest_and_stop_the_other_agent() {
    let mut sim = Sim::new(&[("n1", &[]), ("n2", &[])]);
    sim.partition(&[&["n1"], &["n2"]]);
    for (node, agent, at) in [("n2", "b", 5), ("n1", "a", 7)] {
        let node = sim.nodes.get_mut(node).unwrap();
        node.agents.insert(agent.to_owned());
        let claim = node.planner.register("db", agent, at).unwrap();
        node.gossiped.insert("db".into(), claim);
    }
    sim.round();
    sim.heal();
    sim.round();
    for node in sim.nodes.values() {
        assert_eq!(node.planner.names().holder("db").unwrap().node, "n2");
    }
    assert!(
        sim.nodes["n1"].agents.is_empty(),
        "the loser's agent stopped"
    );
    assert!(matches!(
        &sim.nodes["n1"].stops[..],
        [(agent, StopReason::Lost { winner })] if agent == "a" && winner.node == "n2"
    ));
    assert!(sim.nodes["n1"].gossiped.is_empty());
    assert_eq!(sim.nodes["n2"].agents.len(), 1);
}

#[test]
fn a_registration_is_withdrawn_when_its_agent_is_gone() {
    let mut n1 = Planner::new("n1");
    n1.register("db", "db-1", 10).unwrap();
    let plan = n1.plan(&Situation::at(20).agent("db-1"));
    assert!(plan.effects.is_empty());
    let plan = n1.plan(&Situation::at(30));
    assert_eq!(plan.effects, [Effect::Release { name: "db".into() }]);
    assert_eq!(n1.names().holder("db"), None);
    assert_eq!(n1.held().count(), 0);
}

#[test]
fn a_rebuilt_planner_takes_its_claims_back() {
    let mut sim = Sim::new(&[("n1", &[TYPE]), ("n2", &[TYPE])]);
    sim.start("n1", singleton());
    sim.settle("s", 3);
    let host = sim.hosts_of("s").pop().unwrap();
    let node = sim.nodes.get_mut(&host).unwrap();
    node.agents.insert("db-1".into());
    let registered = node.planner.register("db", "db-1", 5).unwrap();
    node.gossiped.insert("db".into(), registered.clone());
    // The planner is rebuilt from what the node gossips.
    let mut fresh = Planner::new(&host);
    fresh.learn(singleton());
    fresh.learn(SingletonSpec::per_node("p", TYPE));
    for claim in node.gossiped.values() {
        assert!(fresh.adopt(claim.clone()));
    }
    assert!(!fresh.adopt(Claim::new("x", "elsewhere", "x")));
    assert!(!fresh.adopt(Claim::new("p", &host, "p")));
    node.planner = fresh;
    sim.settle("s", 3);
    // Nothing moved: the same holder, the same claims.
    assert_eq!(sim.hosts_of("s"), std::slice::from_ref(&host));
    assert_eq!(sim.nodes[&host].gossiped["db"], registered);
    sim.assert_one_on_owner(&singleton());
}

/// A scripted cluster event.
#[derive(Debug, Clone)]
enum Event {
    Start { from: usize, per_node: bool },
    Join { types: bool },
    Kill(usize),
    Partition(usize),
    Heal,
    Rounds(usize),
}

fn event() -> impl Strategy<Value = Event> {
    prop_oneof![
        (0usize..8, any::<bool>()).prop_map(|(from, per_node)| Event::Start { from, per_node }),
        any::<bool>().prop_map(|types| Event::Join { types }),
        (0usize..8).prop_map(Event::Kill),
        (1usize..4).prop_map(Event::Partition),
        Just(Event::Heal),
        (1usize..4).prop_map(Event::Rounds),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(256))]

    /// Whatever happens — starts from any node, joins, kills, partitions and heals — a
    /// singleton never runs twice while the views agree, and once the cluster is whole and
    /// settled it runs exactly once, on its owner, and every hosting node runs its own
    /// one-per-node copy.
    #[test]
    fn one_singleton_whatever_happens(events in prop::collection::vec(event(), 1..24)) {
        let mut sim = Sim::new(&[("n0", &[TYPE]), ("n1", &[TYPE]), ("n2", &[])]);
        let mut joined = 3;
        for event in events {
            let names: Vec<String> = sim.nodes.keys().cloned().collect();
            match event {
                Event::Start { from, per_node } if !names.is_empty() => {
                    let from = &names[from % names.len()];
                    if per_node {
                        sim.start(from, SingletonSpec::per_node("p", TYPE));
                    } else {
                        sim.start(from, singleton());
                    }
                }
                Event::Join { types } => {
                    let types: &[&str] = if types { &[TYPE] } else { &[] };
                    sim.join(&format!("n{joined}"), types);
                    joined += 1;
                }
                Event::Kill(i) if names.len() > 1 => sim.kill(&names[i % names.len()]),
                Event::Partition(cut) if names.len() > 1 => {
                    let cut = cut.min(names.len() - 1);
                    let (a, b) = names.split_at(cut);
                    let a: Vec<&str> = a.iter().map(String::as_str).collect();
                    let b: Vec<&str> = b.iter().map(String::as_str).collect();
                    sim.partition(&[&a, &b]);
                }
                Event::Heal => sim.heal(),
                Event::Rounds(n) => sim.settle("s", n),
                _ => {}
            }
        }
        sim.heal();
        sim.settle("s", 6);
        // A spec survives if a live node learned it.
        let known = |name: &str| sim.nodes.values().any(|n| n.planner.specs().get(name).is_some());
        if known("s") {
            sim.assert_one_on_owner(&singleton());
        }
        if known("p") {
            let hosting: Vec<String> = sim.nodes.iter().filter(|(_, n)| n.types.contains(TYPE)).map(|(k, _)| k.clone()).collect();
            prop_assert_eq!(sim.hosts_of("p"), hosting);
        }
    }
}
