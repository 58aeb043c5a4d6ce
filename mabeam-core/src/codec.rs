//! The versioned binary encoding mabeam uses for snapshots and wire payloads.
//!
//! A payload is one version byte followed by MessagePack with named fields (`rmp-serde`'s
//! `to_vec_named`), so a struct may gain optional fields without breaking older readers.
//! Decoding never panics: any malformed input becomes a [`CodecError`].
//!
//! ```
//! use mabeam_core::codec;
//!
//! let bytes = codec::encode(&(1u32, "two".to_string()))?;
//! assert_eq!(bytes[0], codec::FORMAT_VERSION);
//! let back: (u32, String) = codec::decode(&bytes)?;
//! assert_eq!(back, (1, "two".to_string()));
//! assert!(codec::decode::<(u32, String)>(&[codec::FORMAT_VERSION, 0xc1]).is_err());
//! # Ok::<(), codec::CodecError>(())
//! ```

use serde::de::DeserializeOwned;
use serde::Serialize;
use thiserror::Error;

/// The format version written as the first byte of every payload.
pub const FORMAT_VERSION: u8 = 1;

/// Why a value could not be encoded or decoded.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum CodecError {
    /// The value's `Serialize` impl failed.
    #[error("cannot encode: {0}")]
    Encode(#[from] rmp_serde::encode::Error),
    /// The bytes are not a valid encoding of the expected type.
    #[error("cannot decode: {0}")]
    Decode(#[from] rmp_serde::decode::Error),
    /// The input was empty.
    #[error("cannot decode an empty payload")]
    Empty,
    /// The first byte names a format this build does not read.
    #[error("unsupported format version {found} (this build reads {supported})")]
    UnsupportedVersion {
        /// The version byte found.
        found: u8,
        /// The version this build reads.
        supported: u8,
    },
}

/// Encodes `value` as [`FORMAT_VERSION`] followed by named-field MessagePack.
pub fn encode<T: Serialize + ?Sized>(value: &T) -> Result<Vec<u8>, CodecError> {
    let mut out = vec![FORMAT_VERSION];
    rmp_serde::encode::write_named(&mut out, value)?;
    Ok(out)
}

/// Appends [`FORMAT_VERSION`] and the named-field MessagePack of `value` to `out` (what
/// [`encode`] returns, without a buffer of its own).
pub fn encode_into<T: Serialize + ?Sized>(out: &mut Vec<u8>, value: &T) -> Result<(), CodecError> {
    out.push(FORMAT_VERSION);
    rmp_serde::encode::write_named(out, value)?;
    Ok(())
}

/// Decodes bytes written by [`encode`].
pub fn decode<T: DeserializeOwned>(bytes: &[u8]) -> Result<T, CodecError> {
    let (&version, body) = bytes.split_first().ok_or(CodecError::Empty)?;
    if version != FORMAT_VERSION {
        return Err(CodecError::UnsupportedVersion {
            found: version,
            supported: FORMAT_VERSION,
        });
    }
    Ok(rmp_serde::from_slice(body)?)
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;
    use serde::Deserialize;

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct V1 {
        n: u64,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct V2 {
        n: u64,
        #[serde(default)]
        label: Option<String>,
    }

    #[test]
    fn a_reader_with_a_new_optional_field_reads_the_old_payload() {
        let old = encode(&V1 { n: 4 }).unwrap();
        assert_eq!(decode::<V2>(&old).unwrap(), V2 { n: 4, label: None });
    }

    #[test]
    fn an_unknown_version_byte_is_a_typed_error() {
        let mut bytes = encode(&V1 { n: 4 }).unwrap();
        bytes[0] = 9;
        assert!(matches!(
            decode::<V1>(&bytes),
            Err(CodecError::UnsupportedVersion { found: 9, .. })
        ));
        assert!(matches!(decode::<V1>(&[]), Err(CodecError::Empty)));
    }

    proptest! {
        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = decode::<V2>(&bytes);
        }

        #[test]
        fn values_round_trip(n in any::<u64>(), label in proptest::option::of(".{0,8}")) {
            let v = V2 { n, label };
            prop_assert_eq!(decode::<V2>(&encode(&v).unwrap()).unwrap(), v);
        }
    }
}
