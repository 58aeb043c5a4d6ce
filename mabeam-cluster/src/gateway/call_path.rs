use std::sync::Arc;

use crate::hosting::Host;
use crate::link::NodeLink;
use crate::locator::Locator;

/// What every [`ClusterRef`](super::ClusterRef) of a node shares: where agents run (the
/// locator), how to reach other nodes (the link), and the node as a host (the local path).
#[derive(Debug)]
pub(crate) struct CallPath {
    pub(crate) locator: Arc<Locator>,
    pub(crate) link: Arc<NodeLink>,
    pub(crate) host: Host,
}
