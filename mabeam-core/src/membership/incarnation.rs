use std::fmt;
use std::str::FromStr;

use serde::{Deserialize, Serialize};

/// One process incarnation of a node: its name and generation, written `name@generation`.
///
/// ```
/// use mabeam_core::membership::Incarnation;
///
/// let inc: Incarnation = "n1@42".parse()?;
/// assert_eq!(inc, Incarnation::new("n1", 42));
/// assert_eq!(inc.to_string(), "n1@42");
/// # Ok::<(), mabeam_core::membership::IncarnationError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct Incarnation {
    /// The node's name.
    pub node: String,
    /// Its generation.
    pub generation: u64,
}

impl Incarnation {
    /// The incarnation `generation` of `node`.
    pub fn new(node: impl Into<String>, generation: u64) -> Self {
        Self {
            node: node.into(),
            generation,
        }
    }

    /// Parses a comma-separated list (the gossip encoding), skipping malformed entries.
    pub fn parse_list(list: &str) -> Vec<Self> {
        list.split(',')
            .filter(|s| !s.is_empty())
            .filter_map(|s| s.parse().ok())
            .collect()
    }

    /// Writes a comma-separated list (the gossip encoding).
    pub fn format_list<'a>(list: impl IntoIterator<Item = &'a Self>) -> String {
        list.into_iter()
            .map(Self::to_string)
            .collect::<Vec<_>>()
            .join(",")
    }
}

impl fmt::Display for Incarnation {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}@{}", self.node, self.generation)
    }
}

/// A string that is not `name@generation`.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("`{0}` is not an incarnation (`name@generation`)")]
pub struct IncarnationError(String);

impl FromStr for Incarnation {
    type Err = IncarnationError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        let bad = || IncarnationError(s.to_owned());
        let (node, generation) = s.rsplit_once('@').ok_or_else(bad)?;
        if node.is_empty() || node.contains(',') {
            return Err(bad());
        }
        Ok(Self::new(node, generation.parse().map_err(|_| bad())?))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_list_round_trips_and_skips_garbage() {
        let list = [Incarnation::new("a", 1), Incarnation::new("b@x", 2)];
        let text = Incarnation::format_list(&list);
        assert_eq!(text, "a@1,b@x@2");
        assert_eq!(Incarnation::parse_list(&text), list);
        assert_eq!(
            Incarnation::parse_list("a@1,,nonsense,@3,c@-1,d@4"),
            [Incarnation::new("a", 1), Incarnation::new("d", 4)]
        );
    }
}
