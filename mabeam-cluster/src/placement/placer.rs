use std::collections::HashMap;
use std::fmt;
use std::sync::{Arc, Mutex, MutexGuard, PoisonError};
use std::time::Duration;

use mabeam_actors::WireReply;
use mabeam_core::codec;
use mabeam_core::health::Thresholds;
use mabeam_core::membership::Incarnation;
use mabeam_core::placement::{
    choose, score_nodes, AgentKey, Directory, Hosted, LoadBoard, LoadWeights, RoundRobin, ViewId,
};
use mabeam_core::wire::{self, Envelope, Kind};

use super::directory_msg::{DirectoryReply, DirectoryRequest};
use super::TypePlacement;
use crate::gossip::Gossip;
use crate::hosting::Host;
use crate::link::{error_bytes, fail, outcome_bytes, NodeLink, RemoteError};
use crate::views::{LoadBalancerReader, MembershipReader};

/// The id of the directory's wire protocol.
pub(crate) const PROTOCOL: &str = "mabeam.directory";

/// How long a directory question to another node may take.
const ASK_TIMEOUT: Duration = Duration::from_secs(2);
/// How long a call waits when its envelope names no timeout (as `ClusterRef`'s default).
const DEFAULT_CALL_TIMEOUT: Duration = Duration::from_secs(5);
/// What a forwarding hash owner waits beyond the call's timeout for the host's answer (less
/// than the caller's own margin, so the caller hears the owner's timeout first).
const FORWARD_MARGIN: Duration = Duration::from_millis(250);

/// Where a call to a strategy-placed agent runs, as its hash owner decides.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Route {
    /// On this node.
    Here,
    /// On that node, through its gateway (marked as placed there).
    There(String),
}

/// What the placer changes under its lock (never held across an `.await`).
#[derive(Debug)]
struct State {
    directory: Directory,
    hosted: Hosted,
    board: LoadBoard,
    turns: HashMap<String, RoundRobin>,
    /// The view the directory follows.
    view: Option<ViewId>,
    /// The view each owner last acknowledged this node's report under.
    reported: HashMap<String, ViewId>,
}

/// One node's side of per-type placement: the directory of the strategy-placed agents it owns
/// by hash, the set of those it hosts, and the decisions (see the
/// [module docs](super) and `mabeam_core::placement::Directory`).
pub(crate) struct Placer {
    node: String,
    gossip: Gossip,
    membership: MembershipReader,
    link: Arc<NodeLink>,
    scores: LoadBalancerReader,
    /// The load one more agent adds to a node, until the next scoring.
    per_agent: u64,
    placements: Arc<HashMap<&'static str, TypePlacement>>,
    state: Mutex<State>,
    /// One placement decision per agent at a time.
    placing: Mutex<HashMap<AgentKey, Arc<tokio::sync::Mutex<()>>>>,
}

impl fmt::Debug for Placer {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let state = self.lock();
        f.debug_struct("Placer")
            .field("node", &self.node)
            .field("entries", &state.directory.len())
            .field("hosted", &state.hosted.len())
            .finish_non_exhaustive()
    }
}

impl Placer {
    pub(crate) fn new(
        gossip: Gossip,
        membership: MembershipReader,
        link: Arc<NodeLink>,
        scores: LoadBalancerReader,
        weights: LoadWeights,
        placements: Arc<HashMap<&'static str, TypePlacement>>,
    ) -> Self {
        let node = gossip.name().to_owned();
        Self {
            state: Mutex::new(State {
                directory: Directory::new(node.clone()),
                hosted: Hosted::default(),
                board: LoadBoard::default(),
                turns: HashMap::new(),
                view: None,
                reported: HashMap::new(),
            }),
            node,
            gossip,
            membership,
            link,
            scores,
            per_agent: weights.agent.max(1),
            placements,
            placing: Mutex::new(HashMap::new()),
        }
    }

