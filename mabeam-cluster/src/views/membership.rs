use std::sync::Arc;

use mabeam_core::membership::{Member, MemberStatus};
use mabeam_core::placement::Placement;

use super::View;

/// The membership view as last published by the membership agent, for readers outside it
/// (the call path, the admin endpoint, applications): read without a lock or a mailbox hop,
/// and waited on with [`wait_for`](Self::wait_for). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct MembershipReader {
    members: View<Vec<Member>>,
    /// The hash placement over the members that own agents (`up`, or `unreachable` but not
    /// yet declared down), made once per change.
    owners: View<Placement>,
}

impl MembershipReader {
    /// The members as last observed.
    pub fn members(&self) -> Vec<Member> {
        self.members.get().as_ref().clone()
    }

    /// Waits until the members satisfy `condition` (checked at once, then after every
    /// change) and returns them.
    pub async fn wait_for(&self, condition: impl FnMut(&Vec<Member>) -> bool) -> Arc<Vec<Member>> {
        self.members.wait_for(condition).await
    }

    /// [`wait_for`](Self::wait_for) and the view's version (see [`View::wait_for_versioned`]).
    pub(crate) async fn wait_for_versioned(
        &self,
        condition: impl FnMut(&Vec<Member>) -> bool,
    ) -> (u64, Arc<Vec<Member>>) {
        self.members.wait_for_versioned(condition).await
    }

    /// Waits until the view changes after `version`.
    pub(crate) async fn changed_since(&self, version: u64) {
        self.members.changed_since(version).await;
    }

    /// Waits for the next change of the view and returns the members then.
    pub async fn changed(&self) -> Arc<Vec<Member>> {
        self.members.changed().await
    }

    /// The status of `node`, if known.
    pub fn status(&self, node: &str) -> Option<MemberStatus> {
        self.incarnation(node).map(|(_, status)| status)
    }

    /// The generation and status of `node`, if known (nothing cloned).
    pub(crate) fn incarnation(&self, node: &str) -> Option<(u64, MemberStatus)> {
        self.members
            .get()
            .iter()
            .find(|m| m.node == node)
            .map(|m| (m.generation, m.status))
    }

    /// The member named `node`, if known.
    pub fn member(&self, node: &str) -> Option<Member> {
        self.members.get().iter().find(|m| m.node == node).cloned()
    }

    /// The hash placement calls through the cluster route by: over the members that own
    /// agents — `up`, or `unreachable` and not yet declared down. An unreachable owner keeps
    /// its agents (calls to them fail with `NodeUnreachable`) until it is down; only then do
    /// they move, so a suspicion alone never starts a second copy of an agent.
    pub fn placement(&self) -> Arc<Placement> {
        self.owners.get()
    }

    /// True when `node` is a member this node cannot reach now (suspected, not yet down).
    pub fn is_unreachable(&self, node: &str) -> bool {
        self.members
            .get()
            .iter()
            .any(|m| m.node == node && m.status == MemberStatus::Unreachable)
    }

    pub(crate) fn replace(&self, members: Vec<Member>) {
        let owners = Placement::new(
            members
                .iter()
                .filter(|m| m.status.owns_agents())
                .map(|m| m.node.as_str()),
        );
        // Placement first: whoever is woken by the members finds the owners they imply.
        self.owners.publish(owners);
        self.members.publish(members);
    }
}
