use std::collections::BTreeSet;
use std::time::{Duration, Instant};

use futures::Stream;
use mabeam_actors::prelude::*;
use mabeam_actors::{agent, Lane};
use mabeam_core::membership::{
    declared_down, Incarnation, Member, MemberEvent, MemberStatus, MembershipView, Observed,
    Rejoined,
};
use tokio::sync::watch;

use crate::gossip::schema::{self, Announced};
use crate::gossip::{Gossip, LiveNodes};
use crate::views::{ConnectionsReader, MembershipReader};

/// The membership agent: folds what the gossip layer hears into the node's
/// [`MembershipView`](mabeam_core::membership::MembershipView) and publishes every change as a
/// `cluster.node.<status>` signal on the control lane (payload:
/// [`MemberEvent`](mabeam_core::membership::MemberEvent)).
///
/// It also announces the node `up` once it has found the cluster, gossips the incarnations it
/// holds down, and — when another node holds *this* incarnation down — rejoins as a new
/// incarnation and publishes `cluster.self.rejoined` (payload:
/// [`Rejoined`](mabeam_core::membership::Rejoined)).
pub(crate) struct Membership {
    view: MembershipView,
    gossip: Gossip,
    shared: MembershipReader,
    /// The transport's sessions, when the node runs one (evidence that a peer is gone).
    links: Option<ConnectionsReader>,
    heard: Vec<Observed>,
    started: Instant,
    /// With no other node heard by then, a joining node forms the cluster alone.
    alone_after: Duration,
    published_downed: String,
    published_leaving: String,
    /// This node has announced `up` (it starts `joining`; a rejoin keeps the announcement).
    announced_up: bool,
}

impl std::fmt::Debug for Membership {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Membership")
            .field("view", &self.view)
            .finish_non_exhaustive()
    }
}

impl Membership {
    pub(crate) fn new(
        gossip: Gossip,
        down_after: Duration,
        alone_after: Duration,
        links: Option<ConnectionsReader>,
        shared: MembershipReader,
    ) -> Self {
        Self {
            view: MembershipView::new(down_after),
            gossip,
            shared,
            links,
            heard: Vec::new(),
            started: Instant::now(),
            alone_after,
            published_downed: String::new(),
            published_leaving: String::new(),
            announced_up: false,
        }
    }

    fn me(&self) -> Incarnation {
        Incarnation::new(self.gossip.name(), self.gossip.generation())
    }

    /// Shares the new view, then tells the node about each change.
    fn publish(&self, ctx: &mut Ctx<Self>, events: Vec<MemberEvent>) {
        if events.is_empty() {
            return;
        }
        // Readers see the new view before anyone is told about the change.
        self.shared.replace(self.view.members().cloned().collect());
        for event in events {
            let status = event.member.status;
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

    /// What follows any change: rejoin if declared down, announce `up` once joined, gossip
    /// the incarnations held down.
    async fn follow_up(&mut self, ctx: &mut Ctx<Self>) {
        let me = self.me();
        if declared_down(&self.heard, &me) {
            self.rejoin(ctx, me).await;
            return;
        }
        if !self.announced_up {
            let others = self
                .view
                .members()
                .any(|m| m.node != me.node && m.status.is_reachable());
            if others || self.started.elapsed() >= self.alone_after {
                let chitchat = self.gossip.chitchat();
                let mut chitchat = chitchat.lock().await;
                let state = chitchat.self_node_state();
                // Leaving before it ever joined: keep announcing the leave.
                if schema::status(state) == Some(Announced::Joining) {
                    tracing::info!(node = %me.node, alone = !others, "joined the cluster");
                    state.set(schema::STATUS, Announced::Up.as_str());
                }
                self.announced_up = true;
            }
        }
        let downed = schema::incarnations_value(&self.view.downed());
        if downed != self.published_downed {
            self.gossip.set_self(schema::DOWNED, &downed).await;
            self.published_downed = downed;
        }
        let leaving: Vec<Incarnation> = self
            .view
            .members()
            .filter(|m| m.status == MemberStatus::Leaving && m.node != me.node)
            .map(|m| Incarnation::new(m.node.clone(), m.generation))
            .collect();
        let leaving = schema::incarnations_value(&leaving);
        if leaving != self.published_leaving {
            self.gossip.set_self(schema::LEAVING_SEEN, &leaving).await;
            self.published_leaving = leaving;
        }
    }

    async fn rejoin(&mut self, ctx: &mut Ctx<Self>, previous: Incarnation) {
        tracing::warn!(
            node = %previous.node, generation = previous.generation,
            "the cluster declared this incarnation down; rejoining as a new one"
        );
        match self.gossip.rejoin().await {
            Ok(generation) => {
                self.view.hold_decisions(Instant::now());
                self.heard.clear();
                let current = Incarnation::new(previous.node.clone(), generation);
                tracing::info!(node = %current.node, generation, "rejoined");
                let _ = ctx.emit_on(
                    Lane::Control,
                    "cluster.self.rejoined",
                    Rejoined { previous, current },
                );
            }
            Err(err) => {
                tracing::error!(node = %previous.node, error = %err, "could not rejoin; will retry");
            }
        }
    }
}

fn observed(live: &LiveNodes) -> Vec<Observed> {
    live.iter()
        .map(|(id, state)| {
            let seen = Observed::new(&*id.node_id, id.generation_id, id.gossip_advertise_addr)
                .with_tags(schema::tags(state))
                .declaring_down(schema::downed(state));
            match schema::status(state) {
                Some(Announced::Joining) => seen.joining(),
                Some(Announced::Leaving) => seen.leaving(),
                Some(Announced::Up) | None => seen,
            }
        })
        .collect()
}

#[agent(name = "mabeam.membership", vis = "pub(crate)")]
impl Membership {
    /// The current view.
    #[action]
    fn members(&self) -> Vec<Member> {
        self.view.members().cloned().collect()
    }

    /// Every change of the live-node set (or of what a live node announces).
    #[sensor(stream = "live_changes")]
    async fn on_live_change(&mut self, ctx: &mut Ctx<Self>, heard: Vec<Observed>) {
        let events = self.view.observe(heard.iter().cloned(), Instant::now());
        self.heard = heard;
        self.publish(ctx, events);
        self.follow_up(ctx).await;
    }

    /// Every gossip interval: the decisions that need time or transport evidence.
    #[sensor(stream = "ticks")]
    async fn on_tick(&mut self, ctx: &mut Ctx<Self>, _tick: ()) {
        let links: Option<BTreeSet<String>> = self
            .links
            .as_ref()
            .map(|links| links.connected().into_iter().collect());
        let events = self.view.tick(Instant::now(), links.as_ref());
        self.publish(ctx, events);
        self.follow_up(ctx).await;
    }

    fn live_changes(&self) -> impl Stream<Item = Vec<Observed>> + Send + 'static {
        // The current set first, then every change.
        let live: watch::Receiver<LiveNodes> = self.gossip.live();
        futures::stream::unfold((live, true), |(mut live, first)| async move {
            if !first && live.changed().await.is_err() {
                return None;
            }
            let heard = observed(&live.borrow_and_update());
            Some((heard, (live, false)))
        })
    }

    fn ticks(&self) -> impl Stream<Item = ()> + Send + 'static {
        let period = self.gossip.interval();
        futures::stream::unfold(true, move |first| async move {
            if !first {
                tokio::time::sleep(period).await;
            }
            Some(((), false))
        })
    }
}
