use std::fmt;

use serde::{Deserialize, Serialize};

use crate::placement::PlacementKey;

/// How many copies of a managed agent run in the cluster.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Scope {
    /// One in the whole cluster: a cluster singleton.
    Cluster,
    /// One on every node that hosts the agent type (the seeds' `start_replicated`).
    PerNode,
}

impl Scope {
    /// `cluster` or `per_node`, as in logs.
    pub fn as_str(self) -> &'static str {
        match self {
            Self::Cluster => "cluster",
            Self::PerNode => "per_node",
        }
    }
}

impl fmt::Display for Scope {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.pad(self.as_str())
    }
}

/// A managed agent: started and kept running by the cluster (not by a call), under its name,
/// which is also its agent id on every node that runs it.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
pub struct SingletonSpec {
    /// The name, which is the agent's id wherever it runs.
    pub name: String,
    /// The agent type (`Agent::agent_type`), registered on the nodes that may run it.
    pub agent_type: String,
    /// One in the cluster or one per node.
    pub scope: Scope,
}

impl SingletonSpec {
    /// A cluster singleton `name` of type `agent_type`.
    pub fn cluster(name: impl Into<String>, agent_type: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            agent_type: agent_type.into(),
            scope: Scope::Cluster,
        }
    }

    /// A one-per-node agent `name` of type `agent_type`.
    pub fn per_node(name: impl Into<String>, agent_type: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            agent_type: agent_type.into(),
            scope: Scope::PerNode,
        }
    }

    /// Its placement key: the one a call to agent `name` of this type is routed by, so the
    /// singleton runs where such a call goes.
    pub fn key(&self) -> PlacementKey {
        PlacementKey::new(&self.agent_type, &self.name)
    }
}

impl fmt::Display for SingletonSpec {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{} {} ({})", self.scope, self.name, self.agent_type)
    }
}
