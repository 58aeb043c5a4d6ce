//! Outcome bytes, as they travel back to a caller: `OUTCOME_OK` and the result, or
//! `OUTCOME_ERR` and an encoded [`RemoteError`] ([`mabeam_core::wire`] has the layout).

use mabeam_actors::{ServeError, WireReply};
use mabeam_core::codec;
use mabeam_core::wire::{self, OUTCOME_OK};

use super::RemoteError;

/// The outcome bytes for a caller of `agent`: the agent's (already outcome bytes), or its
/// error encoded.
pub(crate) fn outcome_bytes(agent: &str, outcome: Result<Vec<u8>, ServeError>) -> Vec<u8> {
    match outcome {
        Ok(bytes) => bytes,
        Err(err) => error_bytes(&RemoteError::from_serve(agent, err)),
    }
}

/// A failed outcome carrying `error`.
pub(crate) fn error_bytes(error: &RemoteError) -> Vec<u8> {
    // A `RemoteError` is strings and numbers: encoding it cannot fail.
    wire::write_error(&codec::encode(error).unwrap_or_default())
}

/// The outcome bytes of a service protocol's answer.
pub(crate) fn service_outcome(answer: Result<Vec<u8>, RemoteError>) -> Vec<u8> {
    match answer {
        Ok(bytes) => {
            let mut out = Vec::with_capacity(1 + bytes.len());
            out.push(OUTCOME_OK);
            out.extend_from_slice(&bytes);
            out
        }
        Err(error) => error_bytes(&error),
    }
}

/// The result bytes an outcome carries, or the error it carries (or why it is unreadable).
pub(crate) fn outcome_result(outcome: &[u8]) -> Result<&[u8], RemoteError> {
    let decode_err = |what: &str, reason: String| RemoteError::Decode {
        what: what.to_owned(),
        reason,
    };
    match wire::decode_outcome(outcome).map_err(|e| decode_err("an outcome", e.to_string()))? {
        Ok(result) => Ok(result),
        Err(error) => Err(codec::decode::<RemoteError>(error)
            .map_err(|e| decode_err("an error", e.to_string()))?),
    }
}

/// A service protocol's answer from its outcome bytes.
pub(crate) fn decode_service_outcome(outcome: &[u8]) -> Result<Vec<u8>, RemoteError> {
    outcome_result(outcome).map(<[u8]>::to_vec)
}

/// Fails `reply` with `error`, encoded as the caller's outcome.
pub(crate) fn fail(reply: WireReply, error: RemoteError) {
    tracing::debug!(%error, "remote request failed");
    // The reply carries outcome bytes: an error outcome is as good as a result.
    reply.send(Ok(error_bytes(&error)));
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_service_answer_and_a_service_error_round_trip() {
        assert_eq!(
            decode_service_outcome(&service_outcome(Ok(b"hi".to_vec()))),
            Ok(b"hi".to_vec())
        );
        let error = RemoteError::UnknownProtocol {
            node: "n".to_owned(),
            protocol: "p".to_owned(),
        };
        assert_eq!(
            decode_service_outcome(&service_outcome(Err(error.clone()))),
            Err(error)
        );
        assert!(matches!(
            decode_service_outcome(&[9, 9]),
            Err(RemoteError::Decode { .. })
        ));
    }
}
