use super::{WireError, MAX_ID_LEN, MAX_TYPE_LEN, WIRE_VERSION};

/// What an envelope asks of the node it reaches.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[repr(u8)]
pub enum Kind {
    /// A request whose result goes back to the caller.
    Call = 1,
    /// A request whose result nobody waits for.
    Cast = 2,
    /// A signal to publish on the receiving node's bus (body: a [`WireSignal`](super::WireSignal)).
    Signal = 3,
}

impl Kind {
    fn from_byte(byte: u8) -> Result<Self, WireError> {
        match byte {
            1 => Ok(Kind::Call),
            2 => Ok(Kind::Cast),
            3 => Ok(Kind::Signal),
            other => Err(WireError::UnknownKind(other)),
        }
    }
}

/// A decoded envelope, borrowing from the bytes it was read from.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Envelope<'a> {
    /// What is asked.
    pub kind: Kind,
    /// How long the agent may take, in ms (`None`: the owner's default).
    pub timeout_ms: Option<u32>,
    /// The agent type (`Agent::agent_type`); empty for a signal.
    pub agent_type: &'a str,
    /// The agent's id; empty for a signal.
    pub agent: &'a str,
    /// The request in the agent type's wire form (or the encoded signal).
    pub request: &'a [u8],
}

/// Writes an envelope's header to `out`; the request bytes follow it (append them to `out`).
///
/// Fails if the type or id is too long for the format ([`MAX_TYPE_LEN`], [`MAX_ID_LEN`]).
/// A timeout of `u32::MAX` ms or more is sent as the largest that fits.
pub fn write_envelope(
    out: &mut Vec<u8>,
    kind: Kind,
    agent_type: &str,
    agent: &str,
    timeout_ms: Option<u64>,
) -> Result<(), WireError> {
    if agent_type.len() > MAX_TYPE_LEN {
        return Err(WireError::TooLong {
            what: "agent type",
            len: agent_type.len(),
            max: MAX_TYPE_LEN,
        });
    }
    if agent.len() > MAX_ID_LEN {
        return Err(WireError::TooLong {
            what: "agent id",
            len: agent.len(),
            max: MAX_ID_LEN,
        });
    }
    let timeout = match timeout_ms {
        None => u32::MAX,
        Some(ms) => ms.min(u64::from(u32::MAX - 1)) as u32,
    };
    out.reserve(9 + agent_type.len() + agent.len());
    out.push(WIRE_VERSION);
    out.push(kind as u8);
    out.extend_from_slice(&timeout.to_le_bytes());
    out.push(agent_type.len() as u8);
    out.extend_from_slice(agent_type.as_bytes());
    out.extend_from_slice(&(agent.len() as u16).to_le_bytes());
    out.extend_from_slice(agent.as_bytes());
    Ok(())
}

/// Reads `n` bytes off the front of `input`.
pub(super) fn take<'a>(
    input: &mut &'a [u8],
    n: usize,
    what: &'static str,
) -> Result<&'a [u8], WireError> {
    if input.len() < n {
        return Err(WireError::Truncated(what));
    }
    let (head, rest) = input.split_at(n);
    *input = rest;
    Ok(head)
}

pub(super) fn version(input: &mut &[u8]) -> Result<(), WireError> {
    let found = take(input, 1, "the version")?[0];
    if found != WIRE_VERSION {
        return Err(WireError::UnsupportedVersion {
            found,
            supported: WIRE_VERSION,
        });
    }
    Ok(())
}

impl<'a> Envelope<'a> {
    /// Reads an envelope written by [`write_envelope`] (plus its request bytes).
    pub fn decode(bytes: &'a [u8]) -> Result<Self, WireError> {
        let mut input = bytes;
        version(&mut input)?;
        let kind = Kind::from_byte(take(&mut input, 1, "the kind")?[0])?;
        let timeout = take(&mut input, 4, "the timeout")?;
        let timeout = u32::from_le_bytes([timeout[0], timeout[1], timeout[2], timeout[3]]);
        let type_len = usize::from(take(&mut input, 1, "the type length")?[0]);
        let agent_type = std::str::from_utf8(take(&mut input, type_len, "the agent type")?)
            .map_err(|_| WireError::NotUtf8("agent type"))?;
        let id_len = take(&mut input, 2, "the id length")?;
        let id_len = usize::from(u16::from_le_bytes([id_len[0], id_len[1]]));
        let agent = std::str::from_utf8(take(&mut input, id_len, "the agent id")?)
            .map_err(|_| WireError::NotUtf8("agent id"))?;
        Ok(Self {
            kind,
            timeout_ms: (timeout != u32::MAX).then_some(timeout),
            agent_type,
            agent,
            request: input,
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn envelope(kind: Kind, ty: &str, id: &str, timeout: Option<u64>, request: &[u8]) -> Vec<u8> {
        let mut out = Vec::new();
        write_envelope(&mut out, kind, ty, id, timeout).unwrap();
        out.extend_from_slice(request);
        out
    }

    #[test]
    fn a_type_name_too_long_for_the_format_is_refused() {
        let long = "t".repeat(MAX_TYPE_LEN + 1);
        let err = write_envelope(&mut Vec::new(), Kind::Cast, &long, "a", None).unwrap_err();
        assert!(matches!(
            err,
            WireError::TooLong {
                what: "agent type",
                ..
            }
        ));
    }

    #[test]
    fn a_huge_timeout_is_clamped_not_taken_for_the_default() {
        let bytes = envelope(Kind::Call, "t", "a", Some(u64::MAX), b"");
        assert_eq!(
            Envelope::decode(&bytes).unwrap().timeout_ms,
            Some(u32::MAX - 1)
        );
    }

    #[test]
    fn every_truncation_of_an_envelope_is_an_error() {
        let bytes = envelope(Kind::Call, "counter", "c-1", Some(5), b"");
        for cut in 0..bytes.len() {
            assert!(Envelope::decode(&bytes[..cut]).is_err(), "cut at {cut}");
        }
    }

    #[test]
    fn another_version_or_kind_is_a_typed_error() {
        let mut bytes = envelope(Kind::Call, "t", "a", None, b"x");
        bytes[1] = 9;
        assert_eq!(Envelope::decode(&bytes), Err(WireError::UnknownKind(9)));
        bytes[0] = 7;
        assert!(matches!(
            Envelope::decode(&bytes),
            Err(WireError::UnsupportedVersion { found: 7, .. })
        ));
    }

    proptest! {
        #[test]
        fn envelopes_round_trip(
            kind in prop_oneof![Just(Kind::Call), Just(Kind::Cast), Just(Kind::Signal)],
            ty in ".{0,40}",
            id in ".{0,80}",
            timeout in proptest::option::of(0u64..(u32::MAX as u64 - 1)),
            request in prop::collection::vec(any::<u8>(), 0..64),
        ) {
            let bytes = envelope(kind, &ty, &id, timeout, &request);
            let back = Envelope::decode(&bytes).unwrap();
            prop_assert_eq!(back.kind, kind);
            prop_assert_eq!(back.agent_type, ty.as_str());
            prop_assert_eq!(back.agent, id.as_str());
            prop_assert_eq!(back.timeout_ms.map(u64::from), timeout);
            prop_assert_eq!(back.request, &request[..]);
        }

        #[test]
        fn random_bytes_never_panic(bytes in prop::collection::vec(any::<u8>(), 0..64)) {
            let _ = Envelope::decode(&bytes);
        }
    }
}
