//! The membership service: its agent folds what the gossip layer hears into the node's
//! [`MembershipView`](mabeam_core::membership::MembershipView) and tells the node about
//! changes.

mod agent;
mod report;

pub use crate::views::MembershipReader;
pub(crate) use agent::Membership;
pub use report::MembershipReport;
