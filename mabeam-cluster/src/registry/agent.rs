use std::collections::{BTreeMap, BTreeSet};
use std::time::{SystemTime, UNIX_EPOCH};

use chitchat::NodeState;
use futures::Stream;
use mabeam_actors::prelude::*;
use mabeam_actors::{agent, AgentSystem};
use mabeam_core::membership::MemberStatus;
use mabeam_core::names::{Claim, NameTable};
use mabeam_core::singleton::{Effect, Learned, Planner, SingletonSpec, Situation, StopReason};

use super::{NameLost, RegistryError, MAX_NAME_LEN};
use crate::gossip::schema::{
    self as wire, GossipValueError, NAME_PREFIX, SPEC_PREFIX, TYPES as TYPES_KEY,
};
use crate::gossip::Gossip;
use crate::hosting::Host;
use crate::views::{MembershipReader, RegistryReader};

/// The node's side of the cluster registry: cluster-wide names, singletons and one-per-node
/// agents (see the [module docs](crate::registry)).
///
/// Every gossip interval, whenever a live node's gossip changes, and on every membership
/// change, it reads the claims, specs and agent types the other nodes gossip, plans with the pure
/// [`Planner`](mabeam_core::singleton::Planner), and carries the plan out: it starts and stops
/// managed agents, gossips and withdraws this node's claims, and stops an agent whose name
/// was lost (logging the winner, and publishing [`NameLost`]).
pub(crate) struct ClusterRegistry {
    gossip: Gossip,
    membership: MembershipReader,
    host: Host,
    planner: Planner,
    shared: RegistryReader,
    /// Gossiped values that could not be read, by node and key, with the value: each is
    /// reported once.
    bad_values: BTreeMap<(String, String), String>,
    /// Conflicting specs already reported.
    conflicts: BTreeSet<SingletonSpec>,
    /// Failed starts in a row per managed name (logged on the 1st, 2nd, 4th, ... failure).
    failed_starts: BTreeMap<String, u32>,
    /// The names last published to readers.
    published: NameTable,
}

impl std::fmt::Debug for ClusterRegistry {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ClusterRegistry")
            .field("node", &self.planner.node())
            .field("specs", &self.planner.specs().len())
            .field("held", &self.planner.held().count())
            .finish_non_exhaustive()
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

/// Checks a cluster-wide name.
fn check_name(name: &str) -> Result<(), RegistryError> {
    let bad = |reason| {
        Err(RegistryError::BadName {
            name: name.to_owned(),
            reason,
        })
    };
    if name.is_empty() {
        return bad("it is empty");
    }
    if name.len() > MAX_NAME_LEN {
        return bad("it is longer than 255 bytes");
    }
    if name.chars().any(char::is_control) {
        return bad("it contains a control character");
    }
    Ok(())
}

/// A registry value another node gossips: node, key, value.
type RawValue = (String, String, String);

/// The registry values the other nodes gossip, copied out of gossip state under its lock
/// and decoded once the lock is released.
#[derive(Default)]
struct Raw {
    specs: Vec<RawValue>,
    claims: Vec<RawValue>,
    types: Vec<RawValue>,
}

impl Raw {
    /// Specs from every incarnation (they only grow); claims only from the current one of a
    /// node that is neither down nor removed; types only from an `up` node.
    fn copy(&mut self, node: &str, state: &NodeState, counts: bool, up: bool) {
        let raw = |(key, value): (&str, &chitchat::VersionedValue)| {
            (node.to_owned(), key.to_owned(), value.value.clone())
        };
        self.specs.extend(state.iter_prefix(SPEC_PREFIX).map(raw));
        if counts {
            self.claims.extend(state.iter_prefix(NAME_PREFIX).map(raw));
        }
        if let (true, Some(value)) = (up, state.get(TYPES_KEY)) {
            self.types
                .push((node.to_owned(), TYPES_KEY.to_owned(), value.to_owned()));
        }
    }

