//! The one answer to "where does agent X run": [`Locator`].
//!
//! In order: a handle pinned to a node ([`Node::agent_on`](crate::Node::agent_on)) goes
//! there; a singleton or one-per-node agent goes where the registry runs it; any other agent
//! goes to its rendezvous-hash owner among the members that own agents (`up`, or
//! `unreachable` and not yet declared down). On the hash owner, an agent whose type has a
//! placement rule goes where the owner's directory placed it. An owner this node cannot reach
//! now fails the call at once ([`RemoteError::NodeUnreachable`]): its agents stay where they
//! are until it is declared down, so a suspicion never starts a second copy.

use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, OnceLock};

use mabeam_core::placement::{AgentKey, PlacementKey};

use crate::link::RemoteError;
use crate::placement::{Placer, Route as Placed, TypePlacement};
use crate::views::{MembershipReader, RegistryReader, Route};

/// Where the messages to one agent go now.
#[derive(Debug)]
pub(crate) enum Location {
    /// This node: the local path.
    Here,
    /// Another node.
    Node(String),
    /// This node is the agent's hash owner, and its directory placed the agent on `host`.
    Placed {
        placer: Arc<Placer>,
        host: String,
        key: AgentKey,
    },
}

/// Answers where an agent runs (see the [module docs](self)). Shared by every cluster handle
/// of the node and by its gateway.
pub(crate) struct Locator {
    node: String,
    membership: MembershipReader,
    registry: RegistryReader,
    /// The placement rules of the types registered with one (the others are placed by hash).
    placements: Arc<HashMap<&'static str, TypePlacement>>,
    /// The node's placement directory (set once, by the placement service).
    placer: OnceLock<Arc<Placer>>,
}

impl fmt::Debug for Locator {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Locator")
            .field("node", &self.node)
            .field("placed_types", &self.placements.keys().collect::<Vec<_>>())
            .finish_non_exhaustive()
    }
}

impl Locator {
    pub(crate) fn new(
        node: String,
        membership: MembershipReader,
        registry: RegistryReader,
        placements: HashMap<&'static str, TypePlacement>,
    ) -> Self {
        Self {
            node,
            membership,
            registry,
            placements: Arc::new(placements),
            placer: OnceLock::new(),
        }
    }

    /// The placement rules, by type.
    pub(crate) fn placements(&self) -> Arc<HashMap<&'static str, TypePlacement>> {
        self.placements.clone()
    }

    /// Routes the types with a placement rule through `placer` (the first one set stays).
    pub(crate) fn set_placer(&self, placer: Arc<Placer>) {
        let _ = self.placer.set(placer);
    }

    /// The node that owns agent `id` of `agent_type` now (`key` is its placement key): the
    /// pinned node, where the registry runs it, or its hash owner; `None` when no node may
    /// run it now.
    pub(crate) fn owner(
        &self,
        agent_type: &str,
        id: &str,
        key: &PlacementKey,
        pinned: Option<&str>,
    ) -> Option<String> {
        if let Some(node) = pinned {
            return Some(node.to_owned());
        }
        match self.registry.route(agent_type, id) {
            Route::To(node) => Some(node),
            Route::Nowhere => None,
            Route::Unmanaged => self.membership.placement().owner(key).map(str::to_owned),
        }
    }

    /// Where the messages to agent `id` of `agent_type` go now; fails when no node may run
    /// it ([`RemoteError::NoOwner`]) or its node is unreachable.
    pub(crate) async fn locate(
        &self,
        agent_type: &str,
        id: &str,
        key: &PlacementKey,
        pinned: Option<&str>,
    ) -> Result<Location, RemoteError> {
        let owner =
            self.owner(agent_type, id, key, pinned)
                .ok_or_else(|| RemoteError::NoOwner {
                    agent: id.to_owned(),
                })?;
        if owner != self.node {
            if self.membership.is_unreachable(&owner) {
                return Err(RemoteError::not_sent(
                    owner,
                    "unreachable (not yet declared down)",
                ));
            }
            return Ok(Location::Node(owner));
        }
        Ok(match self.placed(agent_type, id).await? {
            Some((placer, host, key)) => Location::Placed { placer, host, key },
            None => Location::Here,
        })
    }

    /// On the agent's hash owner: where its directory placed it, when that is another node
    /// (its type has a placement rule, and the rule chose a host elsewhere).
    pub(crate) async fn placed(
        &self,
        agent_type: &str,
        id: &str,
    ) -> Result<Option<(Arc<Placer>, String, AgentKey)>, RemoteError> {
        let Some(placer) = self
            .placer
            .get()
            .filter(|_| self.placements.contains_key(agent_type))
        else {
            return Ok(None);
        };
        let key = AgentKey::new(agent_type, id);
        Ok(match placer.route(&key).await? {
            Placed::There(host) => Some((placer.clone(), host, key)),
            Placed::Here => None,
        })
    }
}
