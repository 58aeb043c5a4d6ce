use xxhash_rust::xxh3::{xxh3_64, xxh3_64_with_seed};

use super::PlacementKey;

/// The hash placement over a set of nodes; see the [module docs](super).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Placement {
    /// Each node with its hash (the seed of its scores), sorted by name.
    nodes: Vec<(String, u64)>,
}

impl Placement {
    /// A placement over `nodes` (duplicates count once).
    pub fn new<S: Into<String>>(nodes: impl IntoIterator<Item = S>) -> Self {
        let mut nodes: Vec<(String, u64)> = nodes
            .into_iter()
            .map(|n| {
                let name = n.into();
                let seed = xxh3_64(name.as_bytes());
                (name, seed)
            })
            .collect();
        nodes.sort();
        nodes.dedup_by(|a, b| a.0 == b.0);
        Self { nodes }
    }

    /// The nodes, by name.
    pub fn nodes(&self) -> impl Iterator<Item = &str> {
        self.nodes.iter().map(|(n, _)| n.as_str())
    }

    /// How many nodes there are.
    pub fn len(&self) -> usize {
        self.nodes.len()
    }

    /// True without nodes.
    pub fn is_empty(&self) -> bool {
        self.nodes.is_empty()
    }

    fn score(key: &PlacementKey, seed: u64) -> u64 {
        xxh3_64_with_seed(&key.hash().to_le_bytes(), seed)
    }

    /// The node that owns `key` (none without nodes).
    pub fn owner(&self, key: &PlacementKey) -> Option<&str> {
        self.owner_among(key, |_| true)
    }

    /// The owner of `key` among the nodes `eligible` accepts (e.g. those with the tags an agent
    /// type requires). Removing ineligible nodes moves only the keys they owned.
    pub fn owner_among(&self, key: &PlacementKey, eligible: impl Fn(&str) -> bool) -> Option<&str> {
        self.nodes
            .iter()
            .filter(|(n, _)| eligible(n))
            .max_by_key(|(n, seed)| (Self::score(key, *seed), std::cmp::Reverse(n.as_str())))
            .map(|(n, _)| n.as_str())
    }

    /// The `n` nodes with the highest scores for `key`, owner first: distinct nodes, fewer when
    /// the cluster is smaller.
    pub fn replicas(&self, key: &PlacementKey, n: usize) -> Vec<&str> {
        let mut scored: Vec<(u64, &str)> = self
            .nodes
            .iter()
            .map(|(name, seed)| (Self::score(key, *seed), name.as_str()))
            .collect();
        // Highest score first; ties (vanishingly rare) broken by name.
        scored.sort_by(|a, b| b.0.cmp(&a.0).then_with(|| a.1.cmp(b.1)));
        scored.into_iter().take(n).map(|(_, name)| name).collect()
    }
}

#[cfg(test)]
mod tests {
    use std::collections::{BTreeMap, BTreeSet};

    use proptest::prelude::*;

    use super::*;

    fn keys(n: usize) -> Vec<PlacementKey> {
        (0..n)
            .map(|i| PlacementKey::new("counter", &format!("c-{i}")))
            .collect()
    }

    fn node_names(max: usize) -> impl Strategy<Value = Vec<String>> {
        prop::collection::btree_set("[a-z][a-z0-9-]{0,11}", 1..=max)
            .prop_map(|set| set.into_iter().collect())
    }

    #[test]
    fn no_nodes_no_owner_and_one_node_owns_everything() {
        let key = PlacementKey::new("counter", "c-1");
        assert_eq!(Placement::default().owner(&key), None);
        assert!(Placement::default().replicas(&key, 3).is_empty());
        let one = Placement::new(["solo"]);
        assert_eq!(one.owner(&key), Some("solo"));
        assert_eq!(one.replicas(&key, 3), ["solo"]);
    }

    #[test]
    fn the_type_is_part_of_the_key() {
        assert_ne!(PlacementKey::new("ab", "c"), PlacementKey::new("a", "bc"));
        assert_ne!(
            PlacementKey::new("counter", "x"),
            PlacementKey::new("timer", "x")
        );
    }

