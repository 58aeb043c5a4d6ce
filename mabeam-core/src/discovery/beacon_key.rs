use std::fmt;
use std::time::Duration;

use hmac::{Hmac, KeyInit, Mac};
use sha2::Sha256;

use super::beacon::{check_field, HEADER_LEN, MAGIC, MAX_FIELD, VERSION};
use super::{Beacon, BeaconError};

type HmacSha256 = Hmac<Sha256>;

/// Length of the MAC that ends every beacon.
const MAC_LEN: usize = 32;
/// The shortest possible beacon: header, two empty strings, an IPv4 address, port, MAC.
const MIN_LEN: usize = HEADER_LEN + 1 + 1 + 1 + 4 + 2 + MAC_LEN;
/// The longest possible beacon: header, two full strings, an IPv6 address, port, MAC.
const MAX_LEN: usize = HEADER_LEN + 2 * (1 + MAX_FIELD) + 1 + 16 + 2 + MAC_LEN;

/// One cluster's beacon key: its id and the secret its nodes share. It seals beacons and
/// opens (authenticates, then checks) the ones it receives.
///
/// The maximum age (default 30 s) bounds how far a beacon's timestamp may be from the
/// receiver's clock, in either direction: it refuses replays of old beacons, and tolerates
/// that much clock skew between nodes.
///
/// ```
/// use mabeam_core::discovery::{Beacon, BeaconError, BeaconKey};
///
/// let key = BeaconKey::new("prod", b"s3cret".to_vec())?;
/// let sealed = key.seal(&Beacon::new("n1", "10.0.0.7:7000".parse().unwrap(), 42_000))?;
/// assert_eq!(key.open(&sealed, 43_000)?.node, "n1");
///
/// let other_cluster = BeaconKey::new("staging", b"s3cret".to_vec())?;
/// assert_eq!(
///     other_cluster.open(&sealed, 43_000),
///     Err(BeaconError::WrongCluster { found: "prod".into() })
/// );
/// assert_eq!(BeaconKey::new("prod", Vec::new()).unwrap_err(), BeaconError::EmptySecret);
/// # Ok::<(), BeaconError>(())
/// ```
#[derive(Clone)]
pub struct BeaconKey {
    cluster_id: String,
    secret: Vec<u8>,
    max_age: Duration,
}

impl BeaconKey {
    /// The default maximum age of a beacon.
    pub const DEFAULT_MAX_AGE: Duration = Duration::from_secs(30);

    /// A key for `cluster_id` with the shared `secret`.
    ///
    /// # Errors
    /// [`BeaconError::EmptySecret`] for an empty secret; [`BeaconError::TooLong`] for a cluster
    /// id longer than 255 bytes.
    pub fn new(
        cluster_id: impl Into<String>,
        secret: impl Into<Vec<u8>>,
    ) -> Result<Self, BeaconError> {
        let cluster_id = cluster_id.into();
        let secret = secret.into();
        if secret.is_empty() {
            return Err(BeaconError::EmptySecret);
        }
        check_field("cluster id", &cluster_id)?;
        Ok(Self {
            cluster_id,
            secret,
            max_age: Self::DEFAULT_MAX_AGE,
        })
    }

    /// How far a beacon's timestamp may be from the receiver's clock.
    pub fn max_age(mut self, max_age: Duration) -> Self {
        self.max_age = max_age;
        self
    }

    /// The cluster id.
    pub fn cluster_id(&self) -> &str {
        &self.cluster_id
    }

    /// The datagram announcing `beacon`: its encoding followed by the MAC.
    ///
    /// # Errors
    /// [`BeaconError::TooLong`] for a node name longer than 255 bytes.
    pub fn seal(&self, beacon: &Beacon) -> Result<Vec<u8>, BeaconError> {
        let mut bytes = beacon.encode(&self.cluster_id)?;
        let tag = self.mac(&bytes).finalize().into_bytes();
        bytes.extend_from_slice(&tag);
        Ok(bytes)
    }

