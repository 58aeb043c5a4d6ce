//! Every gossip key a node announces, its encoding, and typed getters: the one place that
//! knows what a node's chitchat state holds.
//!
//! | key | value | written by |
//! | --- | --- | --- |
//! | [`STATUS`] | `joining`, `up` or `leaving` ([`Announced`]) | membership, the kernel (leave) |
//! | [`TAGS`] | capability tags, comma-separated | membership (at start) |
//! | [`DOWNED`] | incarnations this node holds down, `name@generation`, comma-separated | membership |
//! | [`LEAVING_SEEN`] | incarnations this node saw announce their leave, same format | membership |
//! | [`LISTEN`] | the transport's listen address | transport (at start) |
//! | [`TYPES`] | the agent types the node hosts, [hex msgpack](encode) `Vec<String>` | registry (at start) |
//! | [`NAME_PREFIX`]`<name>` | the node's claim to a cluster-wide name, hex msgpack `Claim` | registry |
//! | [`SPEC_PREFIX`]`<name>` | a singleton's or one-per-node agent's spec, hex msgpack | registry |
//! | [`AGENTS`], [`RSS`], [`BACKLOG`], [`CPU`] | the node's [`NodeMetrics`], decimal | health |
//!
//! Keys of services added by applications must not start with `mabeam.`.

use std::net::SocketAddr;

use chitchat::NodeState;
use mabeam_core::codec::{self, CodecError};
use mabeam_core::health::NodeMetrics;
use mabeam_core::membership::Incarnation;
use serde::de::DeserializeOwned;
use serde::Serialize;
use thiserror::Error;

/// What a node announces about itself.
pub(crate) const STATUS: &str = "mabeam.status";
/// A node's capability tags.
pub(crate) const TAGS: &str = "mabeam.tags";
/// The incarnations a node holds down.
pub(crate) const DOWNED: &str = "mabeam.downed";
/// The incarnations a node has seen announce their leave (the acknowledgement a leaving node
/// waits for).
pub(crate) const LEAVING_SEEN: &str = "mabeam.leaving_seen";
/// A node's transport listen address.
pub(crate) const LISTEN: &str = "mabeam.listen";
/// The agent types a node hosts.
pub(crate) const TYPES: &str = "mabeam.types";
/// `mabeam.name.<name>`: a claim of the gossiping node to `<name>`.
pub(crate) const NAME_PREFIX: &str = "mabeam.name.";
/// `mabeam.spec.<name>`: a managed agent's spec; every node that knows it gossips it.
pub(crate) const SPEC_PREFIX: &str = "mabeam.spec.";
/// How many agents the node runs.
pub(crate) const AGENTS: &str = "mabeam.agents";
/// The node's resident memory, in bytes.
pub(crate) const RSS: &str = "mabeam.rss";
/// The longest mailbox backlog on the node.
pub(crate) const BACKLOG: &str = "mabeam.backlog";
/// The node's CPU use, in percent.
pub(crate) const CPU: &str = "mabeam.cpu";

/// The prefix of every key of the node's own services.
const RESERVED_PREFIX: &str = "mabeam.";

/// Whether `key` belongs to the node's own services (an application's service may not
/// announce it).
pub(crate) fn is_reserved(key: &str) -> bool {
    key.starts_with(RESERVED_PREFIX)
}

/// What a node announces under [`STATUS`].
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Announced {
    /// Starting: not yet part of the cluster.
    Joining,
    /// In the cluster.
    Up,
    /// Leaving gracefully.
    Leaving,
}

impl Announced {
    /// Its gossip text.
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            Self::Joining => "joining",
            Self::Up => "up",
            Self::Leaving => "leaving",
        }
    }

    fn parse(text: &str) -> Option<Self> {
        match text {
            "joining" => Some(Self::Joining),
            "up" => Some(Self::Up),
            "leaving" => Some(Self::Leaving),
            _ => None,
        }
    }
}

/// What `state` announces under [`STATUS`] (`None`: nothing, or another build's word).
pub(crate) fn status(state: &NodeState) -> Option<Announced> {
    state.get(STATUS).and_then(Announced::parse)
}

/// The [`TAGS`] value for `tags`.
pub(crate) fn tags_value(tags: &[String]) -> String {
    tags.join(",")
}

/// Whether `tag` may be announced: not empty; letters, digits, `-`, `_`, `.`, `:` and `/`
/// only (no `,`, the separator).
pub(crate) fn is_valid_tag(tag: &str) -> bool {
    !tag.is_empty()
        && tag
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "-_.:/".contains(c))
}

