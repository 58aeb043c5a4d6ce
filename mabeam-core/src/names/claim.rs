use std::cmp::{Ordering, Reverse};

use serde::{Deserialize, Serialize};

/// One node's claim to a cluster-wide name for one of its agents.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Claim {
    /// The name.
    pub name: String,
    /// The node hosting the agent.
    pub node: String,
    /// The agent's local id on that node.
    pub agent: String,
    /// Bumped by a deliberate takeover; the highest wins.
    pub epoch: u64,
    /// When the claim was made (ms since the epoch, the claiming node's clock); at equal
    /// epochs the oldest wins.
    pub registered_at: u64,
}

impl Claim {
    /// A claim at epoch 0, registered at time 0.
    pub fn new(name: impl Into<String>, node: impl Into<String>, agent: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            node: node.into(),
            agent: agent.into(),
            epoch: 0,
            registered_at: 0,
        }
    }

    /// At `epoch`.
    pub fn at_epoch(mut self, epoch: u64) -> Self {
        self.epoch = epoch;
        self
    }

    /// Registered at `ms`.
    pub fn registered_at(mut self, ms: u64) -> Self {
        self.registered_at = ms;
        self
    }

    /// The conflict order: greater wins (see the [module docs](super)).
    pub fn precedence(&self, other: &Self) -> Ordering {
        let rank = |c: &Self| {
            (
                c.epoch,
                Reverse(c.registered_at),
                Reverse(c.node.clone()),
                Reverse(c.agent.clone()),
            )
        };
        rank(self).cmp(&rank(other))
    }
}
