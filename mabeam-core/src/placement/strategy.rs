use std::collections::BTreeSet;

use super::{Placement, PlacementKey};

/// A node as placement sees it: its name, capability tags and load (from the health data).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Candidate {
    /// The node's name.
    pub node: String,
    /// Its capability tags.
    pub tags: BTreeSet<String>,
    /// Its load score (lower is less loaded), e.g. from the load-balancer agent.
    pub load: u64,
    /// Over a limit (memory, mailbox backlog, heartbeat round trip): used only when no
    /// eligible node is within its limits.
    pub degraded: bool,
}

impl Candidate {
    /// A candidate with no tags and no load.
    pub fn new(node: impl Into<String>) -> Self {
        Self {
            node: node.into(),
            tags: BTreeSet::new(),
            load: 0,
            degraded: false,
        }
    }

    /// With these tags.
    pub fn with_tags<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.tags = tags.into_iter().map(Into::into).collect();
        self
    }

    /// With this load score.
    pub fn with_load(mut self, load: u64) -> Self {
        self.load = load;
        self
    }

    /// Marked degraded (over a limit): chosen only when no eligible node is within its limits.
    pub fn degraded(mut self) -> Self {
        self.degraded = true;
        self
    }
}

/// How an agent type chooses the node to activate on (among the nodes that have its required
/// tags). Whatever the strategy, the agent's *directory entry* lives on its hash owner, so a
/// lookup is always one hop.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Strategy {
    /// The rendezvous-hash owner (the default): no state, every node agrees.
    Hash,
    /// The least-loaded eligible node; ties go to the higher hash score.
    LeastLoaded,
    /// Eligible nodes in turn (by name), per agent type; see [`RoundRobin`].
    RoundRobin,
    /// On the node where another agent lives (e.g. a session next to its user).
    With(String),
    /// Not on the nodes where these agents live (e.g. replicas apart); falls back to any
    /// eligible node when every one is excluded.
    AwayFrom(Vec<String>),
}

/// A placement request: the agent's key, its type's strategy and required tags.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlacementSpec {
    /// The agent's key.
    pub key: PlacementKey,
    /// The strategy.
    pub strategy: Strategy,
    /// Tags a node must have to host the agent.
    pub requires: BTreeSet<String>,
}

impl PlacementSpec {
    /// Hash placement of `key` with no requirements.
    pub fn hash(key: PlacementKey) -> Self {
        Self {
            key,
            strategy: Strategy::Hash,
            requires: BTreeSet::new(),
        }
    }

    /// With a strategy.
    pub fn with_strategy(mut self, strategy: Strategy) -> Self {
        self.strategy = strategy;
        self
    }

    /// Requiring these tags.
    pub fn requiring<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        self.requires = tags.into_iter().map(Into::into).collect();
        self
    }
}

/// The per-type turn of [`Strategy::RoundRobin`] (state of the placing node).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct RoundRobin {
    next: usize,
}