    /// Authenticates and decodes a received datagram, at the receiver's time `now_ms`
    /// (milliseconds since the Unix epoch).
    ///
    /// # Errors
    /// In the order checked: [`BeaconError::Malformed`] (length, magic),
    /// [`BeaconError::UnsupportedVersion`], [`BeaconError::BadMac`],
    /// [`BeaconError::Malformed`] (fields), [`BeaconError::WrongCluster`],
    /// [`BeaconError::Stale`].
    pub fn open(&self, datagram: &[u8], now_ms: u64) -> Result<Beacon, BeaconError> {
        if datagram.len() < MIN_LEN {
            return Err(BeaconError::Malformed("too short"));
        }
        if datagram.len() > MAX_LEN {
            return Err(BeaconError::Malformed("too long"));
        }
        if !datagram.starts_with(MAGIC) {
            return Err(BeaconError::Malformed("not a mabeam beacon"));
        }
        let version = datagram[MAGIC.len()];
        if version != VERSION {
            return Err(BeaconError::UnsupportedVersion {
                found: version,
                supported: VERSION,
            });
        }
        let (body, tag) = datagram.split_at(datagram.len() - MAC_LEN);
        // Constant-time comparison.
        self.mac(body)
            .verify_slice(tag)
            .map_err(|_| BeaconError::BadMac)?;
        let (cluster_id, beacon) = Beacon::decode(body)?;
        if cluster_id != self.cluster_id {
            return Err(BeaconError::WrongCluster { found: cluster_id });
        }
        let max_age_ms = u64::try_from(self.max_age.as_millis()).unwrap_or(u64::MAX);
        if beacon.timestamp_ms.abs_diff(now_ms) > max_age_ms {
            return Err(BeaconError::Stale {
                timestamp_ms: beacon.timestamp_ms,
                now_ms,
            });
        }
        Ok(beacon)
    }

    fn mac(&self, bytes: &[u8]) -> HmacSha256 {
        let mut mac =
            HmacSha256::new_from_slice(&self.secret).expect("HMAC takes a key of any length");
        mac.update(bytes);
        mac
    }
}

impl fmt::Debug for BeaconKey {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("BeaconKey")
            .field("cluster_id", &self.cluster_id)
            .field("secret", &"<redacted>")
            .field("max_age", &self.max_age)
            .finish()
    }
}

#[cfg(test)]
mod tests {
    use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

    use super::*;
    use proptest::prelude::*;

    const NOW: u64 = 1_700_000_000_000;

    fn key() -> BeaconKey {
        BeaconKey::new("mabeam", b"s3cret".to_vec()).unwrap()
    }

    fn sealed() -> Vec<u8> {
        key()
            .seal(&Beacon::new("n1", "127.0.0.1:7000".parse().unwrap(), NOW))
            .unwrap()
    }

    fn addr() -> impl Strategy<Value = SocketAddr> {
        prop_oneof![
            (any::<u32>(), any::<u16>())
                .prop_map(|(ip, port)| SocketAddr::new(IpAddr::V4(Ipv4Addr::from(ip)), port)),
            (any::<u128>(), any::<u16>())
                .prop_map(|(ip, port)| SocketAddr::new(IpAddr::V6(Ipv6Addr::from(ip)), port)),
        ]
    }

    #[test]
    fn the_limits_match_the_shortest_and_longest_beacons() {
        let v4: SocketAddr = "1.2.3.4:5".parse().unwrap();
        let v6: SocketAddr = "[::1]:5".parse().unwrap();
        let short = BeaconKey::new("", b"k".to_vec()).unwrap();
        assert_eq!(short.seal(&Beacon::new("", v4, 0)).unwrap().len(), MIN_LEN);
        let long = BeaconKey::new("c".repeat(255), b"k".to_vec()).unwrap();
        let sealed = long.seal(&Beacon::new("n".repeat(255), v6, 0)).unwrap();
        assert_eq!(sealed.len(), MAX_LEN);
        assert!(long.open(&sealed, 0).is_ok());
    }

    #[test]
    fn a_key_needs_a_secret_and_a_short_enough_cluster_id() {
        assert_eq!(
            BeaconKey::new("c", Vec::new()).unwrap_err(),
            BeaconError::EmptySecret
        );
        assert!(matches!(
            BeaconKey::new("c".repeat(256), b"k".to_vec()),
            Err(BeaconError::TooLong {
                field: "cluster id",
                ..
            })
        ));
    }

