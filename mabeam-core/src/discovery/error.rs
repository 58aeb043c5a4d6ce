use thiserror::Error;

/// Why a beacon could not be sealed or opened, or a key could not be made.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum BeaconError {
    /// [`BeaconKey::new`](super::BeaconKey::new) was given an empty secret.
    #[error("the beacon secret must not be empty")]
    EmptySecret,
    /// A cluster id or node name is longer than a beacon can carry.
    #[error("{field} is {len} bytes long, a beacon carries at most {max}")]
    TooLong {
        /// `"cluster id"` or `"node name"`.
        field: &'static str,
        /// Its length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// The datagram is not a beacon: too short or too long, wrong magic, or (with a valid MAC)
    /// fields that do not decode.
    #[error("not a well-formed beacon: {0}")]
    Malformed(&'static str),
    /// A beacon of a format version this code does not read.
    #[error("beacon format version {found} is not supported (this node reads {supported})")]
    UnsupportedVersion {
        /// The version byte found.
        found: u8,
        /// The version this code reads.
        supported: u8,
    },
    /// The MAC does not match: sealed with another secret, or altered on the way.
    #[error("the beacon's MAC does not match (another secret, or altered)")]
    BadMac,
    /// An authentic beacon of another cluster (same secret, other cluster id).
    #[error("the beacon is from cluster `{found}`")]
    WrongCluster {
        /// The cluster id in the beacon.
        found: String,
    },
    /// The beacon's timestamp is further from now than the key's maximum age, in either
    /// direction: an old (possibly replayed) beacon, or a sender whose clock is far off.
    #[error("the beacon is stale: sent at {timestamp_ms} ms, now is {now_ms} ms")]
    Stale {
        /// The beacon's timestamp (ms since the Unix epoch).
        timestamp_ms: u64,
        /// The receiver's time (ms since the Unix epoch).
        now_ms: u64,
    },
}
