use thiserror::Error;

/// Why bytes are not a well-formed envelope, batch or outcome, or why a value does not fit one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum WireError {
    /// The input ended before the part named.
    #[error("truncated: the input ends inside {0}")]
    Truncated(&'static str),
    /// The first byte names a wire format this build does not read.
    #[error("unsupported wire version {found} (this build reads {supported})")]
    UnsupportedVersion {
        /// The version byte found.
        found: u8,
        /// The version this build reads.
        supported: u8,
    },
    /// The kind byte is not a known frame kind.
    #[error("unknown frame kind {0}")]
    UnknownKind(u8),
    /// The agent type or id is not UTF-8.
    #[error("the {0} is not UTF-8")]
    NotUtf8(&'static str),
    /// The agent type or id is longer than the format carries.
    #[error("the {what} is {len} bytes long; at most {max} fit")]
    TooLong {
        /// What is too long.
        what: &'static str,
        /// Its length.
        len: usize,
        /// The limit.
        max: usize,
    },
    /// A batch announces more frames than its bytes can hold, or bytes follow its last frame.
    #[error("malformed batch: {0}")]
    MalformedBatch(&'static str),
    /// An outcome's first byte is neither success nor error.
    #[error("unknown outcome tag {0}")]
    UnknownOutcome(u8),
}
