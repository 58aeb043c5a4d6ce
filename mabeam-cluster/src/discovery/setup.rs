//! Discovery as the node builder starts it: validated first, then spawned once gossip runs.

use std::net::SocketAddr;
use std::sync::Arc;
use std::time::Duration;

use mabeam_actors::{AgentSystem, SupervisorError};
use mabeam_core::discovery::Beacon;

use super::agent::Beacons;
use super::beacon_socket::BeaconSocket;
use super::lookup::Lookups;
use super::strategy::Strategy;
use super::{Discovery, DiscoveryAgent, DiscoveryError};
use crate::gossip::Gossip;

/// The agent's registered name.
pub(crate) const AGENT_NAME: &str = "mabeam.discovery";

/// A node's discovery, validated, with its resolver built and its multicast sockets open.
#[derive(Debug)]
pub(crate) struct Setup {
    strategies: Arc<[Strategy]>,
    interval: Duration,
    lookups: Lookups,
    beacons: Option<Beacons>,
}

impl Setup {
    /// Validates the strategies of node `node` (cluster `cluster_id`, gossiping at
    /// `gossip_addr`) and prepares them; call inside the tokio runtime.
    pub(crate) fn new(
        discovery: Vec<Discovery>,
        interval: Duration,
        cluster_id: &str,
        node: &str,
        gossip_addr: SocketAddr,
    ) -> Result<Self, DiscoveryError> {
        if interval.is_zero() {
            return Err(DiscoveryError::ZeroInterval);
        }
        for strategy in &discovery {
            strategy.validate()?;
        }
        let strategies: Arc<[Strategy]> = discovery.into_iter().map(|d| d.0).collect();
        let mut multicast = strategies
            .iter()
            .enumerate()
            .filter_map(|(source, s)| match s {
                Strategy::Multicast(config) => Some((source, config)),
                _ => None,
            });
        let beacons = match (multicast.next(), multicast.next()) {
            (_, Some(_)) => return Err(DiscoveryError::SeveralMulticast),
            (None, None) => None,
            (Some((source, config)), None) => {
                let key = config.key(cluster_id)?;
                // Refuse a node name too long for a beacon now, not on every send.
                key.seal(&Beacon::new(node, gossip_addr, 0))?;
                Some(Beacons {
                    source,
                    socket: BeaconSocket::open(config)?,
                    key,
                    max_age: config.max_age_value(),
                })
            }
        };
        let lookups = Lookups::new(&strategies, interval)?;
        Ok(Self {
            strategies,
            interval,
            lookups,
            beacons,
        })
    }

    /// The static seeds, for the gossip layer's own seed list.
    pub(crate) fn seeds(&self) -> Vec<String> {
        self.strategies
            .iter()
            .filter_map(|s| match s {
                Strategy::Seed(seed) => Some(seed.clone()),
                _ => None,
            })
            .collect()
    }

    /// Spawns the discovery agent in `system`, unless the node has no strategy.
    pub(crate) async fn spawn(
        self,
        system: &AgentSystem,
        name: &str,
        gossip_addr: SocketAddr,
        gossip: Gossip,
    ) -> Result<(), SupervisorError> {
        if self.strategies.is_empty() {
            return Ok(());
        }
        let name = name.to_owned();
        system
            .spawn(AGENT_NAME, move || {
                DiscoveryAgent::new(
                    name.clone(),
                    gossip_addr,
                    self.interval,
                    self.strategies.clone(),
                    self.lookups.clone(),
                    self.beacons.clone(),
                    gossip.clone(),
                )
            })
            .await?;
        Ok(())
    }
}
