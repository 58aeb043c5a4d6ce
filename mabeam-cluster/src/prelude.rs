//! What most users of a node need, in one `use mabeam_cluster::prelude::*;`.

pub use crate::{
    AdminResponse, AdminRoute, ClusterRef, Config, Discovery, MemberStatus, Node, NodeBuilder,
    NodeContext, NodeError, NodeService, Protocol, RemoteError, ServiceError, TypePlacement, View,
};
pub use mabeam_actors::AgentHandle;
