use std::fmt;
use std::str::FromStr;
use std::sync::Arc;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::{check_len, check_segment, TopicError};

/// A validated, dotted topic name such as `orders.eu.created`; cheap to clone.
///
/// ```
/// use mabeam_core::Topic;
///
/// let topic = Topic::new("orders.eu.created")?;
/// assert_eq!(topic.segments().collect::<Vec<_>>(), ["orders", "eu", "created"]);
/// assert!(Topic::new("orders..created").is_err());
/// assert!(Topic::new("orders.*").is_err());
/// # Ok::<(), mabeam_core::TopicError>(())
/// ```
#[derive(Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Topic(Arc<str>);

impl Topic {
    /// Validates `name`: 1 to 255 bytes, segments separated by `.`, each non-empty, with no
    /// whitespace, control characters or `*`.
    pub fn new(name: &str) -> Result<Self, TopicError> {
        check_len(name)?;
        for segment in name.split('.') {
            check_segment(name, segment)?;
        }
        Ok(Self(Arc::from(name)))
    }

    /// Parses a topic known when the program is written.
    ///
    /// # Panics
    /// When `name` is invalid: a bug in the program, not bad input.
    #[track_caller]
    pub fn from_static(name: &'static str) -> Self {
        match Self::new(name) {
            Ok(t) => t,
            Err(err) => panic!("invalid topic `{name}`: {err}"),
        }
    }

    /// The topic as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The segments, in order.
    pub fn segments(&self) -> std::str::Split<'_, char> {
        self.0.split('.')
    }
}

impl fmt::Debug for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Topic({:?})", &*self.0)
    }
}

impl fmt::Display for Topic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl FromStr for Topic {
    type Err = TopicError;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Self::new(s)
    }
}

impl TryFrom<&str> for Topic {
    type Error = TopicError;

    fn try_from(s: &str) -> Result<Self, Self::Error> {
        Self::new(s)
    }
}

impl AsRef<str> for Topic {
    fn as_ref(&self) -> &str {
        &self.0
    }
}

impl Serialize for Topic {
    fn serialize<S: Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(&self.0)
    }
}

impl<'de> Deserialize<'de> for Topic {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let s = String::deserialize(deserializer)?;
        Topic::new(&s).map_err(serde::de::Error::custom)
    }
}
