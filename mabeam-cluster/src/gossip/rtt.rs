use std::collections::HashMap;
use std::net::SocketAddr;
use std::sync::{Arc, PoisonError, RwLock};
use std::time::Duration;

/// Smoothed heartbeat round-trip times per peer gossip address, measured by the gossip
/// transport (a SYN sent to a peer, its SYN-ACK received). Cheap to clone.
///
/// Smoothing as TCP's SRTT (RFC 6298): `srtt = 7/8 srtt + 1/8 sample`.
///
/// ```
/// use std::time::Duration;
/// use mabeam_cluster::gossip::RttTable;
///
/// let table = RttTable::default();
/// let peer = "127.0.0.1:7001".parse().unwrap();
/// table.record(peer, Duration::from_millis(8));
/// table.record(peer, Duration::from_millis(16));
/// assert_eq!(table.get(peer), Some(Duration::from_millis(9)));
/// ```
#[derive(Debug, Clone, Default)]
pub struct RttTable {
    smoothed: Arc<RwLock<HashMap<SocketAddr, Duration>>>,
}

impl RttTable {
    /// Folds in one round-trip sample for `peer`.
    pub fn record(&self, peer: SocketAddr, sample: Duration) {
        let mut table = self
            .smoothed
            .write()
            .unwrap_or_else(PoisonError::into_inner);
        table
            .entry(peer)
            .and_modify(|srtt| *srtt = (*srtt * 7 + sample) / 8)
            .or_insert(sample);
    }

    /// The smoothed round trip to `peer`, if measured.
    pub fn get(&self, peer: SocketAddr) -> Option<Duration> {
        self.smoothed
            .read()
            .unwrap_or_else(PoisonError::into_inner)
            .get(&peer)
            .copied()
    }
}
