use std::collections::BTreeMap;
use std::sync::{Arc, PoisonError, RwLock};

use chitchat::{ChitchatId, NodeState};
use futures::Stream;
use mabeam_actors::prelude::*;
use mabeam_actors::{agent, Lane};
use mabeam_core::membership::{Member, MemberStatus, MembershipView, Observed};
use tokio::sync::watch;

/// The key a node sets in its gossip state when it starts leaving.
pub(crate) const STATUS_KEY: &str = "mabeam.status";
/// Its value then.
pub(crate) const LEAVING: &str = "leaving";

/// The live node incarnations, as chitchat reports them.
pub(crate) type LiveNodes = BTreeMap<ChitchatId, NodeState>;

/// The membership agent: its stream sensor follows the gossip layer's live-node set; each change
/// updates the view and is published as a `cluster.node.<status>` signal on the control lane
/// (payload: [`MemberEvent`](mabeam_core::membership::MemberEvent)).
pub struct Membership {
    view: MembershipView,
    live: watch::Receiver<LiveNodes>,
    shared: MembershipReader,
}

/// A cheap, lock-protected copy of the membership view for readers outside the agent (the admin
/// endpoint, tests): no mailbox hop.
#[derive(Debug, Clone, Default)]
pub struct MembershipReader {
    members: Arc<RwLock<Vec<Member>>>,
}

impl MembershipReader {
    /// The members as last observed.
    pub fn members(&self) -> Vec<Member> {
        self.members
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The status of `node`, if known.
    pub fn status(&self, node: &str) -> Option<MemberStatus> {
        self.members
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .iter()
            .find(|m| m.node == node)
            .map(|m| m.status)
    }

    fn replace(&self, members: Vec<Member>) {
        *self.members.write().unwrap_or_else(PoisonError::into_inner) = members;
    }
}

impl std::fmt::Debug for Membership {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Membership")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

impl Membership {
    pub(crate) fn new(live: watch::Receiver<LiveNodes>, shared: MembershipReader) -> Self {
        Self {
            view: MembershipView::default(),
            live,
            shared,
        }
    }
}

fn observed(live: &LiveNodes) -> Vec<Observed> {
    live.iter()
        .map(|(id, state)| {
            let seen = Observed::new(&*id.node_id, id.generation_id, id.gossip_advertise_addr);
            if state.get(STATUS_KEY) == Some(LEAVING) {
                seen.leaving()
            } else {
                seen
            }
        })
        .collect()
}

#[agent(name = "mabeam.membership")]
impl Membership {
    /// The current view.
    #[action]
    fn members(&self) -> Vec<Member> {
        self.view.members().cloned().collect()
    }

    /// Every change of the live-node set.
    #[sensor(stream = "live_changes")]
    fn on_live_change(&mut self, ctx: &mut Ctx<Self>, alive: Vec<Observed>) {
        let events = self.view.observe(alive);
        // Readers see the new view before anyone is told about the change.
        self.shared.replace(self.view.members().cloned().collect());
        for event in events {
            let status = match event.member.status {
                MemberStatus::Up => "up",
                MemberStatus::Leaving => "leaving",
                MemberStatus::Down => "down",
                MemberStatus::Removed => "removed",
            };
            tracing::info!(
                node = %event.member.node,
                generation = event.member.generation,
                addr = %event.member.gossip_addr,
                previous = ?event.previous,
                "member {status}"
            );
            let _ = ctx.emit_on(Lane::Control, format!("cluster.node.{status}"), event);
        }
    }

    fn live_changes(&self) -> impl Stream<Item = Vec<Observed>> + Send + 'static {
        // The current set first, then every change.
        futures::stream::unfold((self.live.clone(), true), |(mut live, first)| async move {
            if !first && live.changed().await.is_err() {
                return None;
            }
            let alive = observed(&live.borrow_and_update());
            Some((alive, (live, false)))
        })
    }
}
