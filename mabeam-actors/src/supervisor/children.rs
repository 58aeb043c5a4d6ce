use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use mabeam_core::supervision::{Child, Strategy};
use ractor::{ActorCell, ActorId};

use super::{ChildInfo, ChildSpec};
use crate::registry::AgentSlot;

pub(super) struct ChildEntry {
    pub(super) spec: ChildSpec,
    pub(super) cell: Option<ActorCell>,
    pub(super) slot: Option<Arc<AgentSlot>>,
}

/// A supervisor's children in start order, indexed by id and by running actor, so a child's
/// exit is found in O(log n) however many children there are.
#[derive(Default)]
pub(super) struct Children {
    entries: BTreeMap<u64, ChildEntry>,
    by_id: HashMap<Arc<str>, u64>,
    by_actor: HashMap<ActorId, u64>,
    next: u64,
}

impl Children {
    pub(super) fn contains(&self, id: &str) -> bool {
        self.by_id.contains_key(id)
    }

    pub(super) fn insert(&mut self, spec: ChildSpec, slot: Option<Arc<AgentSlot>>) {
        let seq = self.next;
        self.next += 1;
        self.by_id.insert(spec.id.clone(), seq);
        self.entries.insert(
            seq,
            ChildEntry {
                spec,
                cell: None,
                slot,
            },
        );
    }

    pub(super) fn get(&self, id: &str) -> Option<&ChildEntry> {
        self.entries.get(self.by_id.get(id)?)
    }

    pub(super) fn id_of(&self, actor: ActorId) -> Option<Arc<str>> {
        let seq = self.by_actor.get(&actor)?;
        Some(self.entries[seq].spec.id.clone())
    }

    pub(super) fn set_running(&mut self, id: &str, cell: ActorCell) {
        if let Some(&seq) = self.by_id.get(id) {
            self.by_actor.insert(cell.get_id(), seq);
            if let Some(old) = self
                .entries
                .get_mut(&seq)
                .and_then(|e| e.cell.replace(cell))
            {
                self.by_actor.remove(&old.get_id());
            }
        }
    }

    /// Marks the child as not running and returns the instance it had.
    pub(super) fn take_cell(&mut self, id: &str) -> Option<ActorCell> {
        let seq = self.by_id.get(id)?;
        let cell = self.entries.get_mut(seq)?.cell.take()?;
        self.by_actor.remove(&cell.get_id());
        Some(cell)
    }

    pub(super) fn remove(&mut self, id: &str) -> Option<ChildEntry> {
        let seq = self.by_id.remove(id)?;
        let entry = self.entries.remove(&seq)?;
        if let Some(cell) = &entry.cell {
            self.by_actor.remove(&cell.get_id());
        }
        Some(entry)
    }

    /// Ids in start order.
    pub(super) fn ids(&self) -> Vec<Arc<str>> {
        self.entries.values().map(|e| e.spec.id.clone()).collect()
    }

    /// What the restart planner needs to see for an exit of `id`: only that child under
    /// one-for-one (so an exit costs the same with a million siblings), all of them otherwise.
    pub(super) fn planner_view(&self, id: &str, strategy: Strategy) -> Vec<Child<Arc<str>>> {
        let child = |e: &ChildEntry| Child::new(e.spec.id.clone(), e.spec.restart);
        match strategy {
            Strategy::OneForOne => self.get(id).map(child).into_iter().collect(),
            Strategy::OneForAll | Strategy::RestForOne => {
                self.entries.values().map(child).collect()
            }
        }
    }

    pub(super) fn infos(&self, restarts: impl Fn(&Arc<str>) -> u32) -> Vec<ChildInfo> {
        self.entries
            .values()
            .map(|e| ChildInfo {
                id: e.spec.id.to_string(),
                kind: e.spec.kind,
                restart: e.spec.restart,
                running: e.cell.is_some(),
                restarts: restarts(&e.spec.id),
            })
            .collect()
    }

    /// Takes every entry out (for the final cleanup).
    pub(super) fn drain(&mut self) -> Vec<ChildEntry> {
        self.by_id.clear();
        self.by_actor.clear();
        std::mem::take(&mut self.entries).into_values().collect()
    }
}