    fn lock(&self) -> MutexGuard<'_, State> {
        self.state.lock().unwrap_or_else(PoisonError::into_inner)
    }

    fn me(&self) -> Incarnation {
        Incarnation::new(self.node.clone(), self.gossip.generation())
    }

    /// Whether `agent_type` is placed by a rule (through the directory).
    pub(crate) fn is_placed(&self, agent_type: &str) -> bool {
        self.placements.contains_key(agent_type)
    }

    /// How many directory entries and hosted agents this node has.
    pub(crate) fn counts(&self) -> (usize, usize) {
        let state = self.lock();
        (state.directory.len(), state.hosted.len())
    }

    /// Where agent `key` runs, placing it now if nobody has: called on its hash owner.
    pub(crate) async fn route(&self, key: &AgentKey) -> Result<Route, RemoteError> {
        if let Some(route) = self.lookup(key) {
            return Ok(route);
        }
        let one = self
            .placing
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .entry(key.clone())
            .or_default()
            .clone();
        let placed = {
            let _one = one.lock().await;
            self.place(key).await
        };
        let mut placing = self.placing.lock().unwrap_or_else(PoisonError::into_inner);
        // The map's and ours: nobody else is waiting.
        if Arc::strong_count(&one) == 2 {
            placing.remove(key);
        }
        placed
    }

    /// Records that `key` now runs here (a hash owner placed it here).
    pub(crate) fn hosting(&self, key: AgentKey) {
        self.lock().hosted.insert(key);
    }

    /// Forgets where `key` was placed: its host could not run it, so the next call places it
    /// again.
    pub(crate) fn misplaced(&self, key: &AgentKey) {
        if let Some(host) = self.lock().directory.forget(key) {
            tracing::debug!(agent = %key, host = %host, "directory entry dropped");
        }
    }

    fn lookup(&self, key: &AgentKey) -> Option<Route> {
        let host = self.lock().directory.lookup(key)?.clone();
        if host.node == self.node {
            return Some(Route::Here);
        }
        // The view may already hold the host lost while the directory agent has not yet
        // followed it: a miss, rather than a call to a process that is gone.
        let lost = self
            .membership
            .incarnation(&host.node)
            .is_some_and(|(generation, status)| {
                generation > host.generation || generation == host.generation && status.is_final()
            });
        if lost {
            let mut state = self.lock();
            if state.directory.lookup(key) == Some(&host) {
                state.directory.forget(key);
            }
            return None;
        }
        Some(Route::There(host.node))
    }

    fn record(&self, key: &AgentKey, node: &str) -> Route {
        let generation = if node == self.node {
            Some(self.gossip.generation())
        } else {
            self.membership
                .incarnation(node)
                .map(|(generation, _)| generation)
        };
        let mut state = self.lock();
        if let Some(generation) = generation {
            state
                .directory
                .record(key.clone(), Incarnation::new(node, generation));
        }
        if node == self.node {
            state.hosted.insert(key.clone());
            Route::Here
        } else {
            Route::There(node.to_owned())
        }
    }

    async fn place(&self, key: &AgentKey) -> Result<Route, RemoteError> {
        // Placed while this call waited for the decision of another.
        if let Some(route) = self.lookup(key) {
            return Ok(route);
        }
        let (hosted_here, unsynced) = {
            let state = self.lock();
            let unsynced: Vec<String> = state
                .directory
                .unsynced()
                .into_iter()
                .map(str::to_owned)
                .collect();
            (state.hosted.contains(key), unsynced)
        };
        if hosted_here {
            return Ok(self.record(key, &self.node));
        }
        // Nodes that have not reported since the view changed may host it already. One that
        // cannot be asked might: the call fails rather than start a second copy.
        for node in unsynced {
            match self.ask(&node, DirectoryRequest::Hosts(key.clone())).await {
                Ok(DirectoryReply::Hosts(true)) => {
                    tracing::debug!(agent = %key, %node, "found on a node that had not reported");
                    return Ok(self.record(key, &node));
                }
                Ok(_) => {}
                Err(err) => {
                    tracing::debug!(agent = %key, %node, %err, "could not ask whether it hosts an agent");
                    return Err(RemoteError::not_sent(
                        node,
                        format!("it may host `{key}` and has not reported since the view changed"),
                    ));
                }
            }
        }
        let Some(rule) = self.placements.get(key.agent_type.as_str()) else {
            return Ok(Route::Here);
        };
        let (spec, others) = rule.spec(key);
        let mut located = HashMap::new();
        for other in others {
            if let Some(node) = self.locate(&other).await {
                located.insert(other.to_string(), node);
            }
        }
        let scores = self.scores.scores();
        let chosen = {
            let mut state = self.lock();
            let candidates = if scores.version == 0 {
                // Before the load balancer's first scoring: the `up` members, unloaded.
                score_nodes(
                    &self.membership.members(),
                    None,
                    &LoadWeights::default(),
                    &Thresholds::default(),
                )
            } else {
                state.board.candidates(scores.version, &scores.candidates)
            };
            let turn = state.turns.entry(key.agent_type.clone()).or_default();
            let chosen = choose(&spec, &candidates, turn, |name| located.get(name).cloned())
                .map(str::to_owned);
            if let Some(chosen) = &chosen {
                state.board.placed_on(chosen, self.per_agent);
            }
            chosen
        };
        let Some(chosen) = chosen else {
            tracing::warn!(agent = %key, requires = ?spec.requires, "no node can host the agent");
            return Err(RemoteError::NoOwner {
                agent: key.id.clone(),
            });
        };
        tracing::debug!(agent = %key, node = %chosen, "placed");
        Ok(self.record(key, &chosen))
    }

    /// Where `other` runs (for affinity): a placed type's directory entry on its hash owner,
    /// or an unplaced type's hash owner.
    async fn locate(&self, other: &AgentKey) -> Option<String> {
        let owner = self
            .membership
            .placement()
            .owner(&other.placement_key())?
            .to_owned();
        if !self.is_placed(&other.agent_type) {
            return Some(owner);
        }
        if owner == self.node {
            let state = self.lock();
            return state.directory.lookup(other).map(|h| h.node.clone());
        }
        match self
            .ask(&owner, DirectoryRequest::Locate(other.clone()))
            .await
        {
            Ok(DirectoryReply::Located(node)) => node,
            Ok(_) => None,
            Err(err) => {
                tracing::debug!(agent = %other, %owner, %err, "could not locate an agent");
                None
            }
        }
    }

    /// Follows the membership view: when it changed, the directory drops the entries of lost
    /// hosts and of keys owned elsewhere now; then every owner that has not acknowledged this
    /// node's report under the current view gets it (retried on the next call until it does).
    pub(crate) async fn follow_membership(&self) {
        let members = self.membership.members();
        let view = ViewId::of(&members);
        let me = self.me();
        let due = {
            let mut state = self.lock();
            let pending = members
                .iter()
                .filter(|m| m.status.owns_agents())
                .any(|m| state.reported.get(&m.node) != Some(&view));
            if state.view == Some(view) && !pending {
                return;
            }
            if state.view != Some(view) {
                state.view = Some(view);
                let change = state.directory.membership_changed(&members);
                if !change.lost.is_empty() || !change.moved.is_empty() {
                    tracing::info!(
                        node = %self.node,
                        lost = change.lost.len(),
                        moved = change.moved.len(),
                        "the directory follows the membership"
                    );
                }
            }
            let reports = state.hosted.reports(&me, &members);
            reports
                .into_iter()
                .filter(|(owner, _)| state.reported.get(owner) != Some(&view))
                .collect::<Vec<_>>()
        };
        for (owner, report) in due {
            if owner == self.node {
                self.adopt(report);
                self.lock().reported.insert(owner, view);
                continue;
            }
            match self.ask(&owner, DirectoryRequest::Report(report)).await {
                Ok(DirectoryReply::Adopted) => {
                    self.lock().reported.insert(owner, view);
                }
                Ok(other) => {
                    tracing::warn!(%owner, ?other, "unexpected answer to a host report")
                }
                Err(err) => {
                    tracing::debug!(%owner, %err, "host report not delivered; will retry")
                }
            }
        }
    }

    fn adopt(&self, report: mabeam_core::placement::HostReport) {
        let losers = self.lock().directory.adopt(report);
        for (agent, host) in losers {
            tracing::warn!(
                %agent, %host,
                "an agent was placed twice during a change of view; the directory keeps the other copy"
            );
        }
    }

    /// Serves a directory request from another node (the [`PROTOCOL`] of the placement
    /// service): the encoded [`DirectoryReply`]. An `Activate` runs the call on `host` here,
    /// without a directory lookup (the agent's hash owner placed it here).
    pub(crate) async fn serve(&self, host: &Host, request: &[u8]) -> Result<Vec<u8>, RemoteError> {
        let answer = self.answer(host, request).await;
        if let Err(err) = &answer {
            tracing::debug!(node = %self.node, %err, "directory request failed");
        }
        codec::encode(&answer?).map_err(|err| RemoteError::Encode {
            what: "a directory answer".to_owned(),
            reason: err.to_string(),
        })
    }

    async fn answer(&self, host: &Host, request: &[u8]) -> Result<DirectoryReply, RemoteError> {
        let decode_err = |what: &str, err: &dyn fmt::Display| RemoteError::Decode {
            what: what.to_owned(),
            reason: err.to_string(),
        };
        let request: DirectoryRequest =
            codec::decode(request).map_err(|err| decode_err("a directory request", &err))?;
        Ok(match request {
            DirectoryRequest::Hosts(key) => {
                DirectoryReply::Hosts(self.lock().hosted.contains(&key))
            }
            DirectoryRequest::Locate(key) => DirectoryReply::Located(
                self.lock()
                    .directory
                    .lookup(&key)
                    .map(|host| host.node.clone()),
            ),
            DirectoryRequest::Report(report) => {
                self.adopt(report);
                DirectoryReply::Adopted
            }
            DirectoryRequest::Activate(bytes) => {
                let envelope =
                    Envelope::decode(&bytes).map_err(|err| decode_err("an envelope", &err))?;
                let (tx, rx) = tokio::sync::oneshot::channel();
                let reply = match envelope.kind {
                    Kind::Call => {
                        let agent = envelope.agent.to_owned();
                        WireReply::new(move |outcome| {
                            let _ = tx.send(outcome_bytes(&agent, outcome));
                        })
                    }
                    Kind::Cast => WireReply::detached(),
                    Kind::Signal => {
                        return Err(decode_err("a forwarded call", &"it carries a signal"));
                    }
                };
                if self.is_placed(envelope.agent_type) {
                    self.hosting(AgentKey::new(envelope.agent_type, envelope.agent));
                }
                if let Some(reply) =
                    host.deliver(envelope.agent_type, envelope.agent, envelope.request, reply)
                {
                    host.activate_and_deliver(&envelope, reply).await;
                }
                match envelope.kind {
                    Kind::Call => DirectoryReply::Served(rx.await.unwrap_or_else(|_| {
                        error_bytes(&RemoteError::agent_failed(
                            envelope.agent,
                            RemoteError::STOPPED,
                        ))
                    })),
                    Kind::Cast | Kind::Signal => DirectoryReply::Served(Vec::new()),
                }
            }
        })
    }

    /// Relays a call or cast that reached this node, the hash owner of a strategy-placed
    /// agent, to `host`, where the agent was placed; the host's outcome goes to `reply`.
    pub(crate) async fn relay(
        &self,
        host: &str,
        key: &AgentKey,
        envelope: &Envelope<'_>,
        reply: WireReply,
    ) {
        let wait = envelope.timeout_ms.map_or(DEFAULT_CALL_TIMEOUT, |ms| {
            Duration::from_millis(u64::from(ms))
        }) + FORWARD_MARGIN;
        let mut bytes = Vec::with_capacity(16 + envelope.request.len());
        let timeout = envelope.timeout_ms.map(u64::from);
        if let Err(err) = wire::write_envelope(
            &mut bytes,
            envelope.kind,
            envelope.agent_type,
            envelope.agent,
            timeout,
        ) {
            return fail(
                reply,
                RemoteError::Encode {
                    what: "the envelope".to_owned(),
                    reason: err.to_string(),
                },
            );
        }
        bytes.extend_from_slice(envelope.request);
        match self.forward(host, key, bytes, wait).await {
            Ok(outcome) => reply.send(Ok(outcome)),
            Err(err) => fail(reply, err),
        }
    }

    /// Runs the call or cast `envelope` (encoded) on `node`, where `key`'s hash owner placed
    /// it, and returns the call's outcome bytes (nothing for a cast, once it is delivered).
    /// If `node` cannot run it (it does not know the type, or the activation failed), the
    /// directory entry goes, so the next call places the agent again.
    pub(crate) async fn forward(
        &self,
        node: &str,
        key: &AgentKey,
        envelope: Vec<u8>,
        wait: Duration,
    ) -> Result<Vec<u8>, RemoteError> {
        if self.membership.is_unreachable(node) {
            return Err(RemoteError::not_sent(
                node,
                "unreachable (not yet declared down)",
            ));
        }
        match self
            .ask_within(node, DirectoryRequest::Activate(envelope), wait)
            .await
        {
            Ok(DirectoryReply::Served(outcome)) => {
                // The host could not run it: place it again on the next call.
                if let Ok(Err(error)) = wire::decode_outcome(&outcome) {
                    if let Ok(
                        RemoteError::UnknownAgentType { .. } | RemoteError::NotRunning { .. },
                    ) = codec::decode::<RemoteError>(error)
                    {
                        self.misplaced(key);
                    }
                }
                Ok(outcome)
            }
            Ok(other) => Err(RemoteError::Decode {
                what: "the answer to a forwarded call".to_owned(),
                reason: format!("unexpected {other:?}"),
            }),
            Err(RemoteError::Timeout { after_ms, .. }) => Err(RemoteError::Timeout {
                agent: key.id.clone(),
                after_ms,
            }),
            Err(err) => {
                if matches!(
                    err,
                    RemoteError::UnknownAgentType { .. } | RemoteError::NotRunning { .. }
                ) {
                    self.misplaced(key);
                }
                Err(err)
            }
        }
    }

    /// Sends `request` to `node`'s gateway and waits for the answer.
    pub(crate) async fn ask(
        &self,
        node: &str,
        request: DirectoryRequest,
    ) -> Result<DirectoryReply, RemoteError> {
        self.ask_within(node, request, ASK_TIMEOUT).await
    }

    /// [`ask`](Self::ask) with a wait of `wait`.
    pub(crate) async fn ask_within(
        &self,
        node: &str,
        request: DirectoryRequest,
        wait: Duration,
    ) -> Result<DirectoryReply, RemoteError> {
        let bytes = codec::encode(&request).map_err(|err| RemoteError::Encode {
            what: "a directory request".to_owned(),
            reason: err.to_string(),
        })?;
        let answer = self.link.call_protocol(node, PROTOCOL, bytes, wait).await?;
        codec::decode(&answer).map_err(|err| RemoteError::Decode {
            what: "a directory answer".to_owned(),
            reason: err.to_string(),
        })
    }
}
