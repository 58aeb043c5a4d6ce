use std::any::Any;

use mabeam_core::SnapshotError;
use thiserror::Error;

/// Why a [`Reply`](super::Reply) was completed without a value: what a
/// [`Reply::from_fn`](super::Reply::from_fn) sink is given instead of one.
#[derive(Debug, Clone, PartialEq, Eq, Error)]
#[non_exhaustive]
pub enum Unanswered {
    /// The reply was dropped without a value: the action chose not to answer, or the agent
    /// stopped or crashed with the action still in its mailbox.
    #[error("the reply was dropped without a value")]
    Dropped,
    /// The action panicked (see [`Reply::send_with`](super::Reply::send_with)); the panic
    /// message.
    #[error("the action panicked: {0}")]
    Panicked(String),
}

impl Unanswered {
    /// The text of a panic's payload: a `&str` or `String` payload as it is, anything else as
    /// "a non-string panic payload".
    pub(crate) fn panicked(payload: &(dyn Any + Send)) -> Self {
        let text = if let Some(text) = payload.downcast_ref::<&str>() {
            (*text).to_owned()
        } else if let Some(text) = payload.downcast_ref::<String>() {
            text.clone()
        } else {
            "a non-string panic payload".to_owned()
        };
        Self::Panicked(text)
    }
}

/// Why an agent's start failed when its [`Agent::restore`](super::Agent::restore) refused the
/// snapshot it was to start from: what the supervisor turns into
/// [`SupervisorError::RestoreFailed`](crate::SupervisorError::RestoreFailed).
#[derive(Debug, Error)]
#[error(transparent)]
pub(crate) struct RestoreRefused(pub(crate) SnapshotError);

#[cfg(test)]
mod tests;
