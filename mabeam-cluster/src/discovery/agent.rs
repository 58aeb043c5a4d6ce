//! The discovery agent (I/O and dispatch; the decisions are in [`state`](super::state)).

use std::collections::BTreeSet;
use std::fmt;
use std::net::SocketAddr;
use std::sync::Arc;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use futures::{Stream, StreamExt};
use mabeam_actors::agent;
use mabeam_core::discovery::{Beacon, BeaconKey};

use super::beacon_socket::BeaconSocket;
use super::lookup::Lookups;
use super::state::{DiscoveryState, Source, UNANSWERED_AFTER};
use super::strategy::Strategy;
use crate::gossip::Gossip;

/// The discovery agent, `mabeam.discovery`: runs the node's [`Discovery`](super::Discovery)
/// strategies every discovery interval and asks the gossip layer to contact every discovered
/// address that is not a live member yet. See the [module docs](crate::discovery).
pub(crate) struct DiscoveryAgent {
    me: String,
    gossip_addr: SocketAddr,
    interval: Duration,
    strategies: Arc<[Strategy]>,
    lookups: Lookups,
    beacons: Option<Beacons>,
    gossip: Gossip,
    state: DiscoveryState,
}

/// The multicast strategy's parts.
#[derive(Debug, Clone)]
pub(crate) struct Beacons {
    /// Its position among the strategies.
    pub(crate) source: Source,
    pub(crate) socket: BeaconSocket,
    pub(crate) key: BeaconKey,
    /// The beacons' max age.
    pub(crate) max_age: Duration,
}

/// A lookup strategy's outcome.
#[derive(Debug)]
pub(crate) struct Looked {
    source: Source,
    result: Result<Vec<SocketAddr>, String>,
}

/// A datagram received on the multicast group.
#[derive(Debug)]
pub(crate) struct Datagram {
    bytes: Vec<u8>,
    from: SocketAddr,
}

impl fmt::Debug for DiscoveryAgent {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("DiscoveryAgent")
            .field("me", &self.me)
            .field("strategies", &self.strategies)
            .field("state", &self.state)
            .finish_non_exhaustive()
    }
}

impl DiscoveryAgent {
    pub(crate) fn new(
        me: String,
        gossip_addr: SocketAddr,
        interval: Duration,
        strategies: Arc<[Strategy]>,
        lookups: Lookups,
        beacons: Option<Beacons>,
        gossip: Gossip,
    ) -> Self {
        // A heard address outlives a few missed beacons, and at most their max age.
        let heard_for = beacons
            .as_ref()
            .map_or(Duration::ZERO, |b| b.max_age.max(interval * 3));
        Self {
            me,
            gossip_addr,
            interval,
            strategies,
            lookups,
            beacons,
            gossip,
            state: DiscoveryState::new(gossip_addr, heard_for),
        }
    }

    /// The gossip addresses of the live members (this node's included).
    async fn live(&self) -> BTreeSet<SocketAddr> {
        self.gossip
            .chitchat()
            .lock()
            .await
            .live_nodes()
            .map(|id| id.gossip_advertise_addr)
            .collect()
    }

    async fn contact(&self, addr: SocketAddr) {
        tracing::debug!(peer = %addr, "gossiping with a discovered address");
        if let Err(err) = self.gossip.gossip_with(addr).await {
            tracing::debug!(peer = %addr, %err, "the gossip layer is gone");
        }
    }

    /// Logs and contacts addresses discovery did not know before (unless already members).
    async fn first_contacts(&self, new: Vec<SocketAddr>, via: &str) {
        if new.is_empty() {
            return;
        }
        let live = self.live().await;
        for addr in new {
            tracing::info!(node = %self.me, peer = %addr, via, "discovered a peer address");
            if !live.contains(&addr) {
                self.contact(addr).await;
            }
        }
    }

    /// Sends this node's beacon, if it has the multicast strategy.
    async fn announce(&mut self) {
        let Some(beacons) = &self.beacons else {
            return;
        };
        let source = beacons.source;
        let beacon = Beacon::new(self.me.clone(), self.gossip_addr, now_ms());
        let sent = match beacons.key.seal(&beacon) {
            Ok(datagram) => beacons
                .socket
                .send(&datagram)
                .await
                .map_err(|e| e.to_string()),
            Err(err) => Err(err.to_string()),
        };
        match sent {
            Ok(()) => self.recovered(source),
            Err(err) => self.failed(source, &err),
        }
    }

