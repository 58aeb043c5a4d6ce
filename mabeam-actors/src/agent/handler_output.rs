use super::AgentError;

/// What a generated handler may return: `()`, or `Result<(), E>` for any error that converts
/// into an [`AgentError`] (an `Err` fails the agent).
///
/// ```
/// use mabeam_actors::agent::HandlerOutput;
///
/// assert!(().into_handler_result().is_ok());
/// assert!(Err::<(), _>("bad").into_handler_result().is_err());
/// ```
pub trait HandlerOutput {
    /// Converts to the runtime's handler result.
    fn into_handler_result(self) -> Result<(), AgentError>;
}

impl HandlerOutput for () {
    fn into_handler_result(self) -> Result<(), AgentError> {
        Ok(())
    }
}

impl<E: Into<AgentError>> HandlerOutput for Result<(), E> {
    fn into_handler_result(self) -> Result<(), AgentError> {
        self.map_err(Into::into)
    }
}