    fn decode(self) -> Gossiped {
        let mut seen = Gossiped::default();
        for (node, key, value) in self.specs {
            match wire::decode::<SingletonSpec>(&value) {
                Ok(spec) if key[SPEC_PREFIX.len()..] == spec.name => seen.specs.push(spec),
                Ok(spec) => {
                    let err = GossipValueError::Misplaced {
                        claimed_by: node.clone(),
                        name: spec.name,
                        key: key.clone(),
                    };
                    seen.bad.push((node, key, value, err));
                }
                Err(err) => seen.bad.push((node, key, value, err)),
            }
        }
        for (node, key, value) in self.claims {
            match wire::decode::<Claim>(&value) {
                Ok(claim) if claim.node == node && key[NAME_PREFIX.len()..] == claim.name => {
                    seen.claims.push(claim)
                }
                Ok(claim) => {
                    let err = GossipValueError::Misplaced {
                        claimed_by: claim.node,
                        name: claim.name,
                        key: key.clone(),
                    };
                    seen.bad.push((node, key, value, err));
                }
                Err(err) => seen.bad.push((node, key, value, err)),
            }
        }
        for (node, key, value) in self.types {
            match wire::decode::<Vec<String>>(&value) {
                Ok(types) => {
                    seen.types.insert(node, types.into_iter().collect());
                }
                Err(err) => seen.bad.push((node, key, value, err)),
            }
        }
        seen
    }
}

/// What the other nodes gossip, decoded.
#[derive(Default)]
struct Gossiped {
    claims: Vec<Claim>,
    specs: Vec<SingletonSpec>,
    types: BTreeMap<String, BTreeSet<String>>,
    /// Values that could not be read: node, key, value, why.
    bad: Vec<(String, String, String, GossipValueError)>,
}

impl ClusterRegistry {
    pub(crate) fn new(
        gossip: Gossip,
        membership: MembershipReader,
        host: Host,
        shared: RegistryReader,
    ) -> Self {
        Self {
            planner: Planner::new(gossip.name()),
            gossip,
            membership,
            host,
            shared,
            bad_values: BTreeMap::new(),
            conflicts: BTreeSet::new(),
            failed_starts: BTreeMap::new(),
            published: NameTable::default(),
        }
    }

    async fn set_key(&self, key: &str, value: &str) {
        self.gossip.set_self(key, value).await;
    }

    async fn delete_key(&self, key: &str) {
        let chitchat = self.gossip.chitchat();
        let mut chitchat = chitchat.lock().await;
        let state = chitchat.self_node_state();
        if state.get(key).is_some() {
            state.delete(key);
        }
    }

    async fn publish_claim(&self, claim: &Claim) {
        match wire::encode(claim) {
            Ok(value) => {
                self.set_key(&format!("{NAME_PREFIX}{}", claim.name), &value)
                    .await
            }
            Err(err) => tracing::error!(name = %claim.name, %err, "cannot encode a claim"),
        }
    }

    /// Learns a spec (started here, or read from gossip) and gossips it too.
    async fn learn(&mut self, system: &AgentSystem, spec: SingletonSpec) {
        let name = spec.name.clone();
        match self.planner.learn(spec.clone()) {
            Learned::Known => return,
            Learned::New => {
                tracing::info!(%spec, "learned a managed agent");
            }
            Learned::Ignored { kept } => {
                if self.conflicts.insert(spec.clone()) {
                    tracing::warn!(ignored = %spec, %kept, "two managed agents under one name: keeping the smaller spec");
                }
                return;
            }
            Learned::Replaced { old } => {
                tracing::warn!(ignored = %old, kept = %spec, "two managed agents under one name: keeping the smaller spec");
                if self.host.runs(&old.agent_type, &name) {
                    if let Err(err) = system.stop_agent(&name).await {
                        tracing::warn!(agent = %name, %err, "could not stop the agent of a replaced spec");
                    }
                }
            }
            other => {
                tracing::debug!(?other, %spec, "learned");
            }
        }
        self.host.activations().manage(&name);
        match wire::encode(&spec) {
            Ok(value) => self.set_key(&format!("{SPEC_PREFIX}{name}"), &value).await,
            Err(err) => tracing::error!(%spec, %err, "cannot encode a spec"),
        }
    }

    fn report_bad(&mut self, node: String, key: String, value: String, err: GossipValueError) {
        let seen = self
            .bad_values
            .insert((node.clone(), key.clone()), value.clone());
        if seen.as_ref() != Some(&value) {
            tracing::warn!(peer = %node, %key, %err, "ignoring a registry value a peer gossips");
        }
    }

    /// The managed agents running here.
    fn running(&self) -> BTreeSet<String> {
        self.planner
            .specs()
            .iter()
            .filter(|s| self.host.runs(&s.agent_type, &s.name))
            .map(|s| s.name.clone())
            .collect()
    }

