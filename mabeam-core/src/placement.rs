//! Where an agent lives: every node computes the same owner and replica set for an agent from
//! the membership view alone, with no coordination.
//!
//! The hash strategy is **rendezvous (highest-random-weight) hashing**: each node gets a score
//! for the key, `xxh3(key, seed = xxh3(node))`, and the key's owner is the node with the highest
//! score; its replica set is the next highest. We chose it over a consistent-hash ring with
//! virtual nodes because, for the cluster sizes mabeam targets (a handful to a few hundred
//! nodes):
//! - balance is that of a uniform hash, with no virtual-node count to tune (a ring needs
//!   hundreds of virtual nodes per node to keep every node within ±10% of the mean);
//! - a joining node takes exactly the keys for which it now scores highest — about `1/n` of
//!   them; no other key moves. A leaving node's keys spread evenly over all the others;
//! - replica sets are distinct nodes by construction (the top `k` scores), where a ring has to
//!   skip virtual nodes of nodes already chosen.
//!
//! Besides the hash, an agent type can choose its activation node by load, capability tags,
//! affinity / anti-affinity or round-robin ([`choose`], [`Strategy`]), among nodes scored
//! from the health data ([`score_nodes`], [`LoadBoard`]). Such an agent's [`Directory`] entry
//! lives on its hash owner, so finding it is still one hop; the hosts rebuild the entries
//! when ownership moves ([`Hosted`], [`HostReport`], [`ViewId`]).
//!
//! The cost is `O(nodes)` hashes per lookup (tens of nanoseconds per node), which callers cache
//! per membership change where it matters. The hash (XXH3) is a specified algorithm, so nodes
//! running different builds agree.
//!
//! ```
//! use mabeam_core::placement::{Placement, PlacementKey};
//!
//! let placement = Placement::new(["n0", "n1", "n2"]);
//! let key = PlacementKey::new("counter", "c-42");
//! let owner = placement.owner(&key).unwrap();
//! let replicas = placement.replicas(&key, 2);
//! assert_eq!(replicas[0], owner);
//! assert_ne!(replicas[0], replicas[1]);
//! ```

mod agent_key;
mod directory;
mod host_report;
mod hosted;
mod key;
mod load_board;
mod rendezvous;
mod score;
mod strategy;
mod view_id;

pub use agent_key::AgentKey;
pub use directory::{Directory, DirectoryChange};
pub use host_report::HostReport;
pub use hosted::Hosted;
pub use key::PlacementKey;
pub use load_board::LoadBoard;
pub use rendezvous::Placement;
pub use score::{score_nodes, LoadWeights};
pub use strategy::{choose, Candidate, PlacementSpec, RoundRobin, Strategy};
pub use view_id::ViewId;
