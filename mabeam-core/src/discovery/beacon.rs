use std::net::{IpAddr, Ipv4Addr, Ipv6Addr, SocketAddr};

use super::BeaconError;

/// The first bytes of every beacon.
pub(super) const MAGIC: &[u8; 4] = b"MBBC";
/// The format version written and read.
pub(super) const VERSION: u8 = 1;
/// The longest cluster id or node name a beacon carries, in bytes.
pub(super) const MAX_FIELD: usize = u8::MAX as usize;
/// Magic, version, timestamp.
pub(super) const HEADER_LEN: usize = MAGIC.len() + 1 + 8;

/// A node's announcement: its name, where it gossips, and when it said so.
///
/// Seal it with a [`BeaconKey`](super::BeaconKey) to send it; the key adds the cluster id and
/// the MAC.
///
/// ```
/// use mabeam_core::discovery::Beacon;
///
/// let beacon = Beacon::new("n1", "127.0.0.1:7000".parse().unwrap(), 1_700_000_000_000);
/// assert_eq!(beacon.node, "n1");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub struct Beacon {
    /// The sender's node name.
    pub node: String,
    /// Where the sender gossips.
    pub gossip_addr: SocketAddr,
    /// When it was sent, in milliseconds since the Unix epoch (the sender's clock).
    pub timestamp_ms: u64,
}

impl Beacon {
    /// A beacon from `node`, gossiping at `gossip_addr`, sent at `timestamp_ms`.
    pub fn new(node: impl Into<String>, gossip_addr: SocketAddr, timestamp_ms: u64) -> Self {
        Self {
            node: node.into(),
            gossip_addr,
            timestamp_ms,
        }
    }

    /// The unsealed bytes: header, cluster id, node, address (no MAC).
    pub(super) fn encode(&self, cluster_id: &str) -> Result<Vec<u8>, BeaconError> {
        check_field("node name", &self.node)?;
        let mut out = Vec::with_capacity(HEADER_LEN + 2 + cluster_id.len() + self.node.len() + 19);
        out.extend_from_slice(MAGIC);
        out.push(VERSION);
        out.extend_from_slice(&self.timestamp_ms.to_be_bytes());
        for field in [cluster_id, &self.node] {
            // Checked above (node) and by the key (cluster id): fits in a byte.
            out.push(field.len() as u8);
            out.extend_from_slice(field.as_bytes());
        }
        match self.gossip_addr.ip() {
            IpAddr::V4(ip) => {
                out.push(4);
                out.extend_from_slice(&ip.octets());
            }
            IpAddr::V6(ip) => {
                out.push(6);
                out.extend_from_slice(&ip.octets());
            }
        }
        out.extend_from_slice(&self.gossip_addr.port().to_be_bytes());
        Ok(out)
    }

    /// Decodes the unsealed bytes (header already checked): the cluster id and the beacon.
    pub(super) fn decode(body: &[u8]) -> Result<(String, Beacon), BeaconError> {
        let mut reader = Reader { rest: body };
        let _magic_and_version = reader.take(MAGIC.len() + 1)?;
        let timestamp_ms = u64::from_be_bytes(
            reader
                .take(8)?
                .try_into()
                .map_err(|_| BeaconError::Malformed("timestamp"))?,
        );
        let cluster_id = reader.string("cluster id")?;
        let node = reader.string("node name")?;
        let ip = match reader.take(1)?[0] {
            4 => {
                let octets: [u8; 4] = reader
                    .take(4)?
                    .try_into()
                    .map_err(|_| BeaconError::Malformed("IPv4 address"))?;
                IpAddr::V4(Ipv4Addr::from(octets))
            }
            6 => {
                let octets: [u8; 16] = reader
                    .take(16)?
                    .try_into()
                    .map_err(|_| BeaconError::Malformed("IPv6 address"))?;
                IpAddr::V6(Ipv6Addr::from(octets))
            }
            _ => return Err(BeaconError::Malformed("unknown address family")),
        };
        let port = u16::from_be_bytes(
            reader
                .take(2)?
                .try_into()
                .map_err(|_| BeaconError::Malformed("port"))?,
        );
        if !reader.rest.is_empty() {
            return Err(BeaconError::Malformed("trailing bytes"));
        }
        Ok((
            cluster_id,
            Beacon {
                node,
                gossip_addr: SocketAddr::new(ip, port),
                timestamp_ms,
            },
        ))
    }
}

/// Refuses a field longer than a beacon carries.
pub(super) fn check_field(field: &'static str, value: &str) -> Result<(), BeaconError> {
    if value.len() > MAX_FIELD {
        return Err(BeaconError::TooLong {
            field,
            len: value.len(),
            max: MAX_FIELD,
        });
    }
    Ok(())
}

struct Reader<'a> {
    rest: &'a [u8],
}

impl<'a> Reader<'a> {
    fn take(&mut self, n: usize) -> Result<&'a [u8], BeaconError> {
        if self.rest.len() < n {
            return Err(BeaconError::Malformed("truncated"));
        }
        let (head, tail) = self.rest.split_at(n);
        self.rest = tail;
        Ok(head)
    }

    fn string(&mut self, what: &'static str) -> Result<String, BeaconError> {
        let len = usize::from(self.take(1)?[0]);
        let bytes = self.take(len)?;
        String::from_utf8(bytes.to_vec()).map_err(|_| BeaconError::Malformed(what))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_address_families_round_trip() {
        for addr in ["10.1.2.3:7000", "[fe80::1]:65535"] {
            let beacon = Beacon::new("n1", addr.parse().unwrap(), u64::MAX);
            let body = beacon.encode("c").unwrap();
            assert_eq!(Beacon::decode(&body), Ok(("c".to_owned(), beacon)));
        }
    }

    #[test]
    fn an_over_long_node_name_is_refused_not_truncated() {
        let beacon = Beacon::new("x".repeat(256), "10.1.2.3:7000".parse().unwrap(), 0);
        assert_eq!(
            beacon.encode("c"),
            Err(BeaconError::TooLong {
                field: "node name",
                len: 256,
                max: 255
            })
        );
        let longest = Beacon::new("x".repeat(255), "10.1.2.3:7000".parse().unwrap(), 0);
        let body = longest.encode(&"c".repeat(255)).unwrap();
        assert_eq!(Beacon::decode(&body).unwrap().1, longest);
    }

    #[test]
    fn truncated_trailing_and_unknown_family_bodies_are_malformed() {
        let body = Beacon::new("n1", "10.1.2.3:7000".parse().unwrap(), 5)
            .encode("c")
            .unwrap();
        for cut in 0..body.len() {
            assert!(matches!(
                Beacon::decode(&body[..cut]),
                Err(BeaconError::Malformed(_))
            ));
        }
        let mut longer = body.clone();
        longer.push(0);
        assert_eq!(
            Beacon::decode(&longer),
            Err(BeaconError::Malformed("trailing bytes"))
        );
        let mut family = body;
        let at = HEADER_LEN + 2 + 1 + 2; // after "c" and "n1"
        assert_eq!(family[at], 4);
        family[at] = 5;
        assert_eq!(
            Beacon::decode(&family),
            Err(BeaconError::Malformed("unknown address family"))
        );
    }
}