/// Where to activate an agent: see [`Strategy`]. `located` answers where an agent named by
/// [`Strategy::With`] / [`Strategy::AwayFrom`] lives (if anywhere). `None` when no candidate
/// has the required tags.
///
/// The eligible nodes are the candidates with the required tags; when some of them are within
/// their limits, the [degraded](Candidate::degraded) ones are left out.
///
/// ```
/// use mabeam_core::placement::{choose, Candidate, PlacementKey, PlacementSpec, RoundRobin, Strategy};
///
/// let nodes = [
///     Candidate::new("n0").with_load(70),
///     Candidate::new("n1").with_tags(["gpu"]).with_load(90),
///     Candidate::new("n2").with_tags(["gpu"]).with_load(10),
/// ];
/// let spec = PlacementSpec::hash(PlacementKey::new("trainer", "t-1"))
///     .with_strategy(Strategy::LeastLoaded)
///     .requiring(["gpu"]);
/// let node = choose(&spec, &nodes, &mut RoundRobin::default(), |_| None);
/// assert_eq!(node, Some("n2"));
/// ```
pub fn choose<'a>(
    spec: &PlacementSpec,
    candidates: &'a [Candidate],
    turn: &mut RoundRobin,
    located: impl Fn(&str) -> Option<String>,
) -> Option<&'a str> {
    let mut eligible: Vec<&'a Candidate> = candidates
        .iter()
        .filter(|c| spec.requires.is_subset(&c.tags))
        .collect();
    if eligible.is_empty() {
        return None;
    }
    if eligible.iter().any(|c| !c.degraded) {
        eligible.retain(|c| !c.degraded);
    }
    let ring = Placement::new(eligible.iter().map(|c| c.node.as_str()));
    let by_hash = |allowed: &dyn Fn(&str) -> bool| -> Option<&'a str> {
        let owner = ring.owner_among(&spec.key, allowed)?;
        eligible
            .iter()
            .find(|c| c.node == owner)
            .map(|c| c.node.as_str())
    };
    match &spec.strategy {
        Strategy::Hash => by_hash(&|_| true),
        Strategy::LeastLoaded => {
            let least = eligible.iter().map(|c| c.load).min()?;
            by_hash(&|n| eligible.iter().any(|c| c.node == n && c.load == least))
        }
        Strategy::RoundRobin => {
            let mut names: Vec<&'a str> = eligible.iter().map(|c| c.node.as_str()).collect();
            names.sort_unstable();
            let node = names[turn.next % names.len()];
            turn.next = turn.next.wrapping_add(1);
            Some(node)
        }
        Strategy::With(other) => match located(other) {
            Some(node) if eligible.iter().any(|c| c.node == node) => eligible
                .iter()
                .find(|c| c.node == node)
                .map(|c| c.node.as_str()),
            _ => by_hash(&|_| true),
        },
        Strategy::AwayFrom(others) => {
            let taken: BTreeSet<String> = others.iter().filter_map(|o| located(o)).collect();
            by_hash(&|n| !taken.contains(n)).or_else(|| by_hash(&|_| true))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn nodes() -> Vec<Candidate> {
        vec![
            Candidate::new("n0").with_load(50),
            Candidate::new("n1").with_tags(["gpu", "eu"]).with_load(20),
            Candidate::new("n2").with_tags(["gpu"]).with_load(20),
            Candidate::new("n3").with_tags(["eu"]).with_load(5),
        ]
    }

    fn spec(id: &str) -> PlacementSpec {
        PlacementSpec::hash(PlacementKey::new("worker", id))
    }

    fn nowhere(_: &str) -> Option<String> {
        None
    }

    #[test]
    fn hash_placement_is_the_rendezvous_owner_among_eligible_nodes() {
        let nodes = nodes();
        let mut turn = RoundRobin::default();
        for i in 0..200 {
            let s = spec(&format!("w-{i}"));
            let all = Placement::new(["n0", "n1", "n2", "n3"]);
            assert_eq!(choose(&s, &nodes, &mut turn, nowhere), all.owner(&s.key));
            let gpu = choose(&s.clone().requiring(["gpu"]), &nodes, &mut turn, nowhere);
            assert!(matches!(gpu, Some("n1" | "n2")));
        }
        let impossible = spec("w").requiring(["tpu"]);
        assert_eq!(choose(&impossible, &nodes, &mut turn, nowhere), None);
    }

    #[test]
    fn least_loaded_picks_the_lightest_node_and_breaks_ties_by_hash() {
        let nodes = nodes();
        let mut turn = RoundRobin::default();
        let s = spec("w").with_strategy(Strategy::LeastLoaded);
        assert_eq!(choose(&s, &nodes, &mut turn, nowhere), Some("n3"));
        // n1 and n2 tie among the gpu nodes: the hash decides, the same way every time.
        let mut seen = BTreeSet::new();
        for i in 0..100 {
            let s = spec(&format!("w-{i}"))
                .with_strategy(Strategy::LeastLoaded)
                .requiring(["gpu"]);
            let a = choose(&s, &nodes, &mut turn, nowhere).unwrap();
            assert_eq!(Some(a), choose(&s, &nodes, &mut turn, nowhere));
            seen.insert(a);
        }
        assert_eq!(seen, BTreeSet::from(["n1", "n2"]));
    }

    #[test]
    fn round_robin_takes_eligible_nodes_in_turn() {
        let nodes = nodes();
        let mut turn = RoundRobin::default();
        let s = spec("w")
            .with_strategy(Strategy::RoundRobin)
            .requiring(["eu"]);
        let picks: Vec<_> = (0..5)
            .map(|_| choose(&s, &nodes, &mut turn, nowhere).unwrap())
            .collect();
        assert_eq!(picks, ["n1", "n3", "n1", "n3", "n1"]);
    }

    #[test]
    fn affinity_follows_the_other_agent_and_anti_affinity_avoids_them() {
        let nodes = nodes();
        let mut turn = RoundRobin::default();
        let located = |id: &str| match id {
            "user-7" => Some("n2".to_owned()),
            "replica-a" => Some("n0".to_owned()),
            "replica-b" => Some("n1".to_owned()),
            _ => None,
        };
        let with = spec("session-7").with_strategy(Strategy::With("user-7".into()));
        assert_eq!(choose(&with, &nodes, &mut turn, located), Some("n2"));
        // The other agent is nowhere (or on an ineligible node): hash placement.
        let orphan = spec("s").with_strategy(Strategy::With("ghost".into()));
        assert_eq!(
            choose(&orphan, &nodes, &mut turn, located),
            choose(&spec("s"), &nodes, &mut turn, located)
        );
        for i in 0..50 {
            let away = spec(&format!("replica-{i}")).with_strategy(Strategy::AwayFrom(vec![
                "replica-a".into(),
                "replica-b".into(),
            ]));
            let node = choose(&away, &nodes, &mut turn, located).unwrap();
            assert!(node == "n2" || node == "n3", "{node}");
        }
        // Every eligible node excluded: placed anyway rather than refused.
        let cornered = spec("x")
            .with_strategy(Strategy::AwayFrom(vec!["replica-b".into()]))
            .requiring(["gpu", "eu"]);
        assert_eq!(choose(&cornered, &nodes, &mut turn, located), Some("n1"));
    }

    #[test]
    fn degraded_nodes_are_chosen_only_when_no_eligible_node_is_within_its_limits() {
        let nodes = vec![
            Candidate::new("n0").with_load(1).degraded(),
            Candidate::new("n1").with_tags(["gpu"]).with_load(90),
            Candidate::new("n2")
                .with_tags(["gpu"])
                .with_load(5)
                .degraded(),
        ];
        let mut turn = RoundRobin::default();
        for i in 0..50 {
            let s = spec(&format!("w-{i}"));
            assert_eq!(choose(&s, &nodes, &mut turn, nowhere), Some("n1"));
            let lightest = s.clone().with_strategy(Strategy::LeastLoaded);
            assert_eq!(choose(&lightest, &nodes, &mut turn, nowhere), Some("n1"));
        }
        let all_degraded = [
            Candidate::new("n0").with_load(7).degraded(),
            Candidate::new("n2").with_load(3).degraded(),
        ];
        let s = spec("w").with_strategy(Strategy::LeastLoaded);
        assert_eq!(choose(&s, &all_degraded, &mut turn, nowhere), Some("n2"));
    }
}