    #[test]
    fn placement_is_a_pure_function_of_the_node_set() {
        let a = Placement::new(["n2", "n0", "n1", "n0"]);
        let b = Placement::new(["n0", "n1", "n2"]);
        assert_eq!(a, b);
        for key in keys(100) {
            assert_eq!(a.owner(&key), b.owner(&key));
        }
        // A fixed answer: placement must not change between builds or versions.
        let key = PlacementKey::new("counter", "c-42");
        assert_eq!(key.to_string(), format!("{:016x}", key.hash()));
        let fixed = Placement::new(["n0", "n1", "n2", "n3", "n4"]);
        let owners: Vec<&str> = keys(8).iter().map(|k| fixed.owner(k).unwrap()).collect();
        assert_eq!(owners, EXPECTED_OWNERS);
    }

    /// Owners of `counter/c-0` .. `c-7` over n0..n4, pinned so a change of hash or scoring
    /// (which would move every agent in a running cluster) fails a test.
    const EXPECTED_OWNERS: [&str; 8] = ["n1", "n1", "n4", "n2", "n1", "n3", "n2", "n3"];

    #[test]
    fn eligibility_moves_only_the_keys_of_excluded_nodes() {
        let placement = Placement::new(["n0", "n1", "n2", "n3", "n4"]);
        for key in keys(2_000) {
            let owner = placement.owner(&key).unwrap();
            let without_n3 = placement.owner_among(&key, |n| n != "n3").unwrap();
            if owner != "n3" {
                assert_eq!(without_n3, owner);
            }
            assert_ne!(without_n3, "n3");
        }
        assert_eq!(
            placement.owner_among(&PlacementKey::new("t", "x"), |_| false),
            None
        );
    }

    proptest! {
        #![proptest_config(ProptestConfig::with_cases(64))]

        /// Replica sets are distinct nodes, owner first, as many as asked or as there are.
        #[test]
        fn replica_sets_hold_distinct_nodes_owner_first(
            nodes in node_names(12), id in "[a-z0-9-]{1,16}", n in 0usize..16
        ) {
            let placement = Placement::new(nodes.clone());
            let key = PlacementKey::new("counter", &id);
            let replicas = placement.replicas(&key, n);
            prop_assert_eq!(replicas.len(), n.min(nodes.len()));
            let distinct: BTreeSet<&str> = replicas.iter().copied().collect();
            prop_assert_eq!(distinct.len(), replicas.len());
            if n > 0 {
                prop_assert_eq!(Some(replicas[0]), placement.owner(&key));
            }
        }

        /// With 5 nodes and 10 000 keys, every node owns within ±10% of the mean.
        #[test]
        fn five_nodes_share_ten_thousand_keys_within_ten_percent(nodes in prop::collection::btree_set("[a-z][a-z0-9-]{0,11}", 5..=5)) {
            let placement = Placement::new(nodes);
            let mut owned: BTreeMap<&str, usize> = BTreeMap::new();
            for key in keys(10_000) {
                *owned.entry(placement.owner(&key).unwrap()).or_default() += 1;
            }
            prop_assert_eq!(owned.len(), 5);
            for (node, count) in owned {
                prop_assert!((1_800..=2_200).contains(&count), "{node} owns {count}");
            }
        }

        /// Adding a 6th node moves about 1/6 of the keys, and only to the new node.
        #[test]
        fn a_joining_node_takes_a_fair_share_and_nothing_else_moves(
            nodes in prop::collection::btree_set("[a-z][a-z0-9-]{0,11}", 6..=6)
        ) {
            let mut nodes: Vec<String> = nodes.into_iter().collect();
            let newcomer = nodes.pop().unwrap();
            let before = Placement::new(nodes.clone());
            nodes.push(newcomer.clone());
            let after = Placement::new(nodes);
            let mut moved = 0;
            for key in keys(10_000) {
                let (old, new) = (before.owner(&key).unwrap(), after.owner(&key).unwrap());
                if old != new {
                    prop_assert_eq!(new, newcomer.as_str());
                    moved += 1;
                }
            }
            // 1/6 of 10 000 is 1 667; ±10% of it.
            prop_assert!((1_500..=1_834).contains(&moved), "{moved} keys moved");
        }
    }
}
