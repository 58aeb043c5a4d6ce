use std::cmp::Ordering;
use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::Claim;

/// The winning claim per name; see the [module docs](super).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct NameTable {
    holders: BTreeMap<String, Claim>,
}

impl NameTable {
    /// Adds a claim; returns the claim it displaced (the loser to stop), if the new one wins,
    /// or the new claim itself if it loses. `None` when the name was free or the claim was
    /// already known.
    pub fn claim(&mut self, claim: Claim) -> Option<Claim> {
        match self.holders.get(&claim.name) {
            None => {
                self.holders.insert(claim.name.clone(), claim);
                None
            }
            Some(held) if *held == claim => None,
            Some(held) => match claim.precedence(held) {
                Ordering::Greater => self.holders.insert(claim.name.clone(), claim),
                _ => Some(claim),
            },
        }
    }

    /// Merges another node's table; returns the claims that lost (held here or there).
    pub fn merge(&mut self, other: &NameTable) -> Vec<Claim> {
        other
            .holders
            .values()
            .filter_map(|claim| self.claim(claim.clone()))
            .collect()
    }

    /// Frees `name` if `node` holds it (its agent stopped, or the node was declared down and
    /// the claim is being dropped); returns the freed claim.
    pub fn release(&mut self, name: &str, node: &str) -> Option<Claim> {
        if self.holders.get(name).is_some_and(|c| c.node == node) {
            self.holders.remove(name)
        } else {
            None
        }
    }

    /// Drops every claim of `node` (declared down); returns them (for failover).
    pub fn release_node(&mut self, node: &str) -> Vec<Claim> {
        let names: Vec<String> = self
            .holders
            .values()
            .filter(|c| c.node == node)
            .map(|c| c.name.clone())
            .collect();
        names
            .iter()
            .filter_map(|n| self.holders.remove(n))
            .collect()
    }

    /// The claim holding `name`.
    pub fn holder(&self, name: &str) -> Option<&Claim> {
        self.holders.get(name)
    }

    /// Every holding claim, by name.
    pub fn claims(&self) -> impl Iterator<Item = &Claim> {
        self.holders.values()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::*;

    #[test]
    fn the_highest_epoch_wins_then_the_oldest_registration() {
        let mut table = NameTable::default();
        let old = Claim::new("leader", "n1", "a").registered_at(10);
        let young = Claim::new("leader", "n2", "b").registered_at(20);
        assert_eq!(table.claim(young.clone()), None);
        assert_eq!(table.claim(old.clone()), Some(young.clone()));
        assert_eq!(table.holder("leader"), Some(&old));
        // A takeover at a higher epoch beats age.
        let takeover = Claim::new("leader", "n3", "c")
            .registered_at(99)
            .at_epoch(1);
        assert_eq!(table.claim(takeover.clone()), Some(old));
        // A late, lower-epoch claim loses and is handed back.
        assert_eq!(table.claim(young.clone()), Some(young));
        assert_eq!(table.holder("leader"), Some(&takeover));
        // Re-learning the holder changes nothing.
        assert_eq!(table.claim(takeover), None);
    }

    #[test]
    fn release_frees_only_the_holders_claims() {
        let mut table = NameTable::default();
        table.claim(Claim::new("a", "n1", "x"));
        table.claim(Claim::new("b", "n2", "y"));
        table.claim(Claim::new("c", "n1", "z"));
        assert_eq!(table.release("b", "n1"), None);
        assert_eq!(table.release_node("n1").len(), 2);
        assert_eq!(table.claims().count(), 1);
        assert!(table.release("b", "n2").is_some());
    }

    fn claim() -> impl Strategy<Value = Claim> {
        ("[ab]", "n[0-3]", "[xy]", 0u64..3, 0u64..4).prop_map(|(name, node, agent, epoch, t)| {
            Claim::new(name, node, agent)
                .at_epoch(epoch)
                .registered_at(t)
        })
    }

    fn table() -> impl Strategy<Value = NameTable> {
        prop::collection::vec(claim(), 0..8).prop_map(|claims| {
            let mut t = NameTable::default();
            for c in claims {
                t.claim(c);
            }
            t
        })
    }

    fn merged(a: &NameTable, b: &NameTable) -> NameTable {
        let mut m = a.clone();
        m.merge(b);
        m
    }

    proptest! {
        /// Nodes converge whatever order they learn claims in: the merge is commutative,
        /// associative and idempotent.
        #[test]
        fn merging_converges_in_any_order(a in table(), b in table(), c in table()) {
            prop_assert_eq!(merged(&a, &b), merged(&b, &a));
            prop_assert_eq!(merged(&merged(&a, &b), &c), merged(&a, &merged(&b, &c)));
            prop_assert_eq!(merged(&a, &a), a.clone());
        }

        /// Every claim that lost is reported, and the holder beats every claim seen.
        #[test]
        fn the_holder_beats_every_claim_and_losers_are_reported(claims in prop::collection::vec(claim(), 1..12)) {
            let mut table = NameTable::default();
            let mut losers = Vec::new();
            for c in &claims {
                losers.extend(table.claim(c.clone()));
            }
            for c in &claims {
                let holder = table.holder(&c.name).unwrap();
                prop_assert_ne!(c.precedence(holder), std::cmp::Ordering::Greater);
                if c != holder {
                    prop_assert!(losers.contains(c));
                }
            }
        }
    }
}
