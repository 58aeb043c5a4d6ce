use std::collections::HashMap;
use std::fmt;
use std::sync::Arc;

use mabeam_actors::RemoteAgent;

use super::type_entry::{HostedType, TypeEntry};

/// The agent types a node hosts, by [`Agent::agent_type`](mabeam_actors::Agent::agent_type),
/// as the builder registers them. Cheap to clone.
#[derive(Clone, Default)]
pub(crate) struct AgentTypes {
    types: HashMap<&'static str, Arc<dyn HostedType>>,
}

impl fmt::Debug for AgentTypes {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_list().entries(self.type_names()).finish()
    }
}

impl AgentTypes {
    /// Registers `A`, made by `factory` when a call finds it not running.
    pub(crate) fn register<A: RemoteAgent>(
        &mut self,
        factory: impl Fn() -> A + Send + Sync + 'static,
    ) {
        self.types
            .insert(A::agent_type(), Arc::new(TypeEntry::new(factory)));
    }

    /// The type registered as `agent_type`.
    pub(crate) fn get(&self, agent_type: &str) -> Option<&Arc<dyn HostedType>> {
        self.types.get(agent_type)
    }

    /// The agent types registered, sorted.
    pub(crate) fn type_names(&self) -> Vec<&'static str> {
        let mut names: Vec<&'static str> = self.types.keys().copied().collect();
        names.sort_unstable();
        names
    }
}
