use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use thiserror::Error;

use crate::codec::{self, CodecError};

/// An agent's state, serialized with the [`codec`](crate::codec): what passivation,
/// migration, replication and restore-on-start carry.
///
/// ```
/// use mabeam_core::Snapshot;
///
/// #[derive(serde::Serialize, serde::Deserialize, PartialEq, Debug)]
/// struct Counter { n: u64 }
///
/// let snap = Snapshot::encode("counter", &Counter { n: 3 })?;
/// assert_eq!(snap.agent_type(), "counter");
/// assert_eq!(snap.decode::<Counter>()?, Counter { n: 3 });
/// # Ok::<(), mabeam_core::SnapshotError>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Snapshot {
    agent_type: String,
    bytes: Vec<u8>,
}

impl Snapshot {
    /// Encodes `state` as a snapshot of an agent of type `agent_type`.
    pub fn encode<T: Serialize + ?Sized>(
        agent_type: &str,
        state: &T,
    ) -> Result<Self, SnapshotError> {
        Ok(Self {
            agent_type: agent_type.to_owned(),
            bytes: codec::encode(state)?,
        })
    }

    /// Decodes the state.
    pub fn decode<T: DeserializeOwned>(&self) -> Result<T, SnapshotError> {
        Ok(codec::decode(&self.bytes)?)
    }

    /// The agent type the snapshot was taken from.
    pub fn agent_type(&self) -> &str {
        &self.agent_type
    }

    /// The encoded state.
    pub fn as_bytes(&self) -> &[u8] {
        &self.bytes
    }

    /// The encoded state's size in bytes.
    pub fn len(&self) -> usize {
        self.bytes.len()
    }

    /// True when the encoded state is empty (never the case for a snapshot made by
    /// [`Snapshot::encode`]).
    pub fn is_empty(&self) -> bool {
        self.bytes.is_empty()
    }
}

/// Why a snapshot could not be taken or restored.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum SnapshotError {
    /// The agent type does not implement snapshots.
    #[error("agent type `{0}` does not support snapshots")]
    Unsupported(&'static str),
    /// The snapshot was taken from another agent type.
    #[error("snapshot of `{found}` cannot restore an agent of type `{expected}`")]
    WrongType {
        /// The type the agent expected.
        expected: &'static str,
        /// The type the snapshot names.
        found: String,
    },
    /// Encoding or decoding failed.
    #[error(transparent)]
    Codec(#[from] CodecError),
}
