use std::collections::BTreeMap;

use serde::{Deserialize, Serialize};

use super::SingletonSpec;

/// What [`SpecSet::learn`] made of a spec.
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum Learned {
    /// The name was not managed yet; it is now.
    New,
    /// Already known, as it is.
    Known,
    /// The name is managed under another spec that takes precedence; this one is ignored.
    Ignored {
        /// The spec that stays.
        kept: SingletonSpec,
    },
    /// The name was managed under another spec, which this one takes precedence over: the
    /// old spec's agent must stop where it runs.
    Replaced {
        /// The spec that no longer holds.
        old: SingletonSpec,
    },
}

/// The managed agents a node knows, one spec per name. It only grows, and conflicting specs
/// for one name (two types or scopes started under one name: a mistake, but one two nodes can
/// make at once) resolve to the *smaller* spec — by agent type, then scope — on every node
/// alike, whatever order they learn them in.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SpecSet {
    specs: BTreeMap<String, SingletonSpec>,
}

impl SpecSet {
    /// Adds `spec`; see [`Learned`].
    pub fn learn(&mut self, spec: SingletonSpec) -> Learned {
        match self.specs.get(&spec.name) {
            None => {
                self.specs.insert(spec.name.clone(), spec);
                Learned::New
            }
            Some(known) if *known == spec => Learned::Known,
            Some(known) if *known < spec => Learned::Ignored {
                kept: known.clone(),
            },
            Some(_) => {
                let old = self
                    .specs
                    .insert(spec.name.clone(), spec)
                    .expect("the name is known");
                Learned::Replaced { old }
            }
        }
    }

    /// The spec managing `name`.
    pub fn get(&self, name: &str) -> Option<&SingletonSpec> {
        self.specs.get(name)
    }

    /// Every spec, by name.
    pub fn iter(&self) -> impl Iterator<Item = &SingletonSpec> {
        self.specs.values()
    }

    /// How many names are managed.
    pub fn len(&self) -> usize {
        self.specs.len()
    }

    /// True when no name is managed.
    pub fn is_empty(&self) -> bool {
        self.specs.is_empty()
    }
}

#[cfg(test)]
mod tests {
    use proptest::prelude::*;

    use super::super::Scope;
    use super::*;

    #[test]
    fn a_conflicting_spec_resolves_to_the_smaller_type_then_scope() {
        let mut set = SpecSet::default();
        assert_eq!(
            set.learn(SingletonSpec::cluster("x", "b.type")),
            Learned::New
        );
        assert_eq!(
            set.learn(SingletonSpec::cluster("x", "b.type")),
            Learned::Known
        );
        assert_eq!(
            set.learn(SingletonSpec::cluster("x", "c.type")),
            Learned::Ignored {
                kept: SingletonSpec::cluster("x", "b.type")
            }
        );
        assert_eq!(
            set.learn(SingletonSpec::per_node("x", "a.type")),
            Learned::Replaced {
                old: SingletonSpec::cluster("x", "b.type")
            }
        );
        assert_eq!(
            set.learn(SingletonSpec::cluster("x", "a.type")),
            Learned::Replaced {
                old: SingletonSpec::per_node("x", "a.type")
            }
        );
        assert_eq!(set.get("x").unwrap().scope, Scope::Cluster);
        assert_eq!(set.len(), 1);
    }

    fn spec() -> impl Strategy<Value = SingletonSpec> {
        ("[xy]", "[abc]", any::<bool>()).prop_map(|(name, ty, cluster)| {
            if cluster {
                SingletonSpec::cluster(name, ty)
            } else {
                SingletonSpec::per_node(name, ty)
            }
        })
    }

    proptest! {
        /// Nodes that learn the same specs in any order end with the same set.
        #[test]
        fn learning_order_does_not_matter(specs in prop::collection::vec(spec(), 0..10), seed in any::<u64>()) {
            let mut forward = SpecSet::default();
            for s in &specs {
                forward.learn(s.clone());
            }
            let mut shuffled = specs.clone();
            // A deterministic shuffle from the seed.
            let n = shuffled.len();
            for i in 0..n {
                let j = (seed.rotate_left(i as u32) as usize) % n;
                shuffled.swap(i, j);
            }
            let mut backward = SpecSet::default();
            for s in shuffled.iter().rev() {
                backward.learn(s.clone());
            }
            prop_assert_eq!(forward, backward);
        }
    }
}
