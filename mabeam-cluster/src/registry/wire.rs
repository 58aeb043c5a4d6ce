//! How the registry's state travels in gossip: one chitchat key per claim and per spec (so a
//! change gossips only that key), each value the versioned msgpack codec in hexadecimal
//! (chitchat values are text).

use mabeam_core::codec;
use serde::de::DeserializeOwned;
use serde::Serialize;

use super::error::GossipValueError;

/// `mabeam.name.<name>`: a claim of the gossiping node to `<name>`.
pub(crate) const NAME_PREFIX: &str = "mabeam.name.";
/// `mabeam.spec.<name>`: a managed agent's spec; every node that knows it gossips it.
pub(crate) const SPEC_PREFIX: &str = "mabeam.spec.";
/// The agent types the node hosts (a list of type names).
pub(crate) const TYPES_KEY: &str = "mabeam.types";

const DIGITS: &[u8; 16] = b"0123456789abcdef";

/// `value` as gossip text.
pub(crate) fn encode<T: Serialize>(value: &T) -> Result<String, codec::CodecError> {
    let bytes = codec::encode(value)?;
    let mut text = String::with_capacity(bytes.len() * 2);
    for byte in bytes {
        text.push(char::from(DIGITS[usize::from(byte >> 4)]));
        text.push(char::from(DIGITS[usize::from(byte & 0x0f)]));
    }
    Ok(text)
}

/// Gossip text back into a value.
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
        assert!(matches!(
            decode::<Claim>("abc"),
            Err(GossipValueError::NotHex)
        ));
        assert!(matches!(
            decode::<Claim>("zz"),
            Err(GossipValueError::NotHex)
        ));
        assert!(matches!(
            decode::<Claim>("é"),
            Err(GossipValueError::NotHex)
        ));
        assert!(matches!(
            decode::<Claim>("01c1"),
            Err(GossipValueError::Codec(_))
        ));
        assert!(matches!(
            decode::<Claim>(""),
            Err(GossipValueError::Codec(_))
        ));
    }
}
