use thiserror::Error;

/// Why an agent system could not start.
#[derive(Debug, Error)]
#[non_exhaustive]
pub enum StartError {
    /// The root supervisor failed to start.
    #[error("the root supervisor failed to start: {0}")]
    Root(String),
    /// The configuration was rejected.
    #[error(transparent)]
    Spec(#[from] crate::supervisor::SpecError),
}
