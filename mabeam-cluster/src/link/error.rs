use serde::{Deserialize, Serialize};
use thiserror::Error;

/// Why a call through the cluster failed. Each kind is its own variant, the same whether the
/// agent is local or remote, so callers can match on it.
#[derive(Debug, Clone, PartialEq, Eq, Error, Serialize, Deserialize)]
#[non_exhaustive]
pub enum RemoteError {
    /// The owner node has no agent type of that name registered (a node of another build, or
    /// a type missing from `NodeBuilder::agent_type`).
    #[error("node `{node}` has no agent type `{agent_type}`")]
    UnknownAgentType {
        /// The owner node.
        node: String,
        /// The type asked for.
        agent_type: String,
    },
    /// The agent took the request but failed before replying: the action panicked (`reason`
    /// carries the panic message), or the agent crashed or stopped first.
    #[error("agent `{agent}` failed before replying: {reason}")]
    AgentFailed {
        /// The agent.
        agent: String,
        /// What happened: `the action panicked: <message>`, or that it stopped or crashed.
        // Absent in the errors of builds from before it was added.
        #[serde(default)]
        reason: String,
    },
    /// The agent is not running and could not be activated.
    #[error("agent `{agent}` is not running: {reason}")]
    NotRunning {
        /// The agent.
        agent: String,
        /// Why.
        reason: String,
    },
    /// No reply within the timeout. The action may still run.
    #[error("call to agent `{agent}` timed out after {after_ms} ms")]
    Timeout {
        /// The agent.
        agent: String,
        /// The timeout.
        after_ms: u64,
    },
    /// The owner node cannot be reached: no transport session with it, or it went away
    /// during the call (for example while a partition cuts it off). `sent` tells which: a
    /// request that was never sent was not applied; one that was sent may have been.
    #[error("node `{node}` is unreachable ({}): {reason}", if *sent { "sent, outcome unknown" } else { "never sent" })]
    NodeUnreachable {
        /// The node.
        node: String,
        /// Why.
        reason: String,
        /// The request had left this node when the session failed: the action may have run.
        /// (Errors from nodes that do not send it read as `false`.)
        #[serde(default)]
        sent: bool,
    },
    /// A request, result or envelope could not be decoded (mismatched versions or types).
    #[error("cannot decode {what}: {reason}")]
    Decode {
        /// What could not be decoded.
        what: String,
        /// Why.
        reason: String,
    },
    /// A request or result could not be encoded.
    #[error("cannot encode {what}: {reason}")]
    Encode {
        /// What could not be encoded.
        what: String,
        /// Why.
        reason: String,
    },
    /// The node serves no service protocol of that id (a node of another build, or a
    /// service missing from its builder).
    #[error("node `{node}` serves no protocol `{protocol}`")]
    UnknownProtocol {
        /// The node.
        node: String,
        /// The protocol asked for.
        protocol: String,
    },
    /// The cluster has no node to place the agent on.
    #[error("no node can host agent `{agent}`")]
    NoOwner {
        /// The agent.
        agent: String,
    },
}

impl RemoteError {
    /// Whether the action may have run despite the error, so a retry may apply it twice: a
    /// timeout, a session lost after the request was sent, or an agent that failed while
    /// running it. Every other error means the action did not run.
    ///
    /// ```
    /// use mabeam_cluster::RemoteError;
    ///
    /// let lost = RemoteError::NodeUnreachable { node: "b".into(), reason: "no transport session".into(), sent: false };
    /// assert!(!lost.may_have_run());
    /// let late = RemoteError::Timeout { agent: "c-1".into(), after_ms: 5_000 };
    /// assert!(late.may_have_run());
    /// ```
    pub fn may_have_run(&self) -> bool {
        match self {
            Self::Timeout { .. } | Self::AgentFailed { .. } => true,
            Self::NodeUnreachable { sent, .. } => *sent,
            _ => false,
        }
    }

    /// A request that never left this node because `node` cannot be reached now.
    pub(crate) fn not_sent(node: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::NodeUnreachable {
            node: node.into(),
            reason: reason.into(),
            sent: false,
        }
    }

    /// A request that was sent to `node`, whose session failed before the answer.
    pub(crate) fn lost_after_sending(node: impl Into<String>, reason: impl Into<String>) -> Self {
        Self::NodeUnreachable {
            node: node.into(),
            reason: reason.into(),
            sent: true,
        }
    }
    pub(crate) fn from_call(agent: &str, err: mabeam_actors::CallError) -> Self {
        use mabeam_actors::CallError;
        match err {
            CallError::Timeout { after, .. } => Self::Timeout {
                agent: agent.to_owned(),
                after_ms: after.as_millis() as u64,
            },
            CallError::NotRunning { .. } => Self::NotRunning {
                agent: agent.to_owned(),
                reason: "not running".to_owned(),
            },
            CallError::NoReply { .. } => Self::agent_failed(agent, Self::STOPPED),
            CallError::AgentFailed { panic, .. } => Self::panicked(agent, &panic),
            other => Self::agent_failed(agent, other.to_string()),
        }
    }

    /// The reason of an `AgentFailed` whose agent dropped the request unanswered.
    pub(crate) const STOPPED: &'static str = "it stopped or crashed before replying";

    pub(crate) fn agent_failed(agent: &str, reason: impl Into<String>) -> Self {
        Self::AgentFailed {
            agent: agent.to_owned(),
            reason: reason.into(),
        }
    }

    fn panicked(agent: &str, panic: &str) -> Self {
        Self::agent_failed(agent, format!("the action panicked: {panic}"))
    }

    pub(crate) fn from_serve(agent: &str, err: mabeam_actors::ServeError) -> Self {
        use mabeam_actors::ServeError;
        match err {
            ServeError::Call(call) => Self::from_call(agent, call),
            ServeError::Decode(reason) => Self::Decode {
                what: format!("the request to `{agent}`"),
                reason: reason.to_string(),
            },
            ServeError::Dropped => Self::agent_failed(agent, Self::STOPPED),
            ServeError::Panicked(panic) => Self::panicked(agent, &panic),
            ServeError::Encode(reason) => Self::Encode {
                what: format!("the result of `{agent}`"),
                reason: reason.to_string(),
            },
            other => Self::agent_failed(agent, other.to_string()),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_caller_can_tell_never_sent_from_sent_with_an_unknown_outcome() {
        let never = RemoteError::not_sent("b", "no transport session");
        let lost = RemoteError::lost_after_sending("b", "the session closed before the reply");
        assert!(!never.may_have_run());
        assert!(lost.may_have_run());
        assert!(never.to_string().contains("never sent"), "{never}");
        assert!(lost.to_string().contains("sent, outcome unknown"), "{lost}");
        // An error encoded by a node that does not know the field reads as never sent.
        #[derive(Serialize)]
        enum Old {
            NodeUnreachable { node: String, reason: String },
        }
        let old = mabeam_core::codec::encode(&Old::NodeUnreachable {
            node: "b".into(),
            reason: "gone".into(),
        })
        .unwrap();
        let read: RemoteError = mabeam_core::codec::decode(&old).unwrap();
        assert_eq!(read, RemoteError::not_sent("b", "gone"));
    }
}
