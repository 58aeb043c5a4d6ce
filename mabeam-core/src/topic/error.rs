use thiserror::Error;

/// Why a topic or topic pattern was rejected.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum TopicError {
    /// The input was the empty string.
    #[error("a topic must not be empty")]
    Empty,
    /// The input was longer than the limit.
    #[error("topic is {len} bytes long, the limit is {max}")]
    TooLong {
        /// The input's length in bytes.
        len: usize,
        /// The limit in bytes.
        max: usize,
    },
    /// Two dots in a row, or a leading or trailing dot.
    #[error("topic `{input}` has an empty segment")]
    EmptySegment {
        /// The rejected input.
        input: String,
    },
    /// A segment holds whitespace, a control character, or a `*` in a topic (or a `*` mixed
    /// with other characters in a pattern, such as `ord*`).
    #[error("topic `{input}` has an invalid character {character:?}")]
    InvalidCharacter {
        /// The rejected input.
        input: String,
        /// The first offending character.
        character: char,
    },
}
