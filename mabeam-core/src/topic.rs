//! Dotted topic names, patterns over them, and an index from patterns to subscribers.
//!
//! A topic is a non-empty list of segments separated by `.`, such as `orders.eu.created`.
//! A pattern is a topic whose segments may also be `*` (exactly one segment) or `**` (zero or
//! more segments): `orders.*` matches `orders.eu` but not `orders` nor `orders.eu.created`;
//! `orders.**` matches all three (the AMQP `#` rule).

mod error;
mod index;
mod into_topic;
mod name;
mod pattern;

pub use error::TopicError;
pub use index::TopicIndex;
pub use into_topic::IntoTopic;
pub use name::Topic;
pub use pattern::TopicPattern;

/// Checks one literal segment; shared by topics and patterns.
fn check_segment(input: &str, segment: &str) -> Result<(), TopicError> {
    if segment.is_empty() {
        return Err(TopicError::EmptySegment {
            input: input.to_owned(),
        });
    }
    if let Some(c) = segment
        .chars()
        .find(|c| c.is_whitespace() || c.is_control() || *c == '*')
    {
        return Err(TopicError::InvalidCharacter {
            input: input.to_owned(),
            character: c,
        });
    }
    Ok(())
}

/// The longest topic or pattern accepted, in bytes.
pub(crate) const MAX_TOPIC_LEN: usize = 255;

fn check_len(input: &str) -> Result<(), TopicError> {
    if input.is_empty() {
        return Err(TopicError::Empty);
    }
    if input.len() > MAX_TOPIC_LEN {
        return Err(TopicError::TooLong {
            len: input.len(),
            max: MAX_TOPIC_LEN,
        });
    }
    Ok(())
}