    #[test]
    fn the_secret_is_not_in_debug_output() {
        let shown = format!("{:?}", key());
        assert!(
            shown.contains("mabeam") && !shown.contains("s3cret"),
            "{shown}"
        );
    }

    #[test]
    fn header_errors_are_told_apart() {
        let mut bytes = sealed();
        bytes[MAGIC.len()] = 2;
        assert_eq!(
            key().open(&bytes, NOW),
            Err(BeaconError::UnsupportedVersion {
                found: 2,
                supported: 1
            })
        );
        assert_eq!(
            key().open(&[b'x'; MIN_LEN], NOW),
            Err(BeaconError::Malformed("not a mabeam beacon"))
        );
        assert_eq!(
            key().open(&[], NOW),
            Err(BeaconError::Malformed("too short"))
        );
        assert_eq!(
            key().open(&[0; MAX_LEN + 1], NOW),
            Err(BeaconError::Malformed("too long"))
        );
    }

    #[test]
    fn a_beacon_is_accepted_up_to_max_age_either_way_and_refused_beyond() {
        let key = key().max_age(Duration::from_secs(30));
        let bytes = sealed();
        assert!(key.open(&bytes, NOW + 30_000).is_ok());
        assert!(key.open(&bytes, NOW - 30_000).is_ok());
        assert_eq!(
            key.open(&bytes, NOW + 30_001),
            Err(BeaconError::Stale {
                timestamp_ms: NOW,
                now_ms: NOW + 30_001
            })
        );
        assert!(matches!(
            key.open(&bytes, NOW - 30_001),
            Err(BeaconError::Stale { .. })
        ));
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic_and_never_open(
            bytes in prop::collection::vec(any::<u8>(), 0..700),
            now in any::<u64>(),
        ) {
            prop_assert!(key().open(&bytes, now).is_err());
        }

        #[test]
        fn random_bytes_behind_a_valid_header_never_open(
            tail in prop::collection::vec(any::<u8>(), 0..600),
        ) {
            let mut bytes = MAGIC.to_vec();
            bytes.push(VERSION);
            bytes.extend(tail);
            prop_assert!(key().open(&bytes, NOW).is_err());
        }

        #[test]
        fn sealed_beacons_open_with_the_same_key(
            node in "[a-z0-9.@-]{0,40}",
            cluster in "[a-z0-9-]{0,20}",
            secret in prop::collection::vec(any::<u8>(), 1..64),
            addr in addr(),
            sent in 0u64..u64::MAX / 2,
            skew in 0u64..=30_000,
        ) {
            let key = BeaconKey::new(cluster, secret).unwrap();
            let beacon = Beacon::new(node, addr, sent);
            let bytes = key.seal(&beacon).unwrap();
            prop_assert_eq!(key.open(&bytes, sent + skew), Ok(beacon));
        }

        #[test]
        fn tampering_with_any_byte_fails(index in any::<prop::sample::Index>(), flip in 1u8..=255) {
            let mut bytes = sealed();
            let at = index.index(bytes.len());
            bytes[at] ^= flip;
            prop_assert!(key().open(&bytes, NOW).is_err(), "byte {} altered yet opened", at);
        }

        #[test]
        fn another_secret_fails_with_bad_mac(
            secret in prop::collection::vec(any::<u8>(), 1..64),
        ) {
            prop_assume!(secret != b"s3cret");
            let other = BeaconKey::new("mabeam", secret).unwrap();
            prop_assert_eq!(other.open(&sealed(), NOW), Err(BeaconError::BadMac));
        }

        #[test]
        fn beacons_older_or_newer_than_max_age_are_stale(
            max_age_ms in 0u64..3_600_000,
            beyond in 1u64..1_000_000,
            future in any::<bool>(),
        ) {
            let key = key().max_age(Duration::from_millis(max_age_ms));
            let now = if future { NOW - max_age_ms - beyond } else { NOW + max_age_ms + beyond };
            let result = key.open(&sealed(), now);
            prop_assert!(matches!(result, Err(BeaconError::Stale { .. })), "{:?}", result);
        }
    }
}