    /// Publishes the registry to readers: everything after a plan (`routes`), the names
    /// alone after a registration.
    fn share(&mut self, routes: Option<BTreeMap<String, String>>) {
        let names = self.planner.names();
        let changed = (*names != self.published).then_some(names);
        match routes {
            Some(routes) => self.shared.update(
                changed,
                self.planner.specs().clone(),
                routes,
                self.running(),
            ),
            None => {
                if let Some(names) = changed {
                    self.shared.set_names(names);
                }
            }
        }
        if changed.is_some() {
            self.published = self.planner.names().clone();
        }
    }

    /// Reads gossip, plans, carries the plan out.
    async fn reconcile(&mut self, ctx: &mut Ctx<Self>) {
        if self.shared.is_closed() {
            return;
        }
        let system = ctx.system().clone();
        let me = self.planner.node().to_owned();
        let members = self.membership.members();
        let counted: BTreeMap<&str, u64> = members
            .iter()
            .filter(|m| m.node != me && !m.status.is_final())
            .map(|m| (m.node.as_str(), m.generation))
            .collect();
        let up: BTreeSet<&str> = members
            .iter()
            .filter(|m| m.status == MemberStatus::Up)
            .map(|m| m.node.as_str())
            .collect();
        let mut raw = Raw::default();
        {
            let chitchat = self.gossip.chitchat();
            let chitchat = chitchat.lock().await;
            for (id, state) in chitchat.node_states() {
                let node = &*id.node_id;
                if node == me {
                    continue;
                }
                let counts = counted.get(node) == Some(&id.generation_id);
                raw.copy(node, state, counts, counts && up.contains(node));
            }
        }
        let mut seen = raw.decode();
        for (node, key, value, err) in std::mem::take(&mut seen.bad) {
            self.report_bad(node, key, value, err);
        }
        for spec in std::mem::take(&mut seen.specs) {
            self.learn(&system, spec).await;
        }
        let local_types: BTreeSet<String> = self
            .host
            .type_names()
            .into_iter()
            .map(str::to_owned)
            .collect();
        let mut situation = Situation::at(now_ms());
        situation.hosts = seen.types;
        if up.contains(me.as_str()) {
            situation.hosts.insert(me.clone(), local_types.clone());
        }
        situation.claims = seen.claims;
        situation.local_types = local_types;
        situation.running = self.running();
        situation.agents = self
            .planner
            .registered_agents()
            .filter(|agent| system.registry().contains(agent))
            .map(str::to_owned)
            .collect();
        let plan = self.planner.plan(&situation);
        for effect in plan.effects {
            self.carry_out(ctx, effect).await;
        }
        self.share(Some(plan.routes));
    }

    async fn carry_out(&mut self, ctx: &mut Ctx<Self>, effect: Effect) {
        let system = ctx.system().clone();
        match effect {
            Effect::Stop { agent, reason } => {
                match &reason {
                    StopReason::Lost { winner } => {
                        tracing::warn!(
                            %agent, name = %winner.name, winner = %winner.node,
                            winner_agent = %winner.agent, epoch = winner.epoch,
                            "lost a cluster-wide name to another node's claim; stopping the agent"
                        );
                        ctx.emit_signal(NameLost {
                            name: winner.name.clone(),
                            agent: agent.clone(),
                            winner: winner.clone(),
                        });
                    }
                    StopReason::Moved { owner } => {
                        tracing::info!(singleton = %agent, owner = ?owner, "the singleton's owner changed; stopping it here");
                    }
                    StopReason::HeldElsewhere { holder } => {
                        tracing::warn!(singleton = %agent, holder = %holder.node, "the singleton runs on another node; stopping the copy here");
                    }
                }
                if let Err(err) = system.stop_agent(&agent).await {
                    tracing::warn!(%agent, %err, "could not stop the agent");
                }
            }
            Effect::Release { name } => {
                self.delete_key(&format!("{NAME_PREFIX}{name}")).await;
            }
            Effect::Claim(claim) => {
                tracing::info!(name = %claim.name, epoch = claim.epoch, "claimed a singleton's name");
                self.publish_claim(&claim).await;
            }
            Effect::Start(spec) => {
                match self.host.start_managed(&spec.agent_type, &spec.name).await {
                    Ok(()) => {
                        self.failed_starts.remove(&spec.name);
                        tracing::info!(%spec, "started");
                    }
                    Err(err) => {
                        let failures = self.failed_starts.entry(spec.name.clone()).or_insert(0);
                        *failures += 1;
                        if failures.is_power_of_two() {
                            tracing::warn!(%spec, %err, failures = *failures, "could not start a managed agent; will retry");
                        }
                    }
                }
            }
        }
    }
}

#[agent(name = "mabeam.registry", vis = "pub(crate)")]
impl ClusterRegistry {
    /// Registers local agent `agent` under the cluster-wide `name`.
    #[action]
    async fn register(
        &mut self,
        ctx: &mut Ctx<Self>,
        name: String,
        agent: String,
    ) -> Result<(), RegistryError> {
        check_name(&name)?;
        let system = ctx.system().clone();
        if !system.registry().contains(&agent) {
            return Err(RegistryError::NoSuchAgent { agent });
        }
        let claim = self.planner.register(&name, &agent, now_ms())?;
        self.publish_claim(&claim).await;
        self.share(None);
        tracing::info!(%name, %agent, epoch = claim.epoch, "registered a cluster-wide name");
        Ok(())
    }

