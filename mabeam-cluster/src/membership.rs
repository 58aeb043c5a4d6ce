//! The membership agent: folds what the gossip layer hears into the node's
//! [`MembershipView`](mabeam_core::membership::MembershipView) and tells the node about changes.

mod agent;

pub use agent::{Membership, MembershipReader};
pub(crate) use agent::{JOINING, LEAVING, LEAVING_SEEN_KEY, STATUS_KEY, TAGS_KEY};
