use std::collections::{BTreeMap, BTreeSet};
use std::sync::{Arc, PoisonError, RwLock};

use mabeam_core::names::{Claim, NameTable};
use mabeam_core::singleton::{SingletonSpec, SpecSet};

/// Where a call to an agent goes, as far as the registry is concerned.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// Not a singleton nor a one-per-node agent of that type: placement decides.
    Unmanaged,
    /// To this node.
    To(String),
    /// Managed, but no node runs it or may run it now.
    Nowhere,
}

#[derive(Debug, Default)]
struct Shared {
    names: NameTable,
    specs: SpecSet,
    routes: BTreeMap<String, String>,
    running: BTreeSet<String>,
}

/// The cluster registry as this node last saw it, read without a mailbox hop: who holds each
/// cluster-wide name, which singletons and one-per-node agents exist, and which of them run
/// here. Cheap to clone; kept up to date by the `mabeam.registry` agent (every gossip
/// interval and on every membership change).
#[derive(Debug, Clone, Default)]
pub struct RegistryReader {
    shared: Arc<RwLock<Shared>>,
}

impl RegistryReader {
    /// The claim holding cluster-wide `name` (a singleton's, or a registered agent's), if any
    /// is known: its node and agent id.
    pub fn whereis(&self, name: &str) -> Option<Claim> {
        self.read(|s| s.names.holder(name).cloned())
    }

    /// Every held name, by name.
    pub fn names(&self) -> Vec<Claim> {
        self.read(|s| s.names.claims().cloned().collect())
    }

    /// Every singleton and one-per-node agent, by name.
    pub fn specs(&self) -> Vec<SingletonSpec> {
        self.read(|s| s.specs.iter().cloned().collect())
    }

    /// The singletons and one-per-node agents running on this node, by name.
    pub fn running_here(&self) -> Vec<String> {
        self.read(|s| s.running.iter().cloned().collect())
    }

    /// Where a call to agent `id` of `agent_type` goes.
    pub(crate) fn route(&self, agent_type: &str, id: &str) -> Route {
        self.read(|s| match s.specs.get(id) {
            Some(spec) if spec.agent_type == agent_type => s
                .routes
                .get(id)
                .map_or(Route::Nowhere, |node| Route::To(node.clone())),
            _ => Route::Unmanaged,
        })
    }

    pub(crate) fn set_names(&self, names: NameTable) {
        self.write().names = names;
    }

    pub(crate) fn update(
        &self,
        names: NameTable,
        specs: SpecSet,
        routes: BTreeMap<String, String>,
        running: BTreeSet<String>,
    ) {
        *self.write() = Shared {
            names,
            specs,
            routes,
            running,
        };
    }

    fn read<T>(&self, f: impl FnOnce(&Shared) -> T) -> T {
        f(&self.shared.read().unwrap_or_else(PoisonError::into_inner))
    }

    fn write(&self) -> std::sync::RwLockWriteGuard<'_, Shared> {
        self.shared.write().unwrap_or_else(PoisonError::into_inner)
    }
}
