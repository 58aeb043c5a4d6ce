use serde::{Deserialize, Serialize};

use crate::membership::Incarnation;

use super::{AgentKey, ViewId};

/// What a node tells a hash owner after a membership change: every strategy-placed agent it
/// hosts whose hash owner (under `view`) is that node — possibly none. It rebuilds the
/// owner's [`Directory`](super::Directory) when ownership moved (a node joined, or the
/// previous owner was lost with its entries), and tells the owner this host has nothing else
/// for it under `view`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct HostReport {
    /// The hosting node's incarnation.
    pub host: Incarnation,
    /// The view the report was made under.
    pub view: ViewId,
    /// The agents it hosts that the receiver owns under `view`.
    pub agents: Vec<AgentKey>,
}
