use std::collections::{BTreeMap, BTreeSet};

use crate::names::Claim;

/// What one node sees when it plans: the input of [`Planner::plan`](super::Planner::plan).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Situation {
    /// Time now, in ms since the Unix epoch (this node's clock): the `registered_at` of the
    /// claims it makes.
    pub now_ms: u64,
    /// The `up` members, each with the agent types it hosts: where managed agents may run.
    pub hosts: BTreeMap<String, BTreeSet<String>>,
    /// The claims gossiped by the other nodes whose current incarnation is neither down nor
    /// removed (an unreachable node's claims still count: it may still run its agents).
    pub claims: Vec<Claim>,
    /// The agent types this node hosts.
    pub local_types: BTreeSet<String>,
    /// The managed names whose agent runs on this node, as the type of its spec.
    pub running: BTreeSet<String>,
    /// The local agents, among those this node registered names for, that still exist.
    pub agents: BTreeSet<String>,
}

impl Situation {
    /// An empty situation at `now_ms`.
    pub fn at(now_ms: u64) -> Self {
        Self {
            now_ms,
            ..Self::default()
        }
    }

    /// With `node` up, hosting `types`.
    pub fn host<S: Into<String>>(
        mut self,
        node: impl Into<String>,
        types: impl IntoIterator<Item = S>,
    ) -> Self {
        self.hosts
            .insert(node.into(), types.into_iter().map(Into::into).collect());
        self
    }

    /// With another node's `claim`.
    pub fn claim(mut self, claim: Claim) -> Self {
        self.claims.push(claim);
        self
    }

    /// With this node hosting `types`.
    pub fn hosting<S: Into<String>>(mut self, types: impl IntoIterator<Item = S>) -> Self {
        self.local_types.extend(types.into_iter().map(Into::into));
        self
    }

    /// With managed agent `name` running here.
    pub fn running(mut self, name: impl Into<String>) -> Self {
        self.running.insert(name.into());
        self
    }

    /// With local agent `id` existing.
    pub fn agent(mut self, id: impl Into<String>) -> Self {
        self.agents.insert(id.into());
        self
    }
}
