//! A call's outcome: `OUTCOME_OK` then the encoded result, or `OUTCOME_ERR` then the encoded
//! error. The result is never re-encoded on its way back.

use super::WireError;

/// First byte of a successful outcome.
pub const OUTCOME_OK: u8 = 0;
/// First byte of a failed outcome.
pub const OUTCOME_ERR: u8 = 1;

/// Writes a failed outcome carrying the encoded error `error`.
pub fn write_error(error: &[u8]) -> Vec<u8> {
    let mut out = Vec::with_capacity(1 + error.len());
    out.push(OUTCOME_ERR);
    out.extend_from_slice(error);
    out
}

/// Splits an outcome: `Ok(result bytes)` or `Err(error bytes)`.
///
/// ```
/// use mabeam_core::wire::{decode_outcome, write_error, OUTCOME_OK};
///
/// assert_eq!(decode_outcome(&[OUTCOME_OK, 7]).unwrap(), Ok(&[7u8][..]));
/// assert_eq!(decode_outcome(&write_error(b"boom")).unwrap(), Err(&b"boom"[..]));
/// assert!(decode_outcome(&[]).is_err());
/// ```
#[allow(clippy::type_complexity)]
pub fn decode_outcome(bytes: &[u8]) -> Result<Result<&[u8], &[u8]>, WireError> {
    match bytes.split_first() {
        None => Err(WireError::Truncated("the outcome tag")),
        Some((&OUTCOME_OK, rest)) => Ok(Ok(rest)),
        Some((&OUTCOME_ERR, rest)) => Ok(Err(rest)),
        Some((&other, _)) => Err(WireError::UnknownOutcome(other)),
    }
}
