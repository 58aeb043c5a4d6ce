use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use super::pattern::Segment;
use super::{Topic, TopicPattern};

/// An index from topic patterns to keys (subscriber ids), answering "which keys have a pattern
/// that matches this topic?" without scanning every pattern.
///
/// It is a trie over pattern segments with separate edges for `*` and `**`, so a lookup visits
/// only the branches that can match. A key registered under several matching patterns is
/// reported once.
///
/// ```
/// use mabeam_core::{Topic, TopicIndex, TopicPattern};
///
/// let mut index = TopicIndex::new();
/// index.insert(&"orders.*".parse::<TopicPattern>()?, 1);
/// index.insert(&"orders.**".parse::<TopicPattern>()?, 2);
/// index.insert(&"payments.*".parse::<TopicPattern>()?, 3);
/// assert_eq!(index.matches(&Topic::new("orders.created")?), vec![1, 2]);
/// assert_eq!(index.matches(&Topic::new("orders.eu.created")?), vec![2]);
/// # Ok::<(), mabeam_core::TopicError>(())
/// ```
pub struct TopicIndex<K> {
    root: Node<K>,
    len: usize,
}

struct Node<K> {
    literal: HashMap<Arc<str>, Node<K>>,
    one: Option<Box<Node<K>>>,
    any: Option<Box<Node<K>>>,
    keys: Vec<K>,
}

impl<K> Default for Node<K> {
    fn default() -> Self {
        Self {
            literal: HashMap::new(),
            one: None,
            any: None,
            keys: Vec::new(),
        }
    }
}

impl<K> Node<K> {
    fn is_empty(&self) -> bool {
        self.keys.is_empty() && self.literal.is_empty() && self.one.is_none() && self.any.is_none()
    }
}

impl<K: Copy + Ord> Default for TopicIndex<K> {
    fn default() -> Self {
        Self::new()
    }
}

impl<K: Copy + Ord> TopicIndex<K> {
    /// An empty index.
    pub fn new() -> Self {
        Self {
            root: Node::default(),
            len: 0,
        }
    }

    /// How many (pattern, key) entries the index holds.
    pub fn len(&self) -> usize {
        self.len
    }

    /// True when the index holds no entry.
    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// Adds `key` under `pattern`. Adding the same pair twice keeps one entry.
    pub fn insert(&mut self, pattern: &TopicPattern, key: K) {
        let mut node = &mut self.root;
        for segment in pattern.segments() {
            node = match segment {
                Segment::Literal(lit) => node.literal.entry(lit.clone()).or_default(),
                Segment::One => node.one.get_or_insert_with(Box::default),
                Segment::Any => node.any.get_or_insert_with(Box::default),
            };
        }
        if let Err(at) = node.keys.binary_search(&key) {
            node.keys.insert(at, key);
            self.len += 1;
        }
    }

    /// Removes `key` from under `pattern`; returns whether it was there. Empty branches are
    /// pruned so the index does not grow with churn.
    pub fn remove(&mut self, pattern: &TopicPattern, key: K) -> bool {
        let removed = remove_at(&mut self.root, pattern.segments(), key);
        if removed {
            self.len -= 1;
        }
        removed
    }

    /// The keys of every pattern matching `topic`, sorted and without duplicates.
    pub fn matches(&self, topic: &Topic) -> Vec<K> {
        let segments: Vec<&str> = topic.segments().collect();
        let mut out = Vec::new();
        collect(&self.root, &segments, &mut out);
        out.sort_unstable();
        out.dedup();
        out
    }
}

fn remove_at<K: Ord>(node: &mut Node<K>, path: &[Segment], key: K) -> bool {
    let Some((first, rest)) = path.split_first() else {
        return match node.keys.binary_search(&key) {
            Ok(at) => {
                node.keys.remove(at);
                true
            }
            Err(_) => false,
        };
    };
    match first {
        Segment::Literal(lit) => {
            let Some(child) = node.literal.get_mut(lit) else {
                return false;
            };
            let removed = remove_at(child, rest, key);
            if child.is_empty() {
                node.literal.remove(lit);
            }
            removed
        }
        Segment::One | Segment::Any => {
            let slot = if *first == Segment::One {
                &mut node.one
            } else {
                &mut node.any
            };
            let Some(child) = slot.as_deref_mut() else {
                return false;
            };
            let removed = remove_at(child, rest, key);
            if child.is_empty() {
                *slot = None;
            }
            removed
        }
    }
}

fn collect<K: Copy>(node: &Node<K>, topic: &[&str], out: &mut Vec<K>) {
    if let Some(any) = &node.any {
        // `**` swallows zero, one, ... or all of the remaining segments.
        for skip in 0..=topic.len() {
            collect(any, &topic[skip..], out);
        }
    }
    let Some((first, rest)) = topic.split_first() else {
        out.extend_from_slice(&node.keys);
        return;
    };
    if let Some(child) = node.literal.get(*first) {
        collect(child, rest, out);
    }
    if let Some(one) = &node.one {
        collect(one, rest, out);
    }
}

impl<K> fmt::Debug for TopicIndex<K> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TopicIndex")
            .field("len", &self.len)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn segs(values: &'static [&'static str]) -> impl Strategy<Value = String> {
        prop::collection::vec(prop::sample::select(values), 1..6).prop_map(|v| v.join("."))
    }

    proptest! {
        #[test]
        fn index_finds_exactly_the_matching_patterns(
            patterns in prop::collection::vec(segs(&["a", "b", "*", "**"]), 0..12),
            topics in prop::collection::vec(segs(&["a", "b", "c"]), 1..8),
        ) {
            let parsed: Vec<TopicPattern> =
                patterns.iter().map(|p| TopicPattern::new(p).unwrap()).collect();
            let mut index = TopicIndex::new();
            for (key, p) in parsed.iter().enumerate() {
                index.insert(p, key);
            }
            for t in &topics {
                let topic = Topic::new(t).unwrap();
                let expected: Vec<usize> = parsed
                    .iter()
                    .enumerate()
                    .filter(|(_, p)| p.matches(&topic))
                    .map(|(k, _)| k)
                    .collect();
                prop_assert_eq!(index.matches(&topic), expected);
            }
        }

        #[test]
        fn removing_every_entry_leaves_an_empty_index(
            patterns in prop::collection::vec(segs(&["a", "*", "**"]), 0..12),
        ) {
            let mut index = TopicIndex::new();
            let parsed: Vec<TopicPattern> =
                patterns.iter().map(|p| TopicPattern::new(p).unwrap()).collect();
            for (key, p) in parsed.iter().enumerate() {
                index.insert(p, key);
            }
            for (key, p) in parsed.iter().enumerate() {
                prop_assert!(index.remove(p, key));
            }
            prop_assert!(index.is_empty());
            prop_assert!(index.root.is_empty());
        }
    }

    #[test]
    fn a_key_under_two_matching_patterns_is_reported_once() {
        let mut index = TopicIndex::new();
        index.insert(&TopicPattern::new("a.*").unwrap(), 7);
        index.insert(&TopicPattern::new("a.**").unwrap(), 7);
        assert_eq!(index.matches(&Topic::new("a.b").unwrap()), vec![7]);
        assert_eq!(index.len(), 2);
    }
}
