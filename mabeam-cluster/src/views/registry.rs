use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::sync::atomic::{AtomicBool, Ordering};
use std::sync::Arc;

use mabeam_core::names::{Claim, NameTable};
use mabeam_core::singleton::{SingletonSpec, SpecSet};

use super::View;

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

/// The holder of each name, as readers see it.
type Names = HashMap<String, Arc<Claim>>;

#[derive(Debug, Default)]
struct Shared {
    names: Arc<Names>,
    specs: SpecSet,
    routes: BTreeMap<String, String>,
    running: BTreeSet<String>,
}

/// The cluster registry as this node last saw it, read without a mailbox hop or a lock: who
/// holds each cluster-wide name, which singletons and one-per-node agents exist, and which of
/// them run here. Cheap to clone; kept up to date by the `mabeam.registry` agent (every
/// gossip interval and on every membership change), which publishes a new snapshot
/// atomically.
#[derive(Debug, Clone, Default)]
pub struct RegistryReader {
    shared: View<Shared>,
    /// The node is shutting down: the registry agent takes no more action.
    closed: Arc<AtomicBool>,
}

impl RegistryReader {
    /// The claim holding cluster-wide `name` (a singleton's, or a registered agent's), if any
    /// is known: its node and agent id.
    pub fn whereis(&self, name: &str) -> Option<Arc<Claim>> {
        self.shared.get().names.get(name).cloned()
    }

    /// Every held name, by name.
    pub fn names(&self) -> Vec<Claim> {
        let mut names: Vec<Claim> = self
            .shared
            .get()
            .names
            .values()
            .map(|c| (**c).clone())
            .collect();
        names.sort_by(|a, b| a.name.cmp(&b.name));
        names
    }

    /// Every singleton and one-per-node agent, by name.
    pub fn specs(&self) -> Vec<SingletonSpec> {
        self.shared.get().specs.iter().cloned().collect()
    }

    /// The singletons and one-per-node agents running on this node, by name.
    pub fn running_here(&self) -> Vec<String> {
        self.shared.get().running.iter().cloned().collect()
    }

    /// Where a call to agent `id` of `agent_type` goes.
    pub(crate) fn route(&self, agent_type: &str, id: &str) -> Route {
        let shared = self.shared.get();
        match shared.specs.get(id) {
            Some(spec) if spec.agent_type == agent_type => shared
                .routes
                .get(id)
                .map_or(Route::Nowhere, |node| Route::To(node.clone())),
            _ => Route::Unmanaged,
        }
    }

    /// Tells the registry agent to take no more action (the node is shutting down).
    pub(crate) fn close(&self) {
        self.closed.store(true, Ordering::Release);
    }

    /// Whether [`RegistryReader::close`] was called.
    pub(crate) fn is_closed(&self) -> bool {
        self.closed.load(Ordering::Acquire)
    }

    /// Publishes a new snapshot; `names` only when they changed (`None`: as before).
    pub(crate) fn update(
        &self,
        names: Option<&NameTable>,
        specs: SpecSet,
        routes: BTreeMap<String, String>,
        running: BTreeSet<String>,
    ) {
        let names = match names {
            Some(table) => Arc::new(
                table
                    .claims()
                    .map(|c| (c.name.clone(), Arc::new(c.clone())))
                    .collect(),
            ),
            None => self.shared.get().names.clone(),
        };
        self.shared.publish(Shared {
            names,
            specs,
            routes,
            running,
        });
    }

    /// Publishes new names, keeping the rest.
    pub(crate) fn set_names(&self, table: &NameTable) {
        let current = self.shared.get();
        self.update(
            Some(table),
            current.specs.clone(),
            current.routes.clone(),
            current.running.clone(),
        );
    }
}