/// The tags `state` announces.
pub(crate) fn tags(state: &NodeState) -> impl Iterator<Item = &str> {
    state
        .get(TAGS)
        .unwrap_or_default()
        .split(',')
        .filter(|t| !t.is_empty())
}

/// The [`DOWNED`] or [`LEAVING_SEEN`] value for `incarnations`.
pub(crate) fn incarnations_value(incarnations: &[Incarnation]) -> String {
    Incarnation::format_list(incarnations)
}

/// The incarnations `state` holds down.
pub(crate) fn downed(state: &NodeState) -> Vec<Incarnation> {
    Incarnation::parse_list(state.get(DOWNED).unwrap_or_default())
}

/// The incarnations `state` saw announce their leave.
pub(crate) fn leaving_seen(state: &NodeState) -> Vec<Incarnation> {
    Incarnation::parse_list(state.get(LEAVING_SEEN).unwrap_or_default())
}

/// The transport listen address `state` announces.
pub(crate) fn listen_addr(state: &NodeState) -> Option<SocketAddr> {
    state.get(LISTEN)?.parse().ok()
}

/// Writes `metrics` into this node's `state`.
pub(crate) fn set_metrics(state: &mut NodeState, metrics: &NodeMetrics) {
    state.set(AGENTS, metrics.agents);
    state.set(RSS, metrics.rss_bytes);
    state.set(BACKLOG, metrics.largest_backlog);
    state.set(CPU, metrics.cpu_percent);
}

/// The metrics `state` announces (`None` before its first health round).
pub(crate) fn metrics(state: &NodeState) -> Option<NodeMetrics> {
    fn read<T: std::str::FromStr>(state: &NodeState, key: &str) -> Option<T> {
        state.get(key).and_then(|v| v.parse().ok())
    }
    Some(NodeMetrics {
        agents: read(state, AGENTS)?,
        rss_bytes: read(state, RSS)?,
        largest_backlog: read(state, BACKLOG).unwrap_or(0),
        cpu_percent: read(state, CPU).unwrap_or(0),
    })
}

/// Why a gossiped value could not be read.
#[derive(Debug, Error)]
pub(crate) enum GossipValueError {
    /// Not an even number of hexadecimal digits.
    #[error("not hexadecimal")]
    NotHex,
    /// The bytes are not a value of the expected type.
    #[error(transparent)]
    Codec(#[from] CodecError),
    /// A claim gossiped by one node in another node's name, or under another name's key.
    #[error("a claim of {claimed_by} to {name} under the key of {key}")]
    Misplaced {
        /// The node the claim names.
        claimed_by: String,
        /// The name it claims.
        name: String,
        /// The key it was found under.
        key: String,
    },
}

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `value` as gossip text: the versioned msgpack codec in hexadecimal (chitchat values are
/// text).
pub(crate) fn encode<T: Serialize>(value: &T) -> Result<String, CodecError> {
    let bytes = codec::encode(value)?;
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    Ok(text)
}

/// Gossip text written by [`encode`] back into a value.
pub(crate) fn decode<T: DeserializeOwned>(text: &str) -> Result<T, GossipValueError> {
    if !text.len().is_multiple_of(2) {
        return Err(GossipValueError::NotHex);
    }
    let digit = |c: u8| char::from(c).to_digit(16).ok_or(GossipValueError::NotHex);
    let bytes = text
        .as_bytes()
        .chunks(2)
        .map(|pair| Ok(((digit(pair[0])? << 4) | digit(pair[1])?) as u8))
        .collect::<Result<Vec<u8>, GossipValueError>>()?;
    Ok(codec::decode(&bytes)?)
}

#[cfg(test)]
mod tests {
    use mabeam_core::names::Claim;

    use super::*;

    #[test]
    fn values_round_trip_and_garbage_is_an_error() {
        let claim = Claim::new("leader", "n1", "leader")
            .at_epoch(3)
            .registered_at(42);
        let text = encode(&claim).unwrap();
        assert!(text.bytes().all(|b| b.is_ascii_hexdigit()));
        assert_eq!(decode::<Claim>(&text).unwrap(), claim);
        for garbage in ["abc", "zz", "é"] {
            assert!(matches!(
                decode::<Claim>(garbage),
                Err(GossipValueError::NotHex)
            ));
        }
        for wrong in ["01c1", ""] {
            assert!(matches!(
                decode::<Claim>(wrong),
                Err(GossipValueError::Codec(_))
            ));
        }
    }

    #[test]
    fn announced_statuses_round_trip_and_unknown_words_are_none() {
        for status in [Announced::Joining, Announced::Up, Announced::Leaving] {
            assert_eq!(Announced::parse(status.as_str()), Some(status));
        }
        assert_eq!(Announced::parse("dancing"), None);
    }
}
