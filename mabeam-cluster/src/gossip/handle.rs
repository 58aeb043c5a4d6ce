use std::collections::BTreeMap;
use std::net::SocketAddr;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, PoisonError, RwLock};
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use chitchat::{
    spawn_chitchat, Chitchat, ChitchatConfig, ChitchatHandle, ChitchatId, FailureDetectorConfig,
    NodeState, ProtocolVersion,
};
use tokio::sync::{watch, Mutex};
use tokio::task::JoinHandle;

use super::transport::GossipUdp;
use super::RttTable;
#[cfg(feature = "testkit")]
use crate::link_filter::LinkFilter;

/// The live node incarnations, as chitchat reports them.
pub(crate) type LiveNodes = BTreeMap<ChitchatId, NodeState>;

/// How a node gossips; kept to start later incarnations the same way.
#[derive(Debug, Clone)]
pub(crate) struct GossipSettings {
    pub(crate) name: String,
    pub(crate) cluster_id: String,
    pub(crate) addr: SocketAddr,
    pub(crate) interval: Duration,
    pub(crate) phi_threshold: f64,
    pub(crate) seeds: Vec<String>,
    /// Links cut by fault injection (tests only).
    #[cfg(feature = "testkit")]
    pub(crate) faults: Option<LinkFilter>,
    pub(crate) rtt: RttTable,
}

/// A cheap-`Clone` handle on the node's current gossip incarnation.
#[derive(Clone)]
pub(crate) struct Gossip {
    inner: Arc<Inner>,
}

struct Inner {
    settings: GossipSettings,
    generation: AtomicU64,
    chitchat: RwLock<Arc<Mutex<Chitchat>>>,
    handle: Mutex<Option<ChitchatHandle>>,
    live: watch::Sender<LiveNodes>,
    forwarder: std::sync::Mutex<Option<JoinHandle<()>>>,
}

impl std::fmt::Debug for Gossip {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Gossip")
            .field("node", &self.inner.settings.name)
            .field("generation", &self.generation())
            .finish_non_exhaustive()
    }
}

fn now_millis() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| d.as_millis() as u64)
}

async fn spawn(
    settings: &GossipSettings,
    generation: u64,
    key_values: Vec<(String, String)>,
) -> anyhow::Result<ChitchatHandle> {
    let config = ChitchatConfig {
        chitchat_id: ChitchatId::new(settings.name.clone(), generation, settings.addr),
        cluster_id: settings.cluster_id.clone(),
        gossip_interval: settings.interval,
        listen_addr: settings.addr,
        seed_nodes: settings.seeds.clone(),
        failure_detector_config: FailureDetectorConfig {
            phi_threshold: settings.phi_threshold,
            initial_interval: settings.interval,
            max_interval: settings.interval * 10,
            ..FailureDetectorConfig::default()
        },
        marked_for_deletion_grace_period: Duration::from_secs(3600),
        catchup_callback: None,
        extra_liveness_predicate: None,
        protocol_version: ProtocolVersion::V1,
    };
    let transport = GossipUdp {
        rtt: settings.rtt.clone(),
        #[cfg(feature = "testkit")]
        filter: settings.faults.clone(),
    };
    spawn_chitchat(config, key_values, &transport).await
}

impl Gossip {
    /// Starts gossiping as a new incarnation (generation: the start time in ms).
    pub(crate) async fn start(
        settings: GossipSettings,
        key_values: Vec<(String, String)>,
    ) -> anyhow::Result<Self> {
        let generation = now_millis();
        let handle = spawn(&settings, generation, key_values).await?;
        let (live, _) = watch::channel(LiveNodes::new());
        let gossip = Self {
            inner: Arc::new(Inner {
                settings,
                generation: AtomicU64::new(generation),
                chitchat: RwLock::new(handle.chitchat()),
                handle: Mutex::new(None),
                live,
                forwarder: std::sync::Mutex::new(None),
            }),
        };
        gossip.forward(handle.chitchat(), 0).await;
        *gossip.inner.handle.lock().await = Some(handle);
        Ok(gossip)
    }

    /// The links fault injection cuts (tests only).
    #[cfg(feature = "testkit")]
    pub(crate) fn faults(&self) -> Option<LinkFilter> {
        self.inner.settings.faults.clone()
    }

