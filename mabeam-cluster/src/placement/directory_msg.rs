use mabeam_core::placement::{AgentKey, HostReport};
use serde::{Deserialize, Serialize};

/// What one node's placement asks another's: a request of the placement service's wire
/// protocol, `mabeam.directory` (sent as a `GatewayMsg::Service`, encoded with the versioned
/// codec). The answer is an encoded [`DirectoryReply`], or a `RemoteError` in the outcome.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum DirectoryRequest {
    /// Does the receiver host this strategy-placed agent? (A hash owner asks the nodes that
    /// have not reported since the view changed, before placing.)
    Hosts(AgentKey),
    /// Where does the receiver's directory say this agent runs? (Asked of its hash owner, to
    /// place another agent next to it or away from it.)
    Locate(AgentKey),
    /// A host's report to the hash owner of the agents in it.
    Report(HostReport),
    /// Run this call here: the agent's hash owner placed it on the receiver. The bytes are a
    /// call envelope, served without another directory lookup.
    Activate(Vec<u8>),
}

/// The answer to a [`DirectoryRequest`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub(crate) enum DirectoryReply {
    /// To `Hosts`.
    Hosts(bool),
    /// To `Locate`: the node the agent runs on, if the directory has it.
    Located(Option<String>),
    /// To `Report`: taken in.
    Adopted,
    /// To `Activate`: the call's result, in the agent type's wire form.
    Served(Vec<u8>),
}