    /// Gives up this node's registration of `name`; false if it held none.
    #[action]
    async fn unregister(&mut self, name: String) -> bool {
        if self.planner.unregister(&name).is_none() {
            return false;
        }
        self.delete_key(&format!("{NAME_PREFIX}{name}")).await;
        self.share(None);
        true
    }

    /// Starts managing `spec` (a singleton or a one-per-node agent) cluster-wide.
    #[action]
    async fn start(
        &mut self,
        ctx: &mut Ctx<Self>,
        spec: SingletonSpec,
    ) -> Result<(), RegistryError> {
        check_name(&spec.name)?;
        if self.shared.is_closed() {
            return Err(RegistryError::Unavailable(
                "the node is shutting down".to_owned(),
            ));
        }
        match self.planner.specs().get(&spec.name) {
            Some(known) if *known != spec => {
                return Err(RegistryError::SpecConflict {
                    spec: Box::new(known.clone()),
                })
            }
            Some(_) => {}
            None => {
                if let Some(holder) = self.planner.names().holder(&spec.name) {
                    if holder.agent != spec.name {
                        return Err(RegistryError::Taken {
                            holder: Box::new(holder.clone()),
                        });
                    }
                }
            }
        }
        let system = ctx.system().clone();
        self.learn(&system, spec).await;
        self.reconcile(ctx).await;
        Ok(())
    }

    /// Takes back what this node gossiped before the agent (re)started — its specs and its
    /// claims — so a restart neither forgets a claim other nodes still see nor drops a spec.
    #[on_start]
    async fn started(&mut self, ctx: &mut Ctx<Self>) {
        let mut raw = Raw::default();
        {
            let chitchat = self.gossip.chitchat();
            let mut chitchat = chitchat.lock().await;
            let me = self.planner.node().to_owned();
            raw.copy(&me, chitchat.self_node_state(), true, false);
        }
        let seen = raw.decode();
        let system = ctx.system().clone();
        for spec in seen.specs {
            self.learn(&system, spec).await;
        }
        for claim in seen.claims {
            if !self.planner.adopt(claim.clone()) {
                tracing::warn!(name = %claim.name, "withdrawing a claim this node can no longer hold");
                self.delete_key(&format!("{NAME_PREFIX}{}", claim.name))
                    .await;
            }
        }
        for (_, key, _, err) in seen.bad {
            tracing::warn!(%key, %err, "withdrawing an unreadable registry value of this node");
            self.delete_key(&key).await;
        }
    }

    /// Every gossip interval.
    #[sensor(stream = "ticks")]
    async fn on_tick(&mut self, ctx: &mut Ctx<Self>, _tick: ()) {
        self.reconcile(ctx).await;
    }

    /// On every change of what a live node gossips (a claim, a spec): no wait for the tick.
    #[sensor(stream = "gossip_changes")]
    async fn on_gossip_change(&mut self, ctx: &mut Ctx<Self>, _change: ()) {
        self.reconcile(ctx).await;
    }

    /// On every membership change: a holder may be down, an owner may have changed.
    #[on_signal("cluster.node.*")]
    async fn on_member_change(&mut self, ctx: &mut Ctx<Self>, _signal: Signal) {
        self.reconcile(ctx).await;
    }

    fn gossip_changes(&self) -> impl Stream<Item = ()> + Send + 'static {
        // A watch keeps only the latest change: a burst of changes is one plan.
        futures::stream::unfold(self.gossip.live(), |mut live| async move {
            live.changed().await.ok()?;
            live.borrow_and_update();
            Some(((), live))
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
