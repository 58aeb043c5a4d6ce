//! The gateway wire format: how a request to a remote agent, a batch of fire-and-forget
//! frames, and a call's outcome are laid out in bytes.
//!
//! The header is fixed binary, not msgpack: a remote call's overhead over a raw ractor_cluster
//! RPC is mostly encoding, and the header is on every message. Payloads (requests, results,
//! errors, signals) stay in the versioned msgpack [`codec`](crate::codec), so they can evolve.
//!
//! ```text
//! envelope := VERSION kind:u8 timeout_ms:u32le type_len:u8 type id_len:u16le id request
//! batch    := VERSION count:u32le (len:u32le frame){count}
//! outcome  := 0 result | 1 error
//! ```
//!
//! `kind` is [`Kind::Call`], [`Kind::Cast`] or [`Kind::Signal`] (a signal frame's body is an
//! encoded [`WireSignal`]; its type and id are empty). A `timeout_ms` of `u32::MAX` means "the
//! owner's default". Decoding borrows from the input and never panics: anything malformed is
//! a [`WireError`].
//!
//! ```
//! use mabeam_core::wire::{self, Envelope, Kind};
//!
//! let mut bytes = Vec::new();
//! wire::write_envelope(&mut bytes, Kind::Call, "counter", "c-42", Some(250))?;
//! bytes.extend_from_slice(b"request");
//! let envelope = Envelope::decode(&bytes)?;
//! assert_eq!((envelope.agent_type, envelope.agent), ("counter", "c-42"));
//! assert_eq!((envelope.timeout_ms, envelope.request), (Some(250), &b"request"[..]));
//! # Ok::<(), wire::WireError>(())
//! ```

mod batch;
mod envelope;
mod error;
mod outcome;
mod signal;

pub use batch::{Batch, BatchBuilder, BatchLimits};
pub use envelope::{write_envelope, Envelope, Kind};
pub use error::WireError;
pub use outcome::{decode_outcome, write_error, OUTCOME_ERR, OUTCOME_OK};
pub use signal::{WireSignal, WireSignalError};

/// The version byte that starts every envelope and batch.
pub const WIRE_VERSION: u8 = 1;

/// The largest type name an envelope carries.
pub const MAX_TYPE_LEN: usize = u8::MAX as usize;

/// The largest agent id an envelope carries.
pub const MAX_ID_LEN: usize = u16::MAX as usize;
