use std::sync::Arc;

use mabeam_core::health::ClusterHealth;

use super::View;

/// The latest health report (the admin endpoint's `/health`): read without a lock or a
/// mailbox hop, waited on with [`wait_for`](Self::wait_for). Cheap to clone.
#[derive(Debug, Clone, Default)]
pub struct HealthReader {
    latest: View<Option<ClusterHealth>>,
}

impl HealthReader {
    /// The latest report (none before the first assessment).
    pub fn latest(&self) -> Option<ClusterHealth> {
        self.latest.get().as_ref().clone()
    }

    /// Waits until the latest report satisfies `condition` and returns it.
    pub async fn wait_for(
        &self,
        mut condition: impl FnMut(&ClusterHealth) -> bool,
    ) -> Arc<Option<ClusterHealth>> {
        self.latest
            .wait_for(|latest| latest.as_ref().is_some_and(&mut condition))
            .await
    }

    pub(crate) fn set(&self, health: ClusterHealth) {
        self.latest.publish(Some(health));
    }
}
