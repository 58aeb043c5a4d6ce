use std::collections::BTreeMap;

use super::Candidate;

/// The candidates a placing node chooses from, with its own placements since the last scoring
/// added to their loads.
///
/// Load figures arrive with the health reports, every few gossip intervals; a burst of
/// least-loaded placements in between would all land on the node that was lightest at the
/// last report. The board counts what this node placed on each candidate since then and adds
/// `per_agent` load for each, so a burst spreads; a new scoring (a new `version` from the
/// load balancer) starts the count again, since its figures include those agents.
///
/// ```
/// use mabeam_core::placement::{Candidate, LoadBoard};
///
/// let scored = [Candidate::new("a").with_load(10), Candidate::new("b").with_load(12)];
/// let mut board = LoadBoard::default();
/// board.placed_on("a", 5);
/// let loads: Vec<u64> = board.candidates(1, &scored).iter().map(|c| c.load).collect();
/// assert_eq!(loads, [10, 12]); // a new scoring: earlier placements are in its figures
/// board.placed_on("a", 5);
/// let loads: Vec<u64> = board.candidates(1, &scored).iter().map(|c| c.load).collect();
/// assert_eq!(loads, [15, 12]);
/// ```
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LoadBoard {
    version: u64,
    placed: BTreeMap<String, u64>,
}

impl LoadBoard {
    /// The candidates of scoring `version`, with this node's placements since that scoring
    /// added. A `version` other than the last one seen resets the placements.
    pub fn candidates(&mut self, version: u64, scored: &[Candidate]) -> Vec<Candidate> {
        if version != self.version {
            self.version = version;
            self.placed.clear();
        }
        scored
            .iter()
            .map(|c| {
                let extra = self.placed.get(&c.node).copied().unwrap_or(0);
                let mut c = c.clone();
                c.load = c.load.saturating_add(extra);
                c
            })
            .collect()
    }

    /// Records an agent placed on `node`, adding `load` to it until the next scoring.
    pub fn placed_on(&mut self, node: &str, load: u64) {
        let placed = self.placed.entry(node.to_owned()).or_insert(0);
        *placed = placed.saturating_add(load);
    }
}

#[cfg(test)]
mod tests {
    use super::super::{choose, PlacementKey, PlacementSpec, RoundRobin, Strategy};
    use super::*;

    #[test]
    fn a_burst_of_least_loaded_placements_spreads_until_the_next_scoring() {
        let scored = [
            Candidate::new("a").with_load(100),
            Candidate::new("b").with_load(103),
            Candidate::new("c").with_load(500),
        ];
        let mut board = LoadBoard::default();
        let mut turn = RoundRobin::default();
        let mut counts: BTreeMap<String, usize> = BTreeMap::new();
        for i in 0..20 {
            let spec = PlacementSpec::hash(PlacementKey::new("worker", &format!("w-{i}")))
                .with_strategy(Strategy::LeastLoaded);
            let candidates = board.candidates(7, &scored);
            let node = choose(&spec, &candidates, &mut turn, |_| None)
                .unwrap()
                .to_owned();
            board.placed_on(&node, 1);
            *counts.entry(node).or_default() += 1;
        }
        // 20 agents of load 1: `a` takes 3 to catch up with `b`, then they alternate.
        assert_eq!(counts.get("a"), Some(&12));
        assert_eq!(counts.get("b"), Some(&8));
        assert_eq!(counts.get("c"), None);
        // The next scoring counts them itself.
        let fresh: Vec<u64> = board
            .candidates(8, &scored)
            .iter()
            .map(|c| c.load)
            .collect();
        assert_eq!(fresh, [100, 103, 500]);
    }
}