    /// The current incarnation's generation.
    pub(crate) fn generation(&self) -> u64 {
        self.inner.generation.load(Ordering::Acquire)
    }

    /// The node's name.
    pub(crate) fn name(&self) -> &str {
        &self.inner.settings.name
    }

    /// The gossip interval.
    pub(crate) fn interval(&self) -> Duration {
        self.inner.settings.interval
    }

    /// Heartbeat round trips by peer gossip address.
    pub(crate) fn rtt(&self) -> &RttTable {
        &self.inner.settings.rtt
    }

    /// The current chitchat instance.
    pub(crate) fn chitchat(&self) -> Arc<Mutex<Chitchat>> {
        self.inner
            .chitchat
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// Sets a key in this node's own gossip state.
    pub(crate) async fn set_self(&self, key: &str, value: impl ToString) {
        self.chitchat()
            .lock()
            .await
            .self_node_state()
            .set(key, value);
    }

    /// The live node set, across incarnations: the receiver stays valid when the node rejoins.
    pub(crate) fn live(&self) -> watch::Receiver<LiveNodes> {
        self.inner.live.subscribe()
    }

    /// Asks the current incarnation to gossip with `addr` now (a peer found by discovery).
    pub(crate) async fn gossip_with(&self, addr: SocketAddr) -> anyhow::Result<()> {
        match &*self.inner.handle.lock().await {
            Some(handle) => handle.gossip(addr),
            None => Ok(()),
        }
    }

    /// Follows `chitchat`'s live set into the node's. A rejoined incarnation starts hearing no
    /// one: its set is forwarded once it has caught up with `caught_up` nodes, or after ten
    /// gossip intervals, so the view does not see everyone vanish for a moment.
    async fn forward(&self, chitchat: Arc<Mutex<Chitchat>>, caught_up: usize) {
        let mut from = chitchat.lock().await.live_nodes_watcher();
        let to = self.inner.live.clone();
        let patience = self.inner.settings.interval * 10;
        let task = tokio::spawn(async move {
            let started = tokio::time::Instant::now();
            loop {
                let live = from.borrow_and_update().clone();
                let remaining = patience.saturating_sub(started.elapsed());
                if live.len() >= caught_up || remaining.is_zero() {
                    to.send_replace(live);
                    break;
                }
                if let Ok(Err(_)) = tokio::time::timeout(remaining, from.changed()).await {
                    return;
                }
            }
            while from.changed().await.is_ok() {
                let live = from.borrow_and_update().clone();
                to.send_replace(live);
            }
        });
        let old = self
            .inner
            .forwarder
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .replace(task);
        if let Some(old) = old {
            old.abort();
        }
    }

    /// Replaces the current incarnation with a new one (a larger generation, the same key
    /// values); returns the new generation.
    pub(crate) async fn rejoin(&self) -> anyhow::Result<u64> {
        let mut handle = self.inner.handle.lock().await;
        let (key_values, caught_up) = {
            let chitchat = self.chitchat();
            let mut chitchat = chitchat.lock().await;
            let caught_up = chitchat.live_nodes().count();
            let kvs = chitchat
                .self_node_state()
                .key_values()
                .map(|(k, v)| (k.to_owned(), v.to_owned()))
                .collect::<Vec<_>>();
            (kvs, caught_up)
        };
        if let Some(old) = handle.take() {
            if let Err(err) = old.shutdown().await {
                tracing::warn!(node = %self.name(), error = %err, "old gossip incarnation did not stop cleanly");
            }
        }
        let generation = now_millis().max(self.generation() + 1);
        let new = spawn(&self.inner.settings, generation, key_values).await?;
        *self
            .inner
            .chitchat
            .write()
            .unwrap_or_else(PoisonError::into_inner) = new.chitchat();
        self.inner.generation.store(generation, Ordering::Release);
        self.forward(new.chitchat(), caught_up).await;
        *handle = Some(new);
        Ok(generation)
    }

    /// Stops gossiping.
    pub(crate) async fn shutdown(&self) {
        if let Some(task) = self
            .inner
            .forwarder
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
        {
            task.abort();
        }
        if let Some(handle) = self.inner.handle.lock().await.take() {
            if let Err(err) = handle.shutdown().await {
                tracing::warn!(node = %self.name(), error = %err, "gossip did not stop cleanly");
            }
        }
    }
}
