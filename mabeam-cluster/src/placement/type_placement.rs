use std::collections::BTreeSet;
use std::fmt;
use std::sync::Arc;

use mabeam_actors::Agent;
use mabeam_core::placement::{AgentKey, PlacementSpec, Strategy};

/// Names the other agents an agent of this type should run next to, or away from.
type Others = Arc<dyn Fn(&str) -> Vec<AgentKey> + Send + Sync>;

#[derive(Clone)]
enum Rule {
    Hash,
    LeastLoaded,
    RoundRobin,
    NextTo(Others),
    AwayFrom(Others),
}

/// How the agents of one type choose the node they run on; given to
/// [`NodeBuilder::agent_type_placed`](crate::NodeBuilder::agent_type_placed), the same on every
/// node.
///
/// The agent's *directory entry* stays on its hash owner whatever the rule, so a call is still
/// one hop to it: the hash owner places the agent on its first call, records where, and
/// forwards calls there. The nodes to choose from are the load balancer's candidates
/// ([`loadbalancer`](crate::loadbalancer)): `up`, not quarantined, with the tags the type
/// requires, preferring those within their health limits.
///
/// ```
/// use mabeam_cluster::placement::TypePlacement;
/// # #[derive(Default)] struct User;
/// # #[mabeam_actors::agent(remote, name = "user")] impl User {
/// #     #[action] fn ping(&self) -> u64 { 1 } }
///
/// // On the least-loaded node that has a GPU.
/// let trainers = TypePlacement::least_loaded().requiring(["gpu"]);
/// // Sessions next to their user: session "s-7" runs where user "7" runs.
/// let sessions = TypePlacement::next_to::<User>(|id| id.trim_start_matches("s-").to_owned());
/// // The two halves of a pair on different nodes.
/// let halves = TypePlacement::away_from::<User>(|id| match id.strip_suffix("-a") {
///     Some(pair) => vec![format!("{pair}-b")],
///     None => vec![format!("{}-a", id.trim_end_matches("-b"))],
/// });
/// # let _ = (trainers, sessions, halves);
/// ```
#[derive(Clone)]
#[must_use]
pub struct TypePlacement {
    rule: Rule,
    requires: BTreeSet<String>,
}

impl TypePlacement {
    /// On the hash owner among the nodes with the required tags (without required tags, this
    /// is where an unplaced type runs, through the directory).
    pub fn hash() -> Self {
        Self::with(Rule::Hash)
    }

    /// On the node with the lowest load score; ties go to the hash.
    pub fn least_loaded() -> Self {
        Self::with(Rule::LeastLoaded)
    }

    /// On the eligible nodes in turn (by name), as each hash owner places them.
    pub fn round_robin() -> Self {
        Self::with(Rule::RoundRobin)
    }

    /// On the node where the `B` named `other(id)` runs (or where it would be placed, for a
    /// type without a placement rule); by hash when it is nowhere.
    pub fn next_to<B: Agent>(other: impl Fn(&str) -> String + Send + Sync + 'static) -> Self {
        Self::with(Rule::NextTo(Arc::new(move |id| {
            vec![AgentKey::new(B::agent_type(), other(id))]
        })))
    }

    /// Not on the nodes where the `B`s named `others(id)` run; anywhere eligible when every
    /// node is taken.
    pub fn away_from<B: Agent>(
        others: impl Fn(&str) -> Vec<String> + Send + Sync + 'static,
    ) -> Self {
        Self::with(Rule::AwayFrom(Arc::new(move |id| {
            others(id)
                .into_iter()
                .map(|other| AgentKey::new(B::agent_type(), other))
                .collect()
        })))
    }

