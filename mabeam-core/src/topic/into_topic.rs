use super::{Topic, TopicError};

/// Anything that names a topic: a [`Topic`] (already valid) or a string (validated).
///
/// ```
/// use mabeam_core::{IntoTopic, Topic};
///
/// assert_eq!("a.b".into_topic()?, Topic::new("a.b")?);
/// assert!("a..b".into_topic().is_err());
/// # Ok::<(), mabeam_core::TopicError>(())
/// ```
pub trait IntoTopic {
    /// Converts, validating strings.
    fn into_topic(self) -> Result<Topic, TopicError>;
}

impl IntoTopic for Topic {
    fn into_topic(self) -> Result<Topic, TopicError> {
        Ok(self)
    }
}

impl IntoTopic for &Topic {
    fn into_topic(self) -> Result<Topic, TopicError> {
        Ok(self.clone())
    }
}

impl IntoTopic for &str {
    fn into_topic(self) -> Result<Topic, TopicError> {
        Topic::new(self)
    }
}

impl IntoTopic for String {
    fn into_topic(self) -> Result<Topic, TopicError> {
        Topic::new(&self)
    }
}

impl IntoTopic for &String {
    fn into_topic(self) -> Result<Topic, TopicError> {
        Topic::new(self)
    }
}