    fn recovered(&mut self, source: Source) {
        if let Some(failures) = self.state.succeeded(source) {
            tracing::info!(strategy = %self.strategies[source], failures, "discovery strategy works again");
        }
    }

    fn failed(&mut self, source: Source, err: &str) {
        if let Some(failures) = self.state.failed(source) {
            tracing::warn!(
                strategy = %self.strategies[source], error = err, failures,
                "discovery strategy failed; retrying every round"
            );
        }
    }
}

fn now_ms() -> u64 {
    SystemTime::now()
        .duration_since(UNIX_EPOCH)
        .map_or(0, |d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
}

#[agent(name = "mabeam.discovery", vis = "pub(crate)")]
impl DiscoveryAgent {
    /// The gossip addresses discovery currently knows of (this node's excluded): every lookup
    /// strategy's latest result and the addresses announced by fresh beacons.
    #[action]
    fn discovered(&self) -> Vec<SocketAddr> {
        self.state.discovered()
    }

    /// Every interval: announce this node, then contact what is discovered but not live.
    #[sensor(stream = "ticks")]
    async fn on_tick(&mut self, _tick: ()) {
        self.announce().await;
        let live = self.live().await;
        let round = self.state.round(&live, now_ms());
        for addr in round.unanswered {
            tracing::warn!(
                node = %self.me, peer = %addr, rounds = UNANSWERED_AFTER,
                "a discovered address has not become a member (down, of another cluster, or gossiping under another address)"
            );
        }
        for addr in round.contact {
            self.contact(addr).await;
        }
    }

    #[sensor(stream = "lookups")]
    async fn on_lookup(&mut self, looked: Looked) {
        match looked.result {
            Ok(addrs) => {
                let found = self.state.found(looked.source, addrs, now_ms());
                if let Some(failures) = found.recovered_after {
                    tracing::info!(strategy = %self.strategies[looked.source], failures, "discovery strategy works again");
                }
                let via = self.strategies[looked.source].to_string();
                self.first_contacts(found.new, &via).await;
            }
            Err(err) => self.failed(looked.source, &err),
        }
    }

    #[sensor(stream = "beacons")]
    async fn on_datagram(&mut self, datagram: Datagram) {
        let Some(beacons) = &self.beacons else {
            return;
        };
        let now = now_ms();
        match beacons.key.open(&datagram.bytes, now) {
            Ok(beacon) => {
                let new = self.state.heard(beacon.gossip_addr, now);
                let via = format!("beacon of {}", beacon.node);
                self.first_contacts(new, &via).await;
            }
            Err(reason) => {
                if let Some(dropped) = self.state.rejected(datagram.from) {
                    tracing::warn!(
                        node = %self.me, from = %datagram.from, %reason, dropped,
                        "dropped a discovery beacon"
                    );
                }
            }
        }
    }

    fn ticks(&self) -> impl Stream<Item = ()> + Send + 'static {
        let period = self.interval;
        futures::stream::unfold(true, move |first| async move {
            if !first {
                tokio::time::sleep(period).await;
            }
            Some(((), false))
        })
    }

    /// Each lookup strategy on its own schedule, so a slow one never holds up the others.
    fn lookups(&self) -> impl Stream<Item = Looked> + Send + 'static {
        let period = self.interval;
        let each = self
            .strategies
            .iter()
            .enumerate()
            .filter(|(_, strategy)| !matches!(strategy, Strategy::Multicast(_)))
            .map(|(source, strategy)| {
                let (strategy, lookups) = (strategy.clone(), self.lookups.clone());
                futures::stream::unfold(true, move |first| {
                    let (strategy, lookups) = (strategy.clone(), lookups.clone());
                    async move {
                        if !first {
                            tokio::time::sleep(period).await;
                        }
                        let result = lookups.run(&strategy).await;
                        Some((Looked { source, result }, false))
                    }
                })
                .boxed()
            })
            .collect::<Vec<_>>();
        futures::stream::select_all(each)
    }

    fn beacons(&self) -> impl Stream<Item = Datagram> + Send + 'static {
        match &self.beacons {
            Some(beacons) => beacons
                .socket
                .datagrams()
                .map(|(bytes, from)| Datagram { bytes, from })
                .boxed(),
            None => futures::stream::empty().boxed(),
        }
    }
}