    /// Only on nodes that announce every one of these tags (`NodeBuilder::tag`).
    ///
    /// # Panics
    ///
    /// On a tag a node could not announce: empty, or with a character other than letters,
    /// digits, `-`, `_`, `.`, `:` and `/`.
    #[track_caller]
    pub fn requiring<S: Into<String>>(mut self, tags: impl IntoIterator<Item = S>) -> Self {
        for tag in tags {
            let tag = tag.into();
            assert!(
                crate::gossip::schema::is_valid_tag(&tag),
                "`{tag}` is not a tag a node can announce"
            );
            self.requires.insert(tag);
        }
        self
    }

    fn with(rule: Rule) -> Self {
        Self {
            rule,
            requires: BTreeSet::new(),
        }
    }

    /// The placement request for `key`, and the agents its rule needs located (named in the
    /// strategy by their `type/id`).
    pub(crate) fn spec(&self, key: &AgentKey) -> (PlacementSpec, Vec<AgentKey>) {
        let (strategy, others) = match &self.rule {
            Rule::Hash => (Strategy::Hash, Vec::new()),
            Rule::LeastLoaded => (Strategy::LeastLoaded, Vec::new()),
            Rule::RoundRobin => (Strategy::RoundRobin, Vec::new()),
            Rule::NextTo(others) => {
                let others = others(&key.id);
                let first = others.first().map(ToString::to_string).unwrap_or_default();
                (Strategy::With(first), others)
            }
            Rule::AwayFrom(others) => {
                let others = others(&key.id);
                let names = others.iter().map(ToString::to_string).collect();
                (Strategy::AwayFrom(names), others)
            }
        };
        let spec = PlacementSpec::hash(key.placement_key())
            .with_strategy(strategy)
            .requiring(self.requires.iter().cloned());
        (spec, others)
    }
}

impl fmt::Debug for TypePlacement {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let rule = match self.rule {
            Rule::Hash => "hash",
            Rule::LeastLoaded => "least_loaded",
            Rule::RoundRobin => "round_robin",
            Rule::NextTo(_) => "next_to",
            Rule::AwayFrom(_) => "away_from",
        };
        f.debug_struct("TypePlacement")
            .field("rule", &rule)
            .field("requires", &self.requires)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use mabeam_core::placement::PlacementKey;

    use super::*;

    #[derive(Default)]
    struct User;

    #[mabeam_actors::agent(name = "test.user")]
    impl User {
        #[action]
        fn ping(&self) -> u64 {
            1
        }
    }

    #[test]
    fn a_rule_becomes_the_placement_request_of_each_agent() {
        let key = AgentKey::new("test.session", "s-7");
        let (spec, others) = TypePlacement::least_loaded()
            .requiring(["gpu", "eu"])
            .spec(&key);
        assert_eq!(spec.key, PlacementKey::new("test.session", "s-7"));
        assert_eq!(spec.strategy, Strategy::LeastLoaded);
        assert_eq!(spec.requires, BTreeSet::from(["eu".into(), "gpu".into()]));
        assert!(others.is_empty());

        let next_to = TypePlacement::next_to::<User>(|id| id.replace("s-", "u-"));
        let (spec, others) = next_to.spec(&key);
        assert_eq!(spec.strategy, Strategy::With("test.user/u-7".into()));
        assert_eq!(others, [AgentKey::new("test.user", "u-7")]);

        let away = TypePlacement::away_from::<User>(|id| vec![format!("{id}-x"), "y".into()]);
        let (spec, others) = away.spec(&key);
        assert_eq!(
            spec.strategy,
            Strategy::AwayFrom(vec!["test.user/s-7-x".into(), "test.user/y".into()])
        );
        assert_eq!(others.len(), 2);
        assert_eq!(
            TypePlacement::round_robin().spec(&key).0.strategy,
            Strategy::RoundRobin
        );
        assert_eq!(TypePlacement::hash().spec(&key).0.strategy, Strategy::Hash);
    }

    #[test]
    #[should_panic(expected = "`g p u` is not a tag")]
    fn a_tag_no_node_could_announce_is_refused() {
        let _ = TypePlacement::hash().requiring(["g p u"]);
    }
}
