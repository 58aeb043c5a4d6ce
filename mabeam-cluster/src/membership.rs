//! The membership service: its agent folds what the gossip layer hears into the node's
//! [`MembershipView`](mabeam_core::membership::MembershipView) and tells the node about
//! changes.

mod agent;
mod service;

pub use agent::{Membership, MembershipReader};
pub(crate) use service::MembershipService;
