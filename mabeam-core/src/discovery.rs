//! Discovery beacons: the datagram a node sends to a multicast group to announce itself, so
//! that nodes on one network find each other without seeds (libcluster's Gossip strategy).
//!
//! A [`Beacon`] says "node `n1` of cluster `c` gossips at `addr`, at time `t`". A
//! [`BeaconKey`] holds a cluster's id and shared secret: it seals a beacon (binary encoding plus
//! an HMAC-SHA256 over all of it) and opens one, which checks, in order, the format, the MAC,
//! the cluster id and the timestamp (a beacon older or newer than the key's maximum age is
//! refused, so a captured beacon cannot be replayed later). Every failure is a
//! [`BeaconError`]; no input panics.
//!
//! ```
//! use std::time::Duration;
//! use mabeam_core::discovery::{Beacon, BeaconError, BeaconKey};
//!
//! let key = BeaconKey::new("prod", b"s3cret".to_vec())?.max_age(Duration::from_secs(30));
//! let addr = "10.0.0.7:7000".parse().unwrap();
//! let sealed = key.seal(&Beacon::new("n1", addr, 1_000_000))?;
//!
//! let opened = key.open(&sealed, 1_004_000)?;
//! assert_eq!((opened.node.as_str(), opened.gossip_addr), ("n1", addr));
//!
//! let stranger = BeaconKey::new("prod", b"guess".to_vec())?;
//! assert_eq!(stranger.open(&sealed, 1_004_000), Err(BeaconError::BadMac));
//! assert!(matches!(key.open(&sealed, 1_060_000), Err(BeaconError::Stale { .. })));
//! # Ok::<(), BeaconError>(())
//! ```
//!
//! # Wire format (version 1)
//!
//! All integers big-endian; strings UTF-8, at most 255 bytes.
//!
//! | bytes | field |
//! |---|---|
//! | 4 | magic `MBBC` |
//! | 1 | version `1` |
//! | 8 | timestamp, milliseconds since the Unix epoch |
//! | 1 + n | cluster id: length, bytes |
//! | 1 + n | node name: length, bytes |
//! | 1 + 4 or 16 | gossip IP: family (`4` or `6`), address |
//! | 2 | gossip port |
//! | 32 | HMAC-SHA256 of every byte before it, keyed with the shared secret |

mod beacon;
mod beacon_key;
mod error;

pub use beacon::Beacon;
pub use beacon_key::BeaconKey;
pub use error::BeaconError;
